package integrations

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/token"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// Audience is the audience of client access tokens; they are accepted only
// on routes whose permission one of the client's scopes holds.
const Audience = "citizenapi-integrations"

// ClientTokenTTL is how long a client access token lasts.
const ClientTokenTTL = time.Hour

// Scope is a permission a third-party client may be given. What each
// allows is described in the OpenAPI document (api/openapi.go).
type Scope struct {
	// UnitBound scopes need the client bound to a unit: the facility whose
	// appointments it reads, the school whose decisions it hears of.
	UnitBound bool
}

// Scopes are the scopes a client may be given.
var Scopes = map[string]Scope{
	"health.slots:read":        {},
	"health.appointments:read": {UnitBound: true},
	"education.schools:read":   {},
	"parking.permits:verify":   {},
	"webhooks:manage":          {},
}

// ScopeNames returns the scopes a client may be given, sorted.
func ScopeNames() []string {
	names := make([]string, 0, len(Scopes))
	for name := range Scopes {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// ScopeRole prefixes a scope to name its Casbin subject: the policy grants
// a permission to the scope "webhooks:manage" as "scope:webhooks:manage".
const ScopeRole = "scope:"

// defaultRate is a client's requests per rateWindow unless set otherwise.
const defaultRate = 600

// rateWindow is the window a client's requests are counted in.
const rateWindow = time.Minute

// Client is a third party's registration, without its secret.
type Client struct {
	ID            string    `json:"client_id" format:"uuid"`
	Name          string    `json:"name" example:"Shifa Clinic booking desk"`
	OwnerContact  string    `json:"owner_contact" example:"it@shifaclinic.example.pk"`
	Scopes        []string  `json:"scopes" example:"health.slots:read,webhooks:manage"`
	UnitID        string    `json:"unit_id,omitempty"`
	RatePerMinute int       `json:"rate_per_minute" example:"600"`
	Status        string    `json:"status" enums:"active,revoked"`
	CreatedAt     time.Time `json:"created_at" format:"date-time"`
} // @name IntegrationClient

// ClientWithSecret is a client as it is created or its secret rotated: the
// only time the secret is shown.
type ClientWithSecret struct {
	Client
	Secret string `json:"client_secret"`
} // @name IntegrationClientWithSecret

// NewClient registers a client.
type NewClient struct {
	Name          string   `json:"name" validate:"required,min=2,max=100"`
	OwnerContact  string   `json:"owner_contact" validate:"required,max=200"`
	Scopes        []string `json:"scopes" validate:"required,min=1,max=10,dive,required"`
	UnitID        string   `json:"unit_id,omitempty" validate:"omitempty,uuid" format:"uuid"`
	RatePerMinute int      `json:"rate_per_minute,omitempty" validate:"omitempty,min=1,max=100000"`
} // @name NewIntegrationClient

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

// Deps are what the integrations service is built on.
type Deps struct {
	DB      *db.DB
	Clock   domain.Clock
	Signer  *token.Signer
	Audit   *audit.Log
	Targets webhook.Targets
}

// Service is the integrations module's use cases.
type Service struct {
	Deps
}

// NewService returns the integrations service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

func newSecret() (string, string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	secret := "cs_" + base64.RawURLEncoding.EncodeToString(b)
	return secret, hashSecret(secret), nil
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateClient registers a client and returns its secret, once. Errors:
// Invalid for an unknown scope or a unit given or missing where the scopes
// need it.
func (s *Service) CreateClient(ctx context.Context, in NewClient) (ClientWithSecret, error) {
	scopes, err := checkScopes(in.Scopes, in.UnitID)
	if err != nil {
		return ClientWithSecret{}, err
	}
	secret, hash, err := newSecret()
	if err != nil {
		return ClientWithSecret{}, err
	}
	rate := in.RatePerMinute
	if rate == 0 {
		rate = defaultRate
	}
	now := s.Clock.Now()
	row := clientRow{ID: uuid.NewString(), Name: in.Name, OwnerContact: in.OwnerContact, SecretHash: hash, Scopes: strings.Join(scopes, " "),
		UnitID: in.UnitID, RatePerMinute: rate, Status: "active", CreatedAt: now, UpdatedAt: now}
	err = s.DB.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.DB.Conn(ctx).Create(&row).Error; err != nil {
			return db.Translate(err, "")
		}
		return s.Audit.Record(ctx, audit.Entry{Action: "integrations.client.create", TargetType: "client", TargetID: row.ID})
	})
	if err != nil {
		return ClientWithSecret{}, err
	}
	return ClientWithSecret{Client: row.client(), Secret: secret}, nil
}

// Check names unknown scopes and a unit missing where the scopes need one.
func (in NewClient) Check() error {
	_, err := checkScopes(in.Scopes, in.UnitID)
	return err
}

// checkScopes returns the scopes sorted, each once. Errors: Invalid naming
// every field at fault.
func checkScopes(scopes []string, unit string) ([]string, error) {
	var errs domain.FieldErrors
	seen := map[string]bool{}
	needsUnit := false
	for _, sc := range scopes {
		scope, ok := Scopes[sc]
		if !ok {
			errs.Add(domain.FieldInvalid("scopes", "validation.scope.unknown", map[string]string{"scope": sc}))
			continue
		}
		seen[sc], needsUnit = true, needsUnit || scope.UnitBound
	}
	if needsUnit && unit == "" {
		errs.Add(domain.FieldInvalid("unit_id", "validation.scope.unit", nil))
	}
	out := make([]string, 0, len(seen))
	for sc := range seen {
		out = append(out, sc)
	}
	sort.Strings(out)
	return out, errs.Err()
}

// Clients lists clients, oldest first.
func (s *Service) Clients(ctx context.Context, p page.Request) (page.Page[Client], error) {
	q := s.DB.Conn(ctx).Model(&clientRow{})
	var after []any
	if len(p.After) == 2 {
		t, err := page.ParseTimeKey(p.After[0])
		if err != nil {
			return page.Page[Client]{}, err
		}
		after = []any{t, p.After[1]}
	}
	var rows []clientRow
	if err := page.Seek(q, p, []string{"created_at", "id"}, after...).Find(&rows).Error; err != nil {
		return page.Page[Client]{}, db.Translate(err, "")
	}
	out := make([]Client, len(rows))
	for i, r := range rows {
		out[i] = r.client()
	}
	return page.Build(out, p.Limit, func(c Client) []string { return []string{page.TimeKey(c.CreatedAt), c.ID} }), nil
}

// RevokeClient revokes a client: its tokens stop working at once and no
// new ones are issued. Errors: NotFound.
func (s *Service) RevokeClient(ctx context.Context, id string) error {
	return s.DB.WithinTx(ctx, func(ctx context.Context) error {
		res := s.DB.Conn(ctx).Model(&clientRow{}).Where("id = ? AND status = 'active'", id).
			Updates(map[string]any{"status": "revoked", "updated_at": s.Clock.Now()})
		if res.Error != nil {
			return db.Translate(res.Error, "")
		}
		if res.RowsAffected == 0 {
			return domain.Errorf(domain.NotFound, "client not found")
		}
		// Nothing more goes to a revoked client's subscriptions.
		err := s.DB.Conn(ctx).Model(&deliveryRow{}).
			Where("status = 'pending' AND subscription_id IN (SELECT id FROM webhook_subscriptions WHERE client_id = ?)", id).
			Updates(map[string]any{"status": "failed", "last_error": "client revoked"}).Error
		if err != nil {
			return db.Translate(err, "")
		}
		return s.Audit.Record(ctx, audit.Entry{Action: "integrations.client.revoke", TargetType: "client", TargetID: id})
	})
}

// RotateSecret gives an active client a new secret, shown once; the old one
// stops working at once. Errors: NotFound.
func (s *Service) RotateSecret(ctx context.Context, id string) (ClientWithSecret, error) {
	secret, hash, err := newSecret()
	if err != nil {
		return ClientWithSecret{}, err
	}
	var row clientRow
	err = s.DB.WithinTx(ctx, func(ctx context.Context) error {
		res := s.DB.Conn(ctx).Model(&clientRow{}).Where("id = ? AND status = 'active'", id).
			Updates(map[string]any{"secret_hash": hash, "updated_at": s.Clock.Now()})
		if res.Error != nil {
			return db.Translate(res.Error, "")
		}
		if res.RowsAffected == 0 {
			return domain.Errorf(domain.NotFound, "client not found")
		}
		if err := s.DB.Conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
			return db.Translate(err, "")
		}
		return s.Audit.Record(ctx, audit.Entry{Action: "integrations.client.rotate_secret", TargetType: "client", TargetID: id})
	})
	if err != nil {
		return ClientWithSecret{}, err
	}
	return ClientWithSecret{Client: row.client(), Secret: secret}, nil
}

// authenticate checks a client's credentials; ok is false for an unknown,
// revoked or wrongly authenticated client, without saying which.
func (s *Service) authenticate(ctx context.Context, id, secret string) (clientRow, bool, error) {
	if _, err := uuid.Parse(id); err != nil {
		return clientRow{}, false, nil
	}
	var row clientRow
	err := s.DB.Conn(ctx).Where("id = ?", id).Take(&row).Error
	if domain.IsKind(db.Translate(err, ""), domain.NotFound) {
		return clientRow{}, false, nil
	} else if err != nil {
		return clientRow{}, false, db.Translate(err, "")
	}
	ok := subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(row.SecretHash)) == 1 && row.Status == "active"
	return row, ok, nil
}

// Quota is where a client stands against its rate limit once a request is
// counted.
type Quota struct {
	// Limit is the requests allowed in a window of length Window.
	Limit  int
	Window time.Duration
	// Remaining is the requests left in the current window, which ends in
	// Reset.
	Remaining int
	Reset     time.Duration
}

// Principal builds the principal of a client token's subject, its scopes
// as Casbin subjects (ScopeRole) and its unit, and counts the request
// against the client's rate limit. A revoked client is refused at once.
// The quota is zero when the client is not found. Errors: Unauthenticated;
// RateLimited, with the quota.
func (s *Service) Principal(ctx context.Context, clientID string, scopes []string) (domain.Principal, Quota, error) {
	var row clientRow
	err := s.DB.Conn(ctx).Where("id = ? AND status = 'active'", clientID).Take(&row).Error
	if err != nil {
		if domain.IsKind(db.Translate(err, ""), domain.NotFound) {
			return domain.Principal{}, Quota{}, domain.Errorf(domain.Unauthenticated, "the client is not active")
		}
		return domain.Principal{}, Quota{}, db.Translate(err, "")
	}
	granted := map[string]bool{}
	for _, sc := range strings.Fields(row.Scopes) {
		granted[sc] = true
	}
	p := domain.Principal{Subject: row.ID, Kind: "client", UnitID: row.UnitID}
	for _, sc := range scopes {
		if granted[sc] {
			p.Scopes = append(p.Scopes, sc)
			p.Roles = append(p.Roles, ScopeRole+sc)
		}
	}
	q, err := s.allow(ctx, row)
	return p, q, err
}

type windowRow struct {
	ClientID    string
	WindowStart time.Time
	Hits        int
}

func (windowRow) TableName() string { return "client_rate_windows" }

// allow counts a request against the client's limit for the current
// window, in the database so every instance shares one count. The upsert
// returns the count, so counting and reading it is one statement. Errors:
// RateLimited with the time left in the window.
func (s *Service) allow(ctx context.Context, c clientRow) (Quota, error) {
	now := s.Clock.Now()
	window := now.Truncate(rateWindow)
	row := windowRow{ClientID: c.ID, WindowStart: window, Hits: 1}
	err := s.DB.Conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "client_id"}, {Name: "window_start"}},
		DoUpdates: clause.Assignments(map[string]any{"hits": gorm.Expr("client_rate_windows.hits + 1")}),
	}, clause.Returning{Columns: []clause.Column{{Name: "hits"}}}).Create(&row).Error
	if err != nil {
		return Quota{}, db.Translate(err, "")
	}
	reset := window.Add(rateWindow).Sub(now)
	q := Quota{Limit: c.RatePerMinute, Window: rateWindow, Remaining: max(c.RatePerMinute-row.Hits, 0), Reset: reset}
	if row.Hits > c.RatePerMinute {
		return q, domain.RetryLater(domain.RateLimited, reset, "this client's rate limit is used up for this minute")
	}
	return q, nil
}

// PurgeRateWindows forgets request counts older than an hour.
func (s *Service) PurgeRateWindows(ctx context.Context) error {
	err := s.DB.Conn(ctx).Where("window_start < ?", s.Clock.Now().Add(-time.Hour)).Delete(&windowRow{}).Error
	return db.Translate(err, "")
}
