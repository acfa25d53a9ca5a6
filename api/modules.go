package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/parking"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/idempotency"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/token"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// mountModules is the one list of mounted modules. Each module registers
// its routes, with their permissions, under BasePath; modules reach each
// other only through the small interfaces they declare, adapted here.
func (s *Server) mountModules() error {
	d, clock := s.deps.DB, s.deps.Clock
	enforcer, err := newEnforcer(d)
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
		Units: UnitDirectory(healthSvc, educationSvc), Policy: enforcer,
	})
	pat.identity, kids.identity = identitySvc, identitySvc
	auth := &authenticator{signer: signer, identity: identitySvc, enforcer: enforcer}
	idem := idempotency.NewStore(d, clock)
	r := web.NewRouter(s.Echo.Group(BasePath), auth.guard, idem.Middleware, &s.routes)

	identity.Routes(r, identity.NewHandler(identitySvc, auditLog))
	health.Routes(r, health.NewHandler(healthSvc))
	education.Routes(r, education.NewHandler(educationSvc))
	parking.Routes(r, parking.NewHandler(parking.NewService(parking.Deps{
		DB: d, Clock: clock, Signer: signer, Providers: map[string]parking.Provider{"sandbox": parking.Sandbox{}},
	})))

	s.Echo.GET("/.well-known/jwks.json", s.jwks)
	if s.cfg.Development() {
		s.Echo.GET("/dev/messages", devMessages(devSender))
	}
	return nil
}

// UnitDirectory answers identity's question whether a facility or school
// exists from the health and education modules.
func UnitDirectory(h *health.Service, e *education.Service) identity.Units {
	return units{health: h, education: e}
}

type units struct {
	health    *health.Service
	education *education.Service
}

func (u units) UnitExists(ctx context.Context, kind, id string) (bool, error) {
	var err error
	switch kind {
	case identity.UnitFacility:
		_, err = u.health.Facility(ctx, id)
	case identity.UnitSchool:
		_, err = u.education.School(ctx, id)
	default:
		return false, nil
	}
	if domain.IsKind(err, domain.NotFound) {
		return false, nil
	}
	return err == nil, err
}

// patients answers health's question who a patient is from identity.
type patients struct {
	identity *identity.Service
}

func (p *patients) Citizen(ctx context.Context, accountID string) (health.Patient, error) {
	acc, err := p.identity.Account(ctx, accountID)
	if err != nil {
		return health.Patient{}, err
	}
	return health.Patient{Kind: "self", ID: acc.ID, FullName: acc.FullName}, nil
}

func (p *patients) Dependant(ctx context.Context, ownerID, dependantID string) (health.Patient, error) {
	d, err := p.identity.Dependant(ctx, domain.Principal{Subject: ownerID}, dependantID)
	if err != nil {
		return health.Patient{}, err
	}
	return health.Patient{Kind: "dependant", ID: d.ID, FullName: d.FullName}, nil
}

// children answers education's question about a parent's children from
// identity: a child is a dependant whose relation is "child".
type children struct {
	identity *identity.Service
}

func (c *children) Child(ctx context.Context, ownerID, childID string) (education.Child, error) {
	d, err := c.identity.Dependant(ctx, domain.Principal{Subject: ownerID}, childID)
	if err != nil {
		return education.Child{}, err
	}
	if d.Relation != "child" {
		return education.Child{}, domain.Errorf(domain.NotFound, "child not found")
	}
	return education.Child{ID: d.ID, FullName: d.FullName, DateOfBirth: d.DateOfBirth}, nil
}

// MessageList is a page of messages the development sender recorded.
type MessageList struct {
	Items      []notify.Message `json:"items"`
	NextCursor *string          `json:"next_cursor"`
} // @name MessageList

// devMessages godoc
//
//	@Summary		Messages the development sender recorded
//	@Description	Development only (404 in production): the SMS and e-mail the service would have sent, newest first. `to` may be written as the phone was registered (0300-1234567 or +923001234567).
//	@ID				listDevMessages
//	@Tags			operations
//	@Produce		json
//	@Param			to		query		string	false	"recipient phone or e-mail"
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	MessageList
//	@Failure		400		{object}	web.Problem
//	@Router			/dev/messages [get]
func devMessages(sender *notify.DevSender) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, err := web.PageRequest(c, 2)
		if err != nil {
			return err
		}
		to := c.QueryParam("to")
		if phone, err := identity.NormalizePhone("to", to); err == nil {
			to = phone
		}
		res, err := sender.Messages(c.Request().Context(), to, p)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, MessageList{Items: res.Items, NextCursor: res.NextCursor})
	}
}
