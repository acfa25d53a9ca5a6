package traffic

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// Advisory kinds.
const (
	KindClosure   = "closure"
	KindDiversion = "diversion"
)

// maxFollowed is how many sectors a citizen may follow.
const maxFollowed = 20

// Advisory is a road closure or diversion as anyone reads it.
type Advisory struct {
	ID      string `json:"id" format:"uuid"`
	Kind    string `json:"kind" enums:"closure,diversion" example:"closure"`
	Title   string `json:"title" example:"Jinnah Avenue closed for a state event"`
	TitleUr string `json:"title_ur" example:"سرکاری تقریب کے باعث جناح ایونیو بند"`
	Body    string `json:"body" example:"Jinnah Avenue is closed from Zero Point to D-Chowk. Use Khayaban-e-Iqbal or Srinagar Highway."`
	BodyUr  string `json:"body_ur" example:"جناح ایونیو زیرو پوائنٹ سے ڈی چوک تک بند ہے۔ خیابانِ اقبال یا سری نگر ہائی وے استعمال کریں۔"`
	// Sectors are the codes of the sectors it touches, sorted.
	Sectors   []string  `json:"sectors" example:"BLUE-AREA,F-6"`
	StartsAt  time.Time `json:"starts_at" format:"date-time"`
	EndsAt    time.Time `json:"ends_at" format:"date-time"`
	CreatedAt time.Time `json:"created_at" format:"date-time"`
} // @name Advisory

// AdvisoryInput publishes an advisory.
type AdvisoryInput struct {
	Kind    string `json:"kind" validate:"required,oneof=closure diversion" enums:"closure,diversion" example:"closure"`
	Title   string `json:"title" validate:"required,max=120" example:"Jinnah Avenue closed for a state event"`
	TitleUr string `json:"title_ur" validate:"required,max=120" example:"سرکاری تقریب کے باعث جناح ایونیو بند"`
	Body    string `json:"body" validate:"required,max=2000" example:"Jinnah Avenue is closed from Zero Point to D-Chowk. Use Khayaban-e-Iqbal or Srinagar Highway."`
	BodyUr  string `json:"body_ur" validate:"required,max=2000" example:"جناح ایونیو زیرو پوائنٹ سے ڈی چوک تک بند ہے۔ خیابانِ اقبال یا سری نگر ہائی وے استعمال کریں۔"`
	// Sectors are codes of traffic sectors, each once.
	Sectors []string `json:"sectors" validate:"required,min=1,max=20,dive,required,max=20" example:"BLUE-AREA,F-6"`
	// EndsAt must be after StartsAt and in the future.
	StartsAt time.Time `json:"starts_at" validate:"required" format:"date-time"`
	EndsAt   time.Time `json:"ends_at" validate:"required" format:"date-time"`
} // @name AdvisoryInput

// Check writes the sector codes as they are stored and refuses a sector
// named twice and an end not after the start, naming each.
func (in *AdvisoryInput) Check() error {
	var errs domain.FieldErrors
	var repeated bool
	in.Sectors, repeated = normalCodes(in.Sectors)
	if repeated {
		errs.Add(domain.FieldInvalid("sectors", "validation.sectors.repeated", nil))
	}
	if !in.EndsAt.After(in.StartsAt) {
		errs.Add(domain.FieldInvalid("ends_at", "validation.advisory.ends_after_start", nil))
	}
	return errs.Err()
}

// FollowedSectors are the sectors a citizen follows.
type FollowedSectors struct {
	// Sectors are codes of traffic sectors; one named twice counts once.
	Sectors []string `json:"sectors" validate:"required,dive,required,max=20" example:"F-7,G-9"`
} // @name FollowedSectors

// Check writes the sector codes as they are stored, each once, and
// refuses more than 20.
func (in *FollowedSectors) Check() error {
	in.Sectors, _ = normalCodes(in.Sectors)
	if len(in.Sectors) > maxFollowed {
		return domain.FieldInvalid("sectors", "validation.max.items", map[string]string{"n": strconv.Itoa(maxFollowed)})
	}
	return nil
}

// normalCodes writes sector codes as they are stored, trimmed and upper
// case, each once and sorted as lists show them, and reports whether one
// repeated.
func normalCodes(codes []string) ([]string, bool) {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = storedCode(c)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	return out, len(out) < len(codes)
}

// checkSectors refuses, naming field, codes that are not traffic sectors.
func (s *Service) checkSectors(ctx context.Context, field string, codes []string) error {
	unknown, err := s.store.unknownSectors(ctx, codes)
	if err != nil || len(unknown) == 0 {
		return err
	}
	return domain.FieldInvalid(field, "validation.sectors.unknown", map[string]string{"codes": strings.Join(unknown, ", ")})
}

// Advisories lists advisories by start, those touching f.Sector when it is
// set: by default those not yet over, with f.Active true those in force
// now, with f.Active false past ones too. Errors: Invalid naming sector for
// an unknown code; Malformed naming cursor.
func (s *Service) Advisories(ctx context.Context, f AdvisoryFilter, p page.Request) (page.Page[Advisory], error) {
	if f.Sector != "" {
		f.Sector = storedCode(f.Sector)
		if _, err := s.store.SectorByCode(ctx, f.Sector); domain.IsKind(err, domain.NotFound) {
			return page.Page[Advisory]{}, domain.FieldInvalid("sector", "validation.sector.unknown", nil)
		} else if err != nil {
			return page.Page[Advisory]{}, err
		}
	}
	rows, err := s.store.ListAdvisories(ctx, f, p, s.clock.Now())
	if err != nil {
		return page.Page[Advisory]{}, err
	}
	items, err := s.presentAdvisories(ctx, rows.Items)
	return page.Page[Advisory]{Items: items, NextCursor: rows.NextCursor}, err
}

// presentAdvisories nests each advisory's sectors, loaded in one query.
func (s *Service) presentAdvisories(ctx context.Context, rows []advisoryRow) ([]Advisory, error) {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	sectors, err := s.store.advisorySectors(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Advisory, len(rows))
	for i, r := range rows {
		out[i] = r.advisory(sectors[r.ID])
	}
	return out, nil
}

// Publish publishes an advisory for a traffic admin, audited and sent to
// integrators in one transaction. Its followers are told later, by
// NotifyFollowers. Errors: Invalid naming sectors (unknown or repeated) and
// ends_at (not after starts_at, or past).
func (s *Service) Publish(ctx context.Context, p domain.Principal, in AdvisoryInput) (Advisory, error) {
	var errs domain.FieldErrors
	errs.Add(in.Check())
	errs.Add(s.CheckAdvisory(ctx, in))
	if err := errs.Err(); err != nil {
		return Advisory{}, err
	}
	now := s.clock.Now()
	r := advisoryRow{ID: uuid.NewString(), Kind: in.Kind, Title: in.Title, TitleUr: in.TitleUr, Body: in.Body, BodyUr: in.BodyUr,
		StartsAt: in.StartsAt.UTC(), EndsAt: in.EndsAt.UTC(), PublishedBy: p.Subject, CreatedAt: now}
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateAdvisory(ctx, r, in.Sectors); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, audit.Entry{Action: "traffic.advisory.publish", TargetType: "advisory", TargetID: r.ID}); err != nil {
			return err
		}
		return s.events.Publish(ctx, webhook.New("advisory.published", "", webhook.AdvisoryEventData{
			AdvisoryID: r.ID, Kind: r.Kind, Title: r.Title, Sectors: in.Sectors, StartsAt: r.StartsAt, EndsAt: r.EndsAt,
		}, now))
	})
	if err != nil {
		return Advisory{}, err
	}
	return r.advisory(in.Sectors), nil
}

// CheckAdvisory names the fields of an advisory that the sectors or the
// clock refuse: unknown sector codes, an end already past. The handler
// adds them to the fields the request's own checks name.
func (s *Service) CheckAdvisory(ctx context.Context, in AdvisoryInput) error {
	var errs domain.FieldErrors
	errs.Add(s.checkSectors(ctx, "sectors", in.Sectors))
	if !in.EndsAt.IsZero() && !in.EndsAt.After(s.clock.Now()) {
		errs.Add(domain.FieldInvalid("ends_at", "validation.advisory.ends_past", nil))
	}
	return errs.Err()
}

// FollowedSectors returns the codes of the sectors the caller follows, in
// order.
func (s *Service) FollowedSectors(ctx context.Context, p domain.Principal) (FollowedSectors, error) {
	codes, err := s.store.Followed(ctx, p.Subject)
	return FollowedSectors{Sectors: codes}, err
}

// FollowSectors makes in the sectors the caller follows, in place of those
// followed before. Errors: Invalid naming sectors for unknown codes or more
// than 20.
func (s *Service) FollowSectors(ctx context.Context, p domain.Principal, in FollowedSectors) (FollowedSectors, error) {
	if err := in.Check(); err != nil {
		return FollowedSectors{}, err
	}
	if err := s.checkSectors(ctx, "sectors", in.Sectors); err != nil {
		return FollowedSectors{}, err
	}
	var out FollowedSectors
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.ReplaceFollowed(ctx, p.Subject, in.Sectors, s.clock.Now()); err != nil {
			return err
		}
		var err error
		out, err = s.FollowedSectors(ctx, p)
		return err
	})
	return out, err
}

// noticeBatch bounds the advisories one run of NotifyFollowers takes on.
const noticeBatch = 100

// NotifyFollowers tells every citizen following a sector that a newly
// published advisory touches, once per advisory however many of their
// sectors it touches. Each advisory is claimed by a conditional update in
// the transaction of its notices, so several instances running this at
// once notify each follower one time; one already over by then is claimed
// without notices. It returns how many notices it wrote.
func (s *Service) NotifyFollowers(ctx context.Context) (int, error) {
	rows, err := s.store.unnotified(ctx, noticeBatch)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, a := range rows {
		n, err := s.notifyFollowers(ctx, a)
		if err != nil {
			return sent, err
		}
		sent += n
	}
	return sent, nil
}

// notifyFollowers claims one advisory and writes its followers' notices,
// returning how many it wrote: none when another run claimed it first.
func (s *Service) notifyFollowers(ctx context.Context, a advisoryRow) (int, error) {
	n := 0
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		n = 0 // a retried transaction counts afresh
		now := s.clock.Now()
		claimed, err := s.store.claimNotice(ctx, a.ID, now)
		if err != nil || !claimed || !a.EndsAt.After(now) {
			return err
		}
		followers, err := s.store.followers(ctx, a.ID)
		if err != nil {
			return err
		}
		sectors, err := s.store.advisorySectors(ctx, []string{a.ID})
		if err != nil {
			return err
		}
		params := map[string]string{"title": a.Title, "title_ur": a.TitleUr, "sectors": strings.Join(sectors[a.ID], ", "),
			"starts": localTime(a.StartsAt), "ends": localTime(a.EndsAt), "advisory_id": a.ID}
		for _, accountID := range followers {
			if err := s.inbox.Add(ctx, notify.Notice{AccountID: accountID, Kind: "advisory.published", Params: params}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// localTime writes t as Islamabad reads it, for notices.
func localTime(t time.Time) string { return t.In(domain.Karachi).Format("2 Jan 15:04") }
