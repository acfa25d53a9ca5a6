package integrations

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"sort"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
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
	"traffic.challans:issue":   {},
	"traffic.challans:lookup":  {},
	"traffic.advisories:read":  {},
	"waitlists:read":           {},
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

// newSecret returns a client secret and the hash that is stored of it.
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

// TokenResponse is a successful client-credentials answer (RFC 6749 §5.1).
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type" example:"Bearer"`
	ExpiresIn   int    `json:"expires_in" example:"3600"`
	Scope       string `json:"scope" example:"health.slots:read webhooks:manage"`
} // @name TokenResponse

// TokenError is an RFC 6749 §5.2 error answer.
type TokenError struct {
	Error       string `json:"error" enums:"invalid_request,invalid_client,invalid_grant,unauthorized_client,unsupported_grant_type,invalid_scope"`
	Description string `json:"error_description,omitempty"`
} // @name TokenError

// Subscription is a client's webhook subscription.
type Subscription struct {
	ID        string    `json:"id" format:"uuid"`
	URL       string    `json:"url" example:"https://hooks.shifaclinic.example.pk/citizenapi"`
	Events    []string  `json:"events" example:"appointment.booked,appointment.cancelled"`
	CreatedAt time.Time `json:"created_at" format:"date-time"`
} // @name Subscription

// SubscriptionWithSecret is a new subscription with its signing secret,
// shown this once.
type SubscriptionWithSecret struct {
	Subscription
	Secret string `json:"secret"`
} // @name SubscriptionWithSecret

// NewSubscription subscribes a URL to events.
type NewSubscription struct {
	URL    string   `json:"url" validate:"required,max=2000"`
	Events []string `json:"events" validate:"required,min=1,max=10,dive,required"`
} // @name NewSubscription

// Check names unknown events and a URL that is not one; whether the client
// may have the events and where the URL leads are the service's to find.
func (in NewSubscription) Check() error {
	var errs domain.FieldErrors
	for _, e := range in.Events {
		if _, ok := webhook.Lookup(e); !ok {
			errs.Add(domain.FieldInvalid("events", "validation.event.unknown", map[string]string{"event": e}))
		}
	}
	errs.Add(webhook.CheckURL("url", in.URL))
	return errs.Err()
}

// Delivery is one attempt record of sending an event to a subscription.
type Delivery struct {
	ID            string     `json:"id" format:"uuid"`
	EventID       string     `json:"event_id" format:"uuid"`
	EventType     string     `json:"event_type"`
	Status        string     `json:"status" enums:"pending,delivered,failed"`
	Attempts      int        `json:"attempts"`
	LastStatus    int        `json:"last_status,omitempty"`
	LastError     string     `json:"last_error,omitempty" enums:"timeout,dns,refused,unreachable,tls,not_allowed,redirect,http_status,subscription_ended,other"`
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty" format:"date-time"`
	DeliveredAt   *time.Time `json:"delivered_at,omitempty" format:"date-time"`
	CreatedAt     time.Time  `json:"created_at" format:"date-time"`
} // @name WebhookDelivery
