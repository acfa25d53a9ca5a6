package web

import (
	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/idempotency"
)

// Anyone is the permission of a public route: no token is needed, but one
// that is sent must be valid.
const Anyone = "public"

// ClientCredentials is the permission of the OAuth token endpoint: public,
// with the Authorization header left to the route, which reads a client's
// HTTP Basic credentials from it (RFC 6749 §2.3.1).
const ClientCredentials = "client-credentials"

// Guard returns the middleware that admits a request only when its
// principal holds perm. The api package provides it.
type Guard func(perm string) echo.MiddlewareFunc

// Route is one registered route and the permission it requires.
type Route struct {
	Method     string
	Path       string
	Permission string
	// Compressed routes send their own gzip forms (SendCompressed).
	Compressed bool
}

// Router registers a module's routes. Every route names its permission, so
// that there is no route without one: authorization is deny by default.
type Router struct {
	group *echo.Group
	guard Guard
	// Idempotency honours an Idempotency-Key on a creating POST whose work
	// is all in the database, claiming it in the work's transaction.
	Idempotency echo.MiddlewareFunc
	// RequireIdempotency refuses a request without one, and claims it
	// before the work (payments, which call a provider).
	RequireIdempotency echo.MiddlewareFunc
	routes             *[]Route
}

// NewRouter returns a Router on group. keys returns the middleware that
// honours an Idempotency-Key in a mode. Registered routes are appended to
// routes.
func NewRouter(group *echo.Group, guard Guard, keys func(idempotency.Mode) echo.MiddlewareFunc, routes *[]Route) *Router {
	return &Router{group: group, guard: guard, Idempotency: keys(idempotency.InTransaction),
		RequireIdempotency: keys(idempotency.Required), routes: routes}
}

// Handle registers h for method and path, behind perm and then mw.
func (r *Router) Handle(method, path, perm string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	chain := append([]echo.MiddlewareFunc{r.guard(perm)}, mw...)
	route := r.group.Add(method, path, h, chain...)
	*r.routes = append(*r.routes, Route{Method: method, Path: route.Path, Permission: perm})
}

// GET registers a GET route.
func (r *Router) GET(path, perm string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.Handle(echo.GET, path, perm, h, mw...)
}

// POST registers a POST route.
func (r *Router) POST(path, perm string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.Handle(echo.POST, path, perm, h, mw...)
}

// PUT registers a PUT route.
func (r *Router) PUT(path, perm string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.Handle(echo.PUT, path, perm, h, mw...)
}

// PATCH registers a PATCH route.
func (r *Router) PATCH(path, perm string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.Handle(echo.PATCH, path, perm, h, mw...)
}

// DELETE registers a DELETE route.
func (r *Router) DELETE(path, perm string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.Handle(echo.DELETE, path, perm, h, mw...)
}
