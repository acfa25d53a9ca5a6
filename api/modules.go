package api

import (
	"time"

	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/home"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/integrations"
	"github.com/islamabad-digital/citizenapi/modules/parking"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/idempotency"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/token"
	"github.com/islamabad-digital/citizenapi/platform/web"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// mountModules is the one list of mounted modules. Each module registers
// its routes, with their permissions, under BasePath; modules reach each
// other only through the small interfaces they declare, adapted here.
func (s *Server) mountModules() error {
	d, clock := s.deps.DB, s.deps.Clock
	authz, err := newAuthorizer(d)
	if err != nil {
		return err
	}
	sender := s.deps.Sender
	devSender := notify.NewDevSender(d, clock)
	if sender == nil {
		sender = devSender
	}
	auditLog := audit.NewLog(d, clock)
	pat, kids := &patients{}, &children{}
	healthSvc := health.NewService(health.Deps{DB: d, Clock: clock, Patients: pat, CancelCutoff: s.cfg.CancelCutoff})
	educationSvc := education.NewService(education.Deps{DB: d, Clock: clock, Children: kids})
	signer := token.NewSigner(s.deps.Keys, s.cfg.Issuer, clock.Now)
	identitySvc := identity.NewService(identity.Deps{
		DB: d, Clock: clock, Hasher: identity.NewHasher(), Signer: signer, Sender: sender, Audit: auditLog,
		Units: UnitDirectory(healthSvc, educationSvc), Policy: authz, PII: s.deps.PII,
	})
	pat.identity, kids.identity = identitySvc, identitySvc
	parkingSvc := parking.NewService(parking.Deps{
		DB: d, Clock: clock, Signer: signer, Providers: map[string]parking.Provider{"sandbox": parking.Sandbox{}},
	})
	inbox := notify.NewInbox(d, clock)
	homeSvc := home.NewService(home.Deps{
		Appointments: upcoming{healthSvc}, Applications: recent{educationSvc}, Permits: live{parkingSvc},
		Inbox: inbox, Audit: auditLog,
	})
	integrationsSvc := integrations.NewService(integrations.Deps{
		DB: d, Clock: clock, Signer: signer, Audit: auditLog, Targets: s.webhookTargets(),
	})
	auth := &authenticator{signer: signer, identity: identitySvc, integrations: integrationsSvc, authorizer: authz}
	idem := idempotency.NewStore(d, clock)
	r := web.NewRouter(s.Echo.Group(BasePath), auth.guard, idem.Middleware, &s.routes)

	identity.Routes(r, identity.NewHandler(identitySvc, auditLog))
	health.Routes(r, health.NewHandler(healthSvc))
	education.Routes(r, education.NewHandler(educationSvc))
	parking.Routes(r, parking.NewHandler(parkingSvc))
	home.Routes(r, home.NewHandler(homeSvc))
	integrations.Routes(r, integrations.NewHandler(integrationsSvc))

	s.background = background{
		dispatcher:   notify.NewDispatcher(d, clock, sender, recipients{identitySvc}, s.deps.Log),
		reminders:    []reminder{healthSvc, parkingSvc},
		idempotency:  idem,
		webhooks:     webhook.NewDispatcher(d, clock, s.webhookTargets().Client(10*time.Second), s.deps.Log),
		integrations: integrationsSvc,
		retention:    []retention{identitySvc.PurgeUnverified, parkingSvc.AnonymisePlates},
		authorizer:   authz,
	}
	s.Echo.GET("/.well-known/jwks.json", s.jwks)
	if s.cfg.Development() {
		s.Echo.GET("/dev/messages", devMessages(devSender))
	}
	return nil
}

// webhookTargets says where webhooks may go: public https addresses, or
// anywhere when the configuration allows private targets (development).
func (s *Server) webhookTargets() webhook.Targets {
	return webhook.Targets{AllowPrivate: s.cfg.WebhookAllowPrivate}
}
