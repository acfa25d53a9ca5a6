// Package audit records who did what to which record, when and from where.
// Entries are written through the caller's transaction, so an action and its
// audit entry commit or roll back together.
package audit

import (
	"context"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// Entry is one audited action.
type Entry struct {
	ID string    `json:"id" format:"uuid"`
	At time.Time `json:"at" format:"date-time"`
	// ActorID is the account or client that acted; empty for an unknown user.
	ActorID   string `json:"actor_id,omitempty"`
	ActorKind string `json:"actor_kind" enums:"citizen,staff,client,anonymous"`
	// ActorRoles and ActorUnit describe a staff actor without naming them.
	ActorRoles string `json:"actor_roles,omitempty" example:"health_staff"`
	ActorUnit  string `json:"actor_unit,omitempty"`
	Action     string `json:"action" example:"staff.create"`
	TargetType string `json:"target_type" example:"account"`
	TargetID   string `json:"target_id,omitempty"`
	// SubjectID is the citizen whose data the action touched, if any.
	SubjectID string `json:"subject_id,omitempty"`
	Outcome   string `json:"outcome" enums:"success,failure"`
	ClientIP  string `json:"client_ip"`
	RequestID string `json:"request_id"`
} // @name AuditEntry

// Request describes the HTTP request an action came from.
type Request struct {
	ClientIP  string
	RequestID string
}

type requestKey struct{}

// WithRequest returns a context carrying the request's client IP and ID.
func WithRequest(ctx context.Context, r Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

type row struct {
	ID         string
	At         time.Time
	ActorID    string
	ActorKind  string
	ActorRoles string
	ActorUnit  string
	Action     string
	TargetType string
	TargetID   string
	SubjectID  string
	Outcome    string
	ClientIP   string `gorm:"column:client_ip"`
	RequestID  string
}

func (row) TableName() string { return "audit_log" }

// Log writes audit entries.
type Log struct {
	db    *db.DB
	clock domain.Clock
}

// NewLog returns a Log on d.
func NewLog(d *db.DB, clock domain.Clock) *Log { return &Log{db: d, clock: clock} }

// Record writes e, filling the time, the actor from the context's principal
// (unless e names one) and the request's IP and ID.
func (l *Log) Record(ctx context.Context, e Entry) error {
	rec := l.row(ctx, e)
	return db.Translate(l.db.Conn(ctx).Create(&rec).Error, "")
}

// row fills an entry's actor, time and request and makes it a row.
func (l *Log) row(ctx context.Context, e Entry) row {
	if p, ok := domain.PrincipalFrom(ctx); ok && e.ActorID == "" {
		e.ActorID, e.ActorKind = p.Subject, p.Kind
		e.ActorRoles, e.ActorUnit = rolesOf(p), p.UnitID
	}
	if e.ActorKind == "" {
		e.ActorKind = "anonymous"
	}
	if e.Outcome == "" {
		e.Outcome = "success"
	}
	r, _ := ctx.Value(requestKey{}).(Request)
	return row{
		ID: uuid.NewString(), At: l.clock.Now(), ActorID: e.ActorID, ActorKind: e.ActorKind, ActorRoles: e.ActorRoles,
		ActorUnit: e.ActorUnit, Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID, SubjectID: e.SubjectID,
		Outcome: e.Outcome, ClientIP: r.ClientIP, RequestID: r.RequestID,
	}
}

// RecordReads records that the caller read records of the given citizens
// through a target (a facility's day list, a school's applications): one
// entry per citizen, in one insert.
func (l *Log) RecordReads(ctx context.Context, action, targetType, targetID string, subjects []string) error {
	seen := map[string]bool{}
	var rows []row
	for _, subject := range subjects {
		if subject == "" || seen[subject] {
			continue
		}
		seen[subject] = true
		rows = append(rows, l.row(ctx, Entry{Action: action, TargetType: targetType, TargetID: targetID, SubjectID: subject}))
	}
	if len(rows) == 0 {
		return nil
	}
	return db.Translate(l.db.Conn(ctx).Create(&rows).Error, "")
}

func rolesOf(p domain.Principal) string {
	out := ""
	for i, r := range p.Roles {
		if i > 0 {
			out += ","
		}
		out += r
	}
	return out
}

// Filter narrows an audit search. Empty fields do not filter.
type Filter struct {
	ActorID    string
	TargetType string
	TargetID   string
	SubjectID  string
	From, To   time.Time
}

// List returns a page of the entries f selects, newest first, for the
// platform's administrators.
func (l *Log) List(ctx context.Context, f Filter, p page.Request) (page.Page[Entry], error) {
	q := l.db.Conn(ctx).Model(&row{})
	if f.ActorID != "" {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.TargetType != "" {
		q = q.Where("target_type = ?", f.TargetType)
	}
	if f.TargetID != "" {
		q = q.Where("target_id = ?", f.TargetID)
	}
	if f.SubjectID != "" {
		q = q.Where("subject_id = ?", f.SubjectID)
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To)
	}
	return entryPage(q, p)
}

// AccessTo returns a page of the entries about subjectID's records by
// anyone but subjectID, newest first: the citizen's access log.
func (l *Log) AccessTo(ctx context.Context, subjectID string, p page.Request) (page.Page[Entry], error) {
	return entryPage(l.db.Conn(ctx).Model(&row{}).Where("subject_id = ? AND actor_id <> ?", subjectID, subjectID), p)
}

// entryOrder reads the log newest first.
var entryOrder = page.Descending(page.Time("at"), page.ID("id"))

// entryPage reads a page of the entries q selects, newest first.
func entryPage(q *gorm.DB, p page.Request) (page.Page[Entry], error) {
	q, err := entryOrder.Seek(q, p)
	if err != nil {
		return page.Page[Entry]{}, err
	}
	var rows []row
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[Entry]{}, db.Translate(err, "")
	}
	out := make([]Entry, len(rows))
	for i, r := range rows {
		out[i] = Entry{
			ID: r.ID, At: r.At.UTC(), ActorID: r.ActorID, ActorKind: r.ActorKind, ActorRoles: r.ActorRoles, ActorUnit: r.ActorUnit,
			Action: r.Action, TargetType: r.TargetType, TargetID: r.TargetID, SubjectID: r.SubjectID, Outcome: r.Outcome,
			ClientIP: r.ClientIP, RequestID: r.RequestID,
		}
	}
	return page.Build(entryOrder, out, p, func(e Entry) []any { return []any{e.At, e.ID} }), nil
}
