package api

import (
	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/parking"
	"github.com/islamabad-digital/citizenapi/platform/idempotency"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// mountModules is the one list of mounted modules. Each module registers
// its routes, with their permissions, under BasePath.
func (s *Server) mountModules() error {
	d, clock := s.deps.DB, s.deps.Clock
	idem := idempotency.NewStore(d, clock)
	r := web.NewRouter(s.Echo.Group(BasePath), s.guard, idem.Middleware(false), &s.routes)

	health.Routes(r, health.NewHandler(health.NewService(d, clock)))
	education.Routes(r, education.NewHandler(education.NewService(d, clock)))
	parking.Routes(r, parking.NewHandler(parking.NewService(d, clock)))
	return nil
}

// guard admits public routes to anyone and every other route only to an
// authenticated principal.
func (s *Server) guard(perm string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if perm == web.Anyone {
				return next(c)
			}
			if _, ok := domain.PrincipalFrom(c.Request().Context()); !ok {
				return domain.Errorf(domain.Unauthenticated, "a bearer access token is required")
			}
			return next(c)
		}
	}
}
