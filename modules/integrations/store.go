package integrations

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

type clientRow struct {
	ID            string
	Name          string
	OwnerContact  string
	SecretHash    string
	Scopes        string
	UnitID        string
	RatePerMinute int
	Status        string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (clientRow) TableName() string { return "oauth_clients" }

func (r clientRow) client() Client {
	return Client{ID: r.ID, Name: r.Name, OwnerContact: r.OwnerContact, Scopes: strings.Fields(r.Scopes), UnitID: r.UnitID,
		RatePerMinute: r.RatePerMinute, Status: r.Status, CreatedAt: r.CreatedAt.UTC()}
}

type windowRow struct {
	ClientID    string
	WindowStart time.Time
	Hits        int
}

func (windowRow) TableName() string { return "client_rate_windows" }

// Store persists clients and their request counts, and the subscriptions
// and deliveries that platform/webhook sends.
type Store struct {
	db *db.DB
}

// NewStore returns a Store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// CreateClient inserts a client.
func (s *Store) CreateClient(ctx context.Context, r clientRow) error {
	return db.Translate(s.db.Conn(ctx).Create(&r).Error, "")
}

// clientOrder reads clients oldest first.
var clientOrder = page.Ascending(page.Time("created_at"), page.ID("id"))

// ListClients returns a page of clients, oldest first.
func (s *Store) ListClients(ctx context.Context, p page.Request) (page.Page[Client], error) {
	q := s.db.Conn(ctx).Model(&clientRow{})
	q, err := clientOrder.Seek(q, p)
	if err != nil {
		return page.Page[Client]{}, err
	}
	var rows []clientRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[Client]{}, db.Translate(err, "")
	}
	out := make([]Client, len(rows))
	for i, r := range rows {
		out[i] = r.client()
	}
	return page.Build(clientOrder, out, p, func(c Client) []any { return []any{c.CreatedAt, c.ID} }), nil
}

// RevokeClient revokes an active client and fails the pending deliveries
// to its subscriptions, in the caller's transaction. Errors: NotFound.
func (s *Store) RevokeClient(ctx context.Context, id string, now time.Time) error {
	res := s.db.Conn(ctx).Model(&clientRow{}).Where("id = ? AND status = 'active'", id).
		Updates(map[string]any{"status": "revoked", "updated_at": now})
	if res.Error != nil {
		return db.Translate(res.Error, "")
	}
	if res.RowsAffected == 0 {
		return domain.Errorf(domain.NotFound, "client not found")
	}
	err := s.db.Conn(ctx).Model(&deliveryRow{}).
		Where("status = 'pending' AND subscription_id IN (SELECT id FROM webhook_subscriptions WHERE client_id = ?)", id).
		Updates(map[string]any{"status": "failed", "last_error": webhook.Ended}).Error
	return db.Translate(err, "")
}

// SetSecret stores an active client's new secret hash and returns the
// client. Errors: NotFound.
func (s *Store) SetSecret(ctx context.Context, id, hash string, now time.Time) (clientRow, error) {
	res := s.db.Conn(ctx).Model(&clientRow{}).Where("id = ? AND status = 'active'", id).
		Updates(map[string]any{"secret_hash": hash, "updated_at": now})
	if res.Error != nil {
		return clientRow{}, db.Translate(res.Error, "")
	}
	if res.RowsAffected == 0 {
		return clientRow{}, domain.Errorf(domain.NotFound, "client not found")
	}
	return s.Client(ctx, id)
}

// Client returns a client, whatever its status. Errors: NotFound.
func (s *Store) Client(ctx context.Context, id string) (clientRow, error) {
	var row clientRow
	err := s.db.Conn(ctx).Where("id = ?", id).Take(&row).Error
	return row, db.Translate(err, "client not found")
}

// ActiveClient returns a client that is not revoked. Errors: NotFound.
func (s *Store) ActiveClient(ctx context.Context, id string) (clientRow, error) {
	var row clientRow
	err := s.db.Conn(ctx).Where("id = ? AND status = 'active'", id).Take(&row).Error
	return row, db.Translate(err, "client not found")
}

// CountRequest counts one request of a client in the window that starts at
// window and returns the window's count so far. The upsert returns the
// count, so counting and reading it is one statement, and every instance
// shares one count.
func (s *Store) CountRequest(ctx context.Context, clientID string, window time.Time) (int, error) {
	row := windowRow{ClientID: clientID, WindowStart: window, Hits: 1}
	err := s.db.Conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "client_id"}, {Name: "window_start"}},
		DoUpdates: clause.Assignments(map[string]any{"hits": gorm.Expr("client_rate_windows.hits + 1")}),
	}, clause.Returning{Columns: []clause.Column{{Name: "hits"}}}).Create(&row).Error
	return row.Hits, db.Translate(err, "")
}

// PurgeRateWindows deletes the counts of windows that started before t.
func (s *Store) PurgeRateWindows(ctx context.Context, before time.Time) error {
	err := s.db.Conn(ctx).Where("window_start < ?", before).Delete(&windowRow{}).Error
	return db.Translate(err, "")
}
