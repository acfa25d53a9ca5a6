package api

import (
	"errors"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/home"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/integrations"
	"github.com/islamabad-digital/citizenapi/modules/parking"
	"github.com/islamabad-digital/citizenapi/modules/traffic"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/idempotency"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/offers"
	"github.com/islamabad-digital/citizenapi/platform/payment"
	"github.com/islamabad-digital/citizenapi/platform/token"
	"github.com/islamabad-digital/citizenapi/platform/web"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// Modules are every module's service, built once, here, on one database:
// the server mounts them, and the commands (seed demo, admin create) call
// them. Modules reach each other only through the small interfaces they
// declare, answered by the adapters in adapters.go.
type Modules struct {
	Identity     *identity.Service
	Health       *health.Service
	Education    *education.Service
	Parking      *parking.Service
	Traffic      *traffic.Service
	Home         *home.Service
	Integrations *integrations.Service
	// Offers is the waitlist and offer engine health, education and
	// parking share.
	Offers *offers.Engine

	people      *identity.People
	vehicles    *identity.Vehicles
	audit       *audit.Log
	authorizer  *authorizer
	signer      *token.Signer
	sender      notify.Sender
	devSender   *notify.DevSender
	idempotency *idempotency.Store
}

// NewModules builds every module on deps. Errors: missing keys, or no
// message sender in production.
func NewModules(cfg Config, deps Deps) (*Modules, error) {
	cfg, deps, err := prepare(cfg, deps)
	if err != nil {
		return nil, err
	}
	return newModules(cfg, deps)
}

// prepare fills the defaults of cfg and deps and refuses deps that lack
// what every module needs.
func prepare(cfg Config, deps Deps) (Config, Deps, error) {
	if deps.Clock == nil {
		deps.Clock = domain.SystemClock{}
	}
	if cfg.Issuer == "" {
		cfg.Issuer = "citizenapi"
	}
	switch {
	case deps.Keys == nil:
		return cfg, deps, errors.New("no token signing keys")
	case deps.PII == nil:
		return cfg, deps, errors.New("no keys to seal identity numbers and webhook secrets")
	case deps.Sender == nil && !cfg.Development():
		return cfg, deps, errors.New("production needs a message sender (SMS gateway)")
	}
	return cfg, deps, nil
}

// newModules builds the modules in the order of their dependencies, so
// that none is patched once built: identity's answers to other modules
// (People, Vehicles) first, then health and education, which ask it who
// patients and children are, then identity, which asks them whether units
// exist (traffic, asked for its sectors, before it), then parking, which
// keeps its vehicles in identity's registry and asks traffic for overdue
// challans.
func newModules(cfg Config, deps Deps) (*Modules, error) {
	d, clock := deps.DB, deps.Clock
	authz, err := newAuthorizer(d)
	if err != nil {
		return nil, err
	}
	m := &Modules{people: identity.NewPeople(d, deps.PII), vehicles: identity.NewVehicles(d, clock), audit: audit.NewLog(d, clock), authorizer: authz,
		signer: token.NewSigner(deps.Keys, cfg.Issuer, clock.Now), sender: deps.Sender,
		devSender: notify.NewDevSender(d, clock), idempotency: idempotency.NewStore(d, clock)}
	if m.sender == nil {
		m.sender = m.devSender
	}
	m.Offers = offers.New(d, clock, cfg.OfferHolds)
	m.Health = health.NewService(health.Deps{DB: d, Clock: clock, Patients: patients{m.people}, CancelCutoff: cfg.CancelCutoff,
		MaxAccountBookings: cfg.MaxAccountBookings, Offers: m.Offers})
	m.Education = education.NewService(education.Deps{DB: d, Clock: clock, Children: children{m.people}, Offers: m.Offers})
	providers := map[string]payment.Provider{"sandbox": payment.Sandbox{}}
	m.Traffic = traffic.NewService(traffic.Deps{DB: d, Clock: clock, Plates: plates{m.vehicles}, Providers: providers})
	m.Identity = identity.NewService(identity.Deps{
		DB: d, Clock: clock, Signer: m.signer, Sender: m.sender, Audit: m.audit,
		Units: units{health: m.Health, education: m.Education, traffic: m.Traffic}, Policy: authz, PII: deps.PII, People: m.people,
		MaxDependants: cfg.MaxDependants, Limits: cfg.Limits, Log: deps.Log,
	})
	m.Parking = parking.NewService(parking.Deps{
		DB: d, Clock: clock, Vehicles: parkingVehicles{m.vehicles}, Fines: m.Traffic, Signer: m.signer, Providers: providers, Offers: m.Offers,
	})
	m.Home = home.NewService(home.Deps{
		Appointments: upcoming{m.Health}, Applications: recent{m.Education}, Permits: live{m.Parking}, Challans: unpaid{m.Traffic},
		Waitlists: m.Offers, Inbox: notify.NewInbox(d, clock), Audit: m.audit,
	})
	m.Integrations = integrations.NewService(integrations.Deps{
		DB: d, Clock: clock, Signer: m.signer, Audit: m.audit, Targets: cfg.webhookTargets(), PII: deps.PII,
	})
	return m, nil
}

// mountModules is the one list of mounted modules. Each module registers
// its routes, with their permissions, under BasePath.
func (s *Server) mountModules(m *Modules) {
	auth := &authenticator{signer: m.signer, identity: m.Identity, integrations: m.Integrations, authorizer: m.authorizer}
	r := web.NewRouter(s.Echo.Group(BasePath), auth.guard, m.idempotency.Middleware, &s.routes)

	identity.Routes(r, identity.NewHandler(m.Identity, m.audit))
	health.Routes(r, health.NewHandler(m.Health))
	education.Routes(r, education.NewHandler(m.Education))
	parkingHandler := parking.NewHandler(m.Parking)
	parking.Routes(r, parkingHandler)
	traffic.Routes(r, traffic.NewHandler(m.Traffic))
	home.Routes(r, home.NewHandler(m.Home))
	integrations.Routes(r, integrations.NewHandler(m.Integrations))

	// Beside the API: documents devices find at well-known places.
	root := web.NewRouter(s.Echo.Group(""), auth.guard, m.idempotency.Middleware, &s.routes)
	parking.WellKnownRoutes(root, parkingHandler)

	s.background = s.newBackground(m)
	s.Echo.GET("/.well-known/jwks.json", s.jwks)
	if s.cfg.Development() {
		s.Echo.GET("/dev/messages", devMessages(m.devSender))
	}
}

// webhookTargets says where webhooks may go: public https addresses, or
// anywhere when the configuration allows private targets (development).
func (c Config) webhookTargets() webhook.Targets {
	return webhook.Targets{AllowPrivate: c.WebhookAllowPrivate}
}
