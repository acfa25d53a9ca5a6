// Package api is the HTTP face of the platform: the Echo server, its
// middleware, the mapping of errors to problem+json, the operations
// endpoints, and the one list of mounted modules.
package api

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/labstack/echo-contrib/echoprometheus"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/islamabad-digital/citizenapi/api/console"
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/pii"
	"github.com/islamabad-digital/citizenapi/platform/token"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// BasePath prefixes every API route.
const BasePath = "/api/v1"

// Config is what the HTTP layer needs to know.
type Config struct {
	// Env is "development" or "production".
	Env               string
	Addr              string
	BodyLimit         int64
	RequestTimeout    time.Duration
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// CORSOrigins lists the browser origins allowed to call the API; empty
	// means none (mobile apps and servers need no CORS).
	CORSOrigins []string
	// TrustedProxies lists the CIDRs of load balancers whose X-Forwarded-For
	// is believed. Empty means the client IP is the connection's address.
	TrustedProxies []string
	// Issuer names this service in the tokens it signs.
	Issuer string
	// CancelCutoff is how long before an appointment a citizen may still
	// cancel or move it; zero means the health module's default.
	CancelCutoff time.Duration
	// MaxDependants is how many family members one account may hold, and
	// MaxAccountBookings how many appointments one account may hold with a
	// doctor on a day; zero means the modules' defaults.
	MaxDependants, MaxAccountBookings int
	// OfferHolds are how long a waitlist offer holds its place, by service
	// ("health", "education", "parking"); missing ones take
	// offers.DefaultHolds.
	OfferHolds map[string]time.Duration
	// Limits bound password hashing, registrations and SMS codes per client
	// address, per phone and for the platform; zero fields mean identity's
	// defaults.
	Limits identity.Limits
	// WebhookAllowPrivate lets webhooks reach private and loopback
	// addresses over plain http: for development and tests only.
	WebhookAllowPrivate bool
}

// Development reports whether the server runs in development mode.
func (c Config) Development() bool { return c.Env != "production" }

// Deps are the parts the server is built on.
type Deps struct {
	DB    *db.DB
	Log   *slog.Logger
	Clock domain.Clock
	// Keys sign access and permit tokens.
	Keys *token.KeySet
	// PII seals CNICs, B-forms and webhook signing secrets for storage.
	PII *pii.Keys
	// Sender delivers SMS and e-mail; nil records them for /dev/messages,
	// which is allowed in development only.
	Sender notify.Sender
}

// Server is the HTTP server with its routes mounted.
type Server struct {
	Echo   *echo.Echo
	cfg    Config
	deps   Deps
	ready  atomic.Bool
	routes []web.Route
	// compressed holds the paths of the routes that send their own gzip forms.
	compressed map[string]bool
	modules    *Modules
	background background
	ops        http.Handler
}

// New builds the server: every module (NewModules), middleware, operations
// endpoints, the spec, every module's routes and the staff console.
func New(cfg Config, deps Deps) (*Server, error) {
	cfg, deps, err := prepare(cfg, deps)
	if err != nil {
		return nil, err
	}
	mods, err := newModules(cfg, deps)
	if err != nil {
		return nil, err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(deps.Log)
	e.Validator = web.Validator{}
	extractor, err := ipExtractor(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	e.IPExtractor = extractor

	s := &Server{Echo: e, cfg: cfg, deps: deps, modules: mods}
	s.ready.Store(true)

	registry := prometheus.NewRegistry()
	metrics, err := s.metrics(registry)
	if err != nil {
		return nil, err
	}
	e.Use(requestIDMiddleware, accessLog(deps.Log),
		middleware.RecoverWithConfig(middleware.RecoverConfig{DisableErrorHandler: true, DisablePrintStack: true}),
		metrics, securityHeaders(!cfg.Development()))
	if len(cfg.CORSOrigins) > 0 {
		e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:     cfg.CORSOrigins,
			AllowMethods:     []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete},
			AllowHeaders:     []string{echo.HeaderAuthorization, echo.HeaderContentType, HeaderRequestID, "Idempotency-Key", "Accept-Language"},
			ExposeHeaders:    []string{HeaderRequestID, "Retry-After", HeaderRateLimitPolicy, HeaderRateLimit},
			AllowCredentials: false,
			MaxAge:           600,
		}))
	}
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{
		Level: gzip.BestSpeed, MinLength: 1024,
		// Only reads return bodies worth compressing; writes answer one small
		// resource. The fastest level: levels above it clear 512 KiB of
		// tables per response, which was a third of the search profile.
		Skipper: func(c echo.Context) bool { return c.Request().Method != http.MethodGet || s.compressed[c.Path()] },
	}),
		bodyLimit(cfg.BodyLimit), requestTimeout(cfg.RequestTimeout), plainQuery, auditRequest)

	s.mountOps(registry)
	s.mountSpec()
	s.mountModules(mods)
	s.compressed = map[string]bool{}
	for _, r := range s.routes {
		s.compressed[r.Path] = r.Compressed
	}
	staff, err := console.New(console.Deps{API: e, Identity: mods.Identity, Clock: deps.Clock, Log: deps.Log, Secure: !cfg.Development()})
	if err != nil {
		return nil, err
	}
	staff.Mount(e)
	return s, nil
}

// Modules returns the modules the server mounts, for the work done beside
// serving (seeding the demo data on a first start).
func (s *Server) Modules() *Modules { return s.modules }

// Routes lists every module route with its permission.
func (s *Server) Routes() []web.Route { return s.routes }

// ServeHTTP lets tests drive the server without a listener.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.Echo.ServeHTTP(w, r) }

// Run serves on cfg.Addr until ctx ends, then fails readiness, waits for
// drain so load balancers stop sending, and lets in-flight requests finish.
func (s *Server) Run(ctx context.Context, ln net.Listener, drain, shutdownTimeout time.Duration) error {
	srv := &http.Server{
		Handler:           s.Echo,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    1 << 16,
		ErrorLog:          slog.NewLogLogger(s.deps.Log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.ready.Store(false)
	s.deps.Log.Info("shutting down: readiness failed, draining", "drain", drain)
	time.Sleep(drain)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *Server) metrics(registry *prometheus.Registry) (echo.MiddlewareFunc, error) {
	if err := registerRuntimeCollectors(registry, s.deps.DB); err != nil {
		return nil, err
	}
	return echoprometheus.MiddlewareConfig{
		Namespace:  "citizenapi",
		Subsystem:  "http",
		Registerer: registry,
		// The host header is client-chosen; one value keeps the label set bounded.
		LabelFuncs:                map[string]echoprometheus.LabelValueFunc{"host": func(echo.Context, error) string { return "api" }},
		DoNotUseRequestPathFor404: true,
		StatusCodeResolver: func(c echo.Context, err error) int {
			if err != nil {
				return problemKinds[toDomain(err).Kind].status
			}
			return c.Response().Status
		},
	}.ToMiddleware()
}

// ipExtractor believes X-Forwarded-For only from the configured proxies.
func ipExtractor(trusted []string) (echo.IPExtractor, error) {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect(), nil
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, cidr := range trusted {
		_, ipNet, err := net.ParseCIDR(cidr)
		if err != nil {
			return nil, fmt.Errorf("TRUSTED_PROXIES: %q is not a CIDR: %w", cidr, err)
		}
		opts = append(opts, echo.TrustIPRange(ipNet))
	}
	return echo.ExtractIPFromXFFHeader(opts...), nil
}
