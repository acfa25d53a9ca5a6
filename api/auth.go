package api

import (
	_ "embed"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	gormadapter "github.com/casbin/gorm-adapter/v3"
	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/integrations"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/token"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

//go:embed rbac_model.conf
var rbacModel string

// policyChannel is where PostgreSQL announces a change to the policy table
// (migration 00013), so that every instance reloads its copy.
const policyChannel = "citizenapi_policy"

// authorizer answers Casbin's question and remembers each answer: the
// inputs are a role, a unit and a route, a set bounded by the data, and the
// policy only changes on a reload, which starts a fresh memory.
type authorizer struct {
	enforcer  *casbin.SyncedEnforcer
	decisions atomic.Pointer[sync.Map]
}

func newAuthorizer(d *db.DB) (*authorizer, error) {
	e, err := newEnforcer(d)
	if err != nil {
		return nil, err
	}
	a := &authorizer{enforcer: e}
	a.decisions.Store(new(sync.Map))
	return a, nil
}

// LoadPolicy reloads the policy from the database, then forgets the old
// answers. In that order, an answer computed under the old policy can only
// land in the memory being discarded.
func (a *authorizer) LoadPolicy() error {
	err := a.enforcer.LoadPolicy()
	a.decisions.Store(new(sync.Map))
	return err
}

// Scopes returns the client scopes whose subjects (integrations.ScopeRole)
// the loaded policy grants obj:act in the unit dom, sorted: a client token
// lacking the permission needs one of them.
func (a *authorizer) Scopes(dom, obj, act string) ([]string, error) {
	rules, err := a.enforcer.GetFilteredPolicy(2, obj, act)
	if err != nil {
		return nil, err
	}
	var scopes []string
	for _, r := range rules {
		scope, ok := strings.CutPrefix(r[0], integrations.ScopeRole)
		if ok && (r[1] == "*" || r[1] == dom) && !slices.Contains(scopes, scope) {
			scopes = append(scopes, scope)
		}
	}
	slices.Sort(scopes)
	return scopes, nil
}

// Enforce reports whether role, acting in the unit dom, may act on obj.
func (a *authorizer) Enforce(role, dom, obj, act string) (bool, error) {
	decisions := a.decisions.Load()
	key := role + "\x00" + dom + "\x00" + obj + "\x00" + act
	if ok, found := decisions.Load(key); found {
		return ok.(bool), nil
	}
	ok, err := a.enforcer.Enforce(role, dom, obj, act)
	if err == nil {
		decisions.Store(key, ok)
	}
	return ok, err
}

// newEnforcer loads the Casbin model from the repository and its policy
// from the database, where migrations seed it. The table belongs to the
// migrations, so the adapter must not create or alter it.
func newEnforcer(d *db.DB) (*casbin.SyncedEnforcer, error) {
	m, err := model.NewModelFromString(rbacModel)
	if err != nil {
		return nil, fmt.Errorf("casbin model: %w", err)
	}
	gdb := d.DB.Session(&gorm.Session{NewDB: true})
	gormadapter.TurnOffAutoMigrate(gdb)
	adapter, err := gormadapter.NewAdapterByDB(gdb)
	if err != nil {
		return nil, fmt.Errorf("casbin adapter: %w", err)
	}
	e, err := casbin.NewSyncedEnforcer(m, adapter)
	if err != nil {
		return nil, fmt.Errorf("casbin enforcer: %w", err)
	}
	return e, nil
}

// authenticator turns a bearer access token into the request's principal:
// a citizen's or staff member's from identity, a third-party client's from
// integrations.
type authenticator struct {
	signer       *token.Signer
	identity     *identity.Service
	integrations *integrations.Service
	authorizer   *authorizer
}

// guard admits public routes to anyone. Every other route needs a valid
// access token of an active account (401 otherwise) whose roles Casbin
// allows perm (403 otherwise). A token sent to a public route must be
// valid too, and a client's counts against its rate limit.
func (a *authenticator) guard(perm string) echo.MiddlewareFunc {
	obj, act, _ := strings.Cut(perm, ":")
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			switch {
			case perm == web.ClientCredentials:
				// The token endpoint authenticates the client itself.
				onPrimaryUnlessRead(c, "")
				return next(c)
			case perm == web.Anyone:
				// Anonymous requests, most of them, cost no database work.
				if len(c.Request().Header.Values(echo.HeaderAuthorization)) > 0 {
					if _, err := a.authenticate(c); err != nil {
						return refuse(c, err)
					}
				}
				// The principal stays off the context: public handlers
				// serve every caller alike.
				onPrimaryUnlessRead(c, "")
				return next(c)
			}
			p, err := a.authenticate(c)
			if err != nil {
				return refuse(c, err)
			}
			allowed, err := a.allowed(p, obj, act)
			if err != nil {
				return domain.Wrap(domain.Internal, err, "authorization failed")
			}
			if !allowed {
				return a.forbidden(c, p, obj, act)
			}
			c.SetRequest(c.Request().WithContext(domain.WithPrincipal(c.Request().Context(), p)))
			onPrimaryUnlessRead(c, p.Kind)
			return next(c)
		}
	}
}

// refuse answers a failed authentication, with the Bearer challenge when
// the token was at fault (RFC 6750 §3).
func refuse(c echo.Context, err error) error {
	if domain.IsKind(err, domain.Unauthenticated) {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="citizenapi", error="invalid_token"`)
	}
	return err
}

// forbidden refuses a principal the permission obj:act. A client is told
// the scope it lacks (RFC 6750 §3.1), which the policy names, or that no
// scope opens the route to clients.
func (a *authenticator) forbidden(c echo.Context, p domain.Principal, obj, act string) error {
	if p.Kind != domain.KindClient {
		return domain.Errorf(domain.Forbidden, "your account is not allowed to do this")
	}
	scopes, err := a.authorizer.Scopes(unitOf(p), obj, act)
	if err != nil {
		return domain.Wrap(domain.Internal, err, "authorization failed")
	}
	if len(scopes) == 0 {
		return domain.Errorf(domain.Forbidden, "third-party clients cannot use this route")
	}
	c.Response().Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="`+strings.Join(scopes, " ")+`"`)
	return domain.Errorf(domain.Forbidden, "this route needs a token with the scope %s", strings.Join(scopes, " or "))
}

// onPrimaryUnlessRead keeps a request off the read replicas unless it is a
// public or citizen GET, the traffic that tolerates a list a moment old. A
// write reads back what it saved, and staff and integrators act on what
// they just changed, so they read the primary.
func onPrimaryUnlessRead(c echo.Context, kind string) {
	if c.Request().Method == http.MethodGet && (kind == "" || kind == domain.KindCitizen) {
		return
	}
	c.SetRequest(c.Request().WithContext(db.OnPrimary(c.Request().Context())))
}

// authenticate verifies the request's bearer token and returns its
// principal. A client's request is counted against its rate limit, and the
// answer tells it where it stands, whatever the answer is.
func (a *authenticator) authenticate(c echo.Context) (domain.Principal, error) {
	header := c.Request().Header.Values(echo.HeaderAuthorization)
	if len(header) != 1 {
		return domain.Principal{}, domain.Errorf(domain.Unauthenticated, "a bearer access token is required")
	}
	scheme, raw, _ := strings.Cut(header[0], " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(raw) == "" {
		return domain.Principal{}, domain.Errorf(domain.Unauthenticated, "a bearer access token is required")
	}
	raw = strings.TrimSpace(raw)
	audience := identity.Audience
	if token.Peek(raw).Kind == domain.KindClient {
		audience = integrations.Audience
	}
	claims, err := a.signer.Verify(raw, token.TypeAccess, audience)
	if err != nil {
		return domain.Principal{}, domain.Wrap(domain.Unauthenticated, err, "the access token is invalid or expired")
	}
	if audience == integrations.Audience {
		p, quota, err := a.integrations.Principal(c.Request().Context(), claims.Subject, strings.Fields(claims.Scope))
		if quota.Limit > 0 {
			rateLimitHeaders(c.Response().Header(), quota)
		}
		return p, err
	}
	return a.identity.Principal(c.Request().Context(), claims.Subject, claims.Kind, claims.Session)
}

// allowed asks Casbin whether any of the principal's roles may act on obj.
// The domain is the principal's own unit, never anything the client sent.
func (a *authenticator) allowed(p domain.Principal, obj, act string) (bool, error) {
	dom := unitOf(p)
	for _, role := range p.Roles {
		ok, err := a.authorizer.Enforce(role, dom, obj, act)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// unitOf is the Casbin domain a principal acts in: its own unit, or "*".
func unitOf(p domain.Principal) string {
	if p.UnitID != "" {
		return p.UnitID
	}
	return "*"
}

// Rate-limit headers (draft-ietf-httpapi-ratelimit-headers, structured-field
// form): the policy a client is held to, and where it stands.
const (
	HeaderRateLimitPolicy = "RateLimit-Policy"
	HeaderRateLimit       = "RateLimit"
)

// rateLimitHeaders tell a client its limit and what is left of it, as
// RateLimit-Policy: "client";q=600;w=60 and RateLimit: "client";r=598;t=42
// (requests left, seconds until the window ends: the Retry-After of a 429).
func rateLimitHeaders(h http.Header, q integrations.Quota) {
	h.Set(HeaderRateLimitPolicy, fmt.Sprintf(`"client";q=%d;w=%d`, q.Limit, int(q.Window/time.Second)))
	h.Set(HeaderRateLimit, fmt.Sprintf(`"client";r=%d;t=%d`, q.Remaining, int((q.Reset+time.Second-1)/time.Second)))
}

// auditRequest puts the client IP and request ID on the context for the
// audit log.
func auditRequest(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := audit.WithRequest(c.Request().Context(), audit.Request{ClientIP: c.RealIP(), RequestID: requestID(c)})
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
}

// jwks godoc
//
//	@Summary		Public keys for tokens
//	@Description	The Ed25519 keys that verify access tokens and permit tokens (JWK Set, RFC 7517/8037). Several keys may be listed during a rotation.
//	@ID				getJwks
//	@Tags			operations
//	@Produce		json
//	@Success		200	{object}	token.JWKSet
//	@Router			/.well-known/jwks.json [get]
func (s *Server) jwks(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSON(http.StatusOK, s.deps.Keys.JWKS())
}
