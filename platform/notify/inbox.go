package notify

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
)

// Notice is something the platform tells a citizen.
type Notice struct {
	AccountID string
	// Kind names the event, such as "appointment.cancelled_by_facility".
	Kind  string
	Title string
	Body  string
	// Data holds the IDs the app needs to open the record concerned.
	Data map[string]string
}

type noticeRow struct {
	ID        string
	AccountID string
	Kind      string
	Title     string
	Body      string
	Data      string
	ReadAt    *time.Time
	CreatedAt time.Time
}

func (noticeRow) TableName() string { return "notifications" }

// Inbox stores notices for citizens. It writes through the caller's
// transaction, so a notice exists exactly when the change it reports does.
type Inbox struct {
	db    *db.DB
	clock domain.Clock
}

// NewInbox returns an Inbox on d.
func NewInbox(d *db.DB, clock domain.Clock) *Inbox { return &Inbox{db: d, clock: clock} }

// Add stores n for its citizen.
func (i *Inbox) Add(ctx context.Context, n Notice) error {
	data, err := json.Marshal(n.Data)
	if err != nil {
		return err
	}
	row := noticeRow{ID: uuid.NewString(), AccountID: n.AccountID, Kind: n.Kind, Title: n.Title, Body: n.Body, Data: string(data), CreatedAt: i.clock.Now()}
	return db.Translate(i.db.Conn(ctx).Create(&row).Error, "")
}
