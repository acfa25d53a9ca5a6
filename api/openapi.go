package api

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"
	echoSwagger "github.com/swaggo/echo-swagger"
	swaggerFiles "github.com/swaggo/files/v2"

	"github.com/islamabad-digital/citizenapi/openapi"
)

//	@title									Islamabad Citizen Services API
//	@version								1.0
//	@description							One citizen account for the capital's public services: hospital and clinic appointments, public school enrollment and parking permits.
//	@description							Errors are RFC 9457 problem+json. Lists are cursor-paginated (`limit`, `cursor`; body `{items, next_cursor}`). Times are RFC 3339; local time is Asia/Karachi (UTC+05:00).
//	@contact.name							Citizen Services Platform
//	@license.name							Proprietary
//	@schemes								http https
//	@BasePath								/
//	@securityDefinitions.apikey				BearerAuth
//	@in										header
//	@name									Authorization
//	@description							An access token from POST /api/v1/auth/login (citizens and staff) or POST /api/v1/oauth/token (third-party clients), sent as `Bearer <token>`.
//	@securitydefinitions.oauth2.application	OAuth2
//	@tokenUrl								/api/v1/oauth/token
//	@scope.health.slots:read				Search free slots (public; the client's rate limit applies).
//	@scope.health.appointments:read			Read the appointments at the client's facility (GET /api/v1/integrations/appointments) and hear of its bookings and cancellations: times, doctors, queue numbers and IDs, never patients or reasons.
//	@scope.education.schools:read			Read schools and seats (public; the client's rate limit applies), and hear of decisions at the client's school.
//	@scope.parking.permits:verify			Check whether a plate holds a valid permit in a zone, and hear of permits activated and revoked.
//	@scope.traffic.challans:issue			Issue traffic challans (a camera system or contractor), look up a plate's unpaid challans.
//	@scope.traffic.challans:lookup			Look up a plate's unpaid challans, and hear of challans issued, paid, contested and decided.
//	@scope.traffic.advisories:read			Hear of road closures and diversions as they are published.
//	@scope.waitlists:read				Hear of places offered from waitlists, and of offers accepted or lapsed, in every service.
//	@scope.webhooks:manage					Subscribe to events, see deliveries and redeliver them.
//	@description							Third-party clients: RFC 6749 client credentials. The token carries the scopes asked for, within those the client was granted; each operation lists the scope it needs.

//	@tag.name			identity
//	@tag.description	One citizen account: registration, sign-in, profile and family members.
//	@tag.name			home
//	@tag.description	The citizen's overview, notifications and access log.
//	@tag.name			health
//	@tag.description	Hospitals, clinics, doctors, free slots and appointments.
//	@tag.name			education
//	@tag.description	Public schools, admission windows and applications.
//	@tag.name			parking
//	@tag.description	Parking zones, vehicles, permits, payments and plate checks.
//	@tag.name			traffic
//	@tag.description	The offence schedule, e-challans on your vehicles, their payment and contest, and road advisories.
//	@tag.name			administration
//	@tag.description	Staff accounts, roles, audit log and third-party clients (platform admins).
//	@tag.name			health administration
//	@tag.description	Facilities, doctors, schedules and the day's appointments (health department).
//	@tag.name			education administration
//	@tag.description	Schools, seats, admission windows and decisions (education department).
//	@tag.name			parking administration
//	@tag.description	Zones, tariffs and permit decisions (parking authority).
//	@tag.name			traffic administration
//	@tag.description	Issuing challans, plate look-ups, decisions on contests, the offence schedule and advisories (traffic department).
//	@tag.name			integrations
//	@tag.description	OAuth client credentials and webhook subscriptions for third parties.
//	@tag.name			webhooks
//	@tag.description	Events sent to third parties' subscriptions (x-webhooks), signed as Standard Webhooks.
//	@tag.name			operations
//	@tag.description	Health, readiness, keys and development helpers.

// swagger2 renders the Swagger 2.0 document once per process: swag's
// ReadDoc rewrites the generated SwaggerInfo as it renders, so it must not
// run on every request or concurrently.
var swagger2 = sync.OnceValues(func() ([]byte, error) {
	return []byte(openapi.SwaggerInfo.ReadDoc()), nil
})

// servedSwagger2 is the Swagger 2.0 document as one host serves it. Swagger
// 2.0 has no relative server: the host and an absolute token URL must be
// named, and they are the host the document was asked from.
func servedSwagger2(c echo.Context) error {
	v2, err := swagger2()
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := json.Unmarshal(v2, &doc); err != nil {
		return fmt.Errorf("read the Swagger 2.0 document: %w", err)
	}
	host := c.Request().Host
	doc["host"], doc["schemes"] = host, []string{c.Scheme()}
	if defs, ok := doc["securityDefinitions"].(map[string]any); ok {
		if oauth2, ok := defs["OAuth2"].(map[string]any); ok {
			oauth2["tokenUrl"] = c.Scheme() + "://" + host + tokenURL
		}
	}
	return c.JSON(http.StatusOK, doc)
}

// OpenAPI3 builds the OpenAPI 3 document from the code as it is now: the
// document `make openapi` commits and the server serves.
func OpenAPI3() (jsonDoc, yamlDoc []byte, err error) {
	v2, err := swagger2()
	if err != nil {
		return nil, nil, err
	}
	doc, err := BuildOpenAPI3(v2)
	if err != nil {
		return nil, nil, err
	}
	return MarshalOpenAPI3(doc)
}

// mountSpec serves the committed OpenAPI 3 document, Swagger UI showing it,
// the Swagger 2.0 rendering, and an index of them at /.
func (s *Server) mountSpec() {
	s.Echo.GET("/", index)
	s.Echo.GET("/openapi.json", openAPIJSON)
	s.Echo.GET("/openapi.yaml", openAPIYAML)
	s.Echo.GET("/swagger/doc.json", servedSwagger2)
	s.Echo.GET("/swagger", redirectToUI)
	s.Echo.GET("/swagger/", redirectToUI)
	s.Echo.GET("/swagger/*", swaggerUI)
}

// Index lists where the API's documents are.
type Index struct {
	Name string `json:"name" example:"Islamabad Citizen Services API"`
	// API is the base path of every API operation.
	API         string `json:"api" example:"/api/v1"`
	SwaggerUI   string `json:"swagger_ui" example:"/swagger/index.html"`
	OpenAPIJSON string `json:"openapi_json" example:"/openapi.json"`
	OpenAPIYAML string `json:"openapi_yaml" example:"/openapi.yaml"`
	Swagger2    string `json:"swagger2" example:"/swagger/doc.json"`
} // @name Index

// index godoc
//
//	@Summary		Where the documents are
//	@Description	Links to the API's base path, Swagger UI, the OpenAPI 3 document (JSON and YAML) and the Swagger 2.0 rendering.
//	@ID				getIndex
//	@Tags			operations
//	@Produce		json
//	@Success		200	{object}	Index
//	@Router			/ [get]
func index(c echo.Context) error {
	return c.JSON(http.StatusOK, Index{Name: openapi.SwaggerInfo.Title, API: BasePath, SwaggerUI: "/swagger/index.html",
		OpenAPIJSON: "/openapi.json", OpenAPIYAML: "/openapi.yaml", Swagger2: "/swagger/doc.json"})
}

// openAPIJSON godoc
//
//	@Summary		The OpenAPI 3 document, as JSON
//	@Description	This document: the contract of every operation, status, header and webhook, with the OAuth2 client-credentials flow. Generators (oapi-codegen, openapi-typescript) and linters read it as it is.
//	@ID				getOpenAPIJSON
//	@Tags			operations
//	@Produce		json
//	@Success		200	{object}	object
//	@Router			/openapi.json [get]
func openAPIJSON(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, openapi.OpenAPI3JSON)
}

// openAPIYAML godoc
//
//	@Summary		The OpenAPI 3 document, as YAML
//	@Description	The same document as /openapi.json, written as YAML.
//	@ID				getOpenAPIYAML
//	@Tags			operations
//	@Produce		application/yaml
//	@Success		200	{string}	string
//	@Router			/openapi.yaml [get]
func openAPIYAML(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, "application/yaml", openapi.OpenAPI3YAML)
}

func redirectToUI(c echo.Context) error {
	return c.Redirect(http.StatusFound, "/swagger/index.html")
}

// swaggerUIHandler shows the OpenAPI 3 document first, with its bearer and
// OAuth2 client-credentials "Authorize", and the Swagger 2.0 rendering as
// the other choice.
var swaggerUIHandler = echoSwagger.EchoWrapHandler(func(c *echoSwagger.Config) {
	c.URLs = []string{"/openapi.json", "/swagger/doc.json"}
	c.PersistAuthorization = true
})

// swaggerUI serves the Swagger UI's pages and files, and answers any other
// path under /swagger/ with a problem like every other unknown path (the
// UI's own handler answers those in plain text).
func swaggerUI(c echo.Context) error {
	switch name := c.Param("*"); name {
	case "index.html":
	default:
		if _, err := fs.Stat(swaggerFiles.FS, name); err != nil {
			return echo.ErrNotFound
		}
	}
	return swaggerUIHandler(c)
}
