// Package notify sends SMS and e-mail through a Sender. Development records
// every message in the database for GET /dev/messages; production sends SMS
// through an HTTP gateway.
package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// Channels a message can go through.
const (
	SMS   = "sms"
	Email = "email"
)

// Message is one SMS or e-mail.
type Message struct {
	ID      string `json:"id" format:"uuid"`
	To      string `json:"to" example:"+923001234567"`
	Channel string `json:"channel" enums:"sms,email"`
	Body    string `json:"body"`
	// Subject is the e-mail subject; empty for SMS.
	Subject string    `json:"subject,omitempty"`
	SentAt  time.Time `json:"sent_at" format:"date-time"`
} // @name Message

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// DevSender "sends" by recording messages in the database, where every
// instance of the service can read them back.
type DevSender struct {
	db    *db.DB
	clock domain.Clock
}

type devMessageRow struct {
	ID      string
	To      string `gorm:"column:recipient"`
	Channel string
	Subject string
	Body    string
	SentAt  time.Time
}

func (devMessageRow) TableName() string { return "dev_messages" }

// NewDevSender returns a DevSender on d.
func NewDevSender(d *db.DB, clock domain.Clock) *DevSender { return &DevSender{db: d, clock: clock} }

// Send records m, committed asynchronously like the dispatcher's record
// of the send: a crash of the database that loses it repeats the message.
func (s *DevSender) Send(ctx context.Context, m Message) error {
	r := devMessageRow{ID: uuid.NewString(), To: m.To, Channel: m.Channel, Subject: m.Subject, Body: m.Body, SentAt: s.clock.Now()}
	return s.db.ExecAsyncCommit(ctx, func(conn *gorm.DB) *gorm.DB { return conn.Create(&r) })
}

// messageOrder reads recorded messages newest first.
var messageOrder = page.Descending(page.Time("sent_at"), page.ID("id"))

// Messages returns recorded messages, newest first, optionally to one recipient.
func (s *DevSender) Messages(ctx context.Context, to string, p page.Request) (page.Page[Message], error) {
	q := s.db.Conn(ctx).Model(&devMessageRow{})
	if to != "" {
		q = q.Where("recipient = ?", to)
	}
	q, err := messageOrder.Seek(q, p)
	if err != nil {
		return page.Page[Message]{}, err
	}
	var rows []devMessageRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[Message]{}, db.Translate(err, "")
	}
	out := make([]Message, len(rows))
	for i, r := range rows {
		out[i] = Message{ID: r.ID, To: r.To, Channel: r.Channel, Subject: r.Subject, Body: r.Body, SentAt: r.SentAt.UTC()}
	}
	return page.Build(messageOrder, out, p, func(m Message) []any { return []any{m.SentAt, m.ID} }), nil
}

// GatewaySender sends SMS through an HTTP SMS gateway: a POST of
// {"to", "message"} as JSON with a bearer token, answered with any 2xx.
// E-mail is not sent by this sender.
type GatewaySender struct {
	URL    string
	Token  string
	Client *http.Client
}

// Send posts m to the gateway.
func (g *GatewaySender) Send(ctx context.Context, m Message) error {
	if m.Channel != SMS {
		return fmt.Errorf("the SMS gateway cannot send %s", m.Channel)
	}
	body, _ := json.Marshal(map[string]string{"to": m.To, "message": m.Body})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+g.Token)
	res, err := g.Client.Do(req)
	if err != nil {
		return fmt.Errorf("sms gateway: %w", err)
	}
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("sms gateway answered %d", res.StatusCode)
	}
	return nil
}
