package api

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
	echoSwagger "github.com/swaggo/echo-swagger"
	swaggerFiles "github.com/swaggo/files/v2"

	"github.com/islamabad-digital/citizenapi/openapi"
)

//	@title						Islamabad Citizen Services API
//	@version					1.0
//	@description				One citizen account for the capital's public services: hospital and clinic appointments, public school enrollment and parking permits.
//	@description				Errors are RFC 9457 problem+json. Lists are cursor-paginated (`limit`, `cursor`; body `{items, next_cursor}`). Times are RFC 3339; local time is Asia/Karachi (UTC+05:00).
//	@contact.name				Citizen Services Platform
//	@license.name				Proprietary
//	@schemes					http https
//	@securityDefinitions.apikey	BearerAuth
//	@in							header
//	@name						Authorization
//	@description				An access token from POST /api/v1/auth/login (citizens and staff) or POST /api/v1/oauth/token (third-party clients), sent as `Bearer <token>`.

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
//	@tag.name			administration
//	@tag.description	Staff accounts, roles, audit log and third-party clients (platform admins).
//	@tag.name			health administration
//	@tag.description	Facilities, doctors, schedules and the day's appointments (health department).
//	@tag.name			education administration
//	@tag.description	Schools, seats, admission windows and decisions (education department).
//	@tag.name			parking administration
//	@tag.description	Zones, tariffs and permit decisions (parking authority).
//	@tag.name			integrations
//	@tag.description	OAuth client credentials and webhook subscriptions for third parties.
//	@tag.name			operations
//	@tag.description	Health, readiness, keys and development helpers.

// specs renders the Swagger 2.0 document and its OpenAPI 3.0 conversion
// once per process: swag's ReadDoc rewrites the generated SwaggerInfo as it
// renders, so it must not run on every request or concurrently.
var specs = sync.OnceValues(func() ([2][]byte, error) {
	v2 := openapi.SwaggerInfo.ReadDoc()
	v3, err := openAPI3(v2)
	if err != nil {
		return [2][]byte{}, fmt.Errorf("convert the spec to OpenAPI 3: %w", err)
	}
	return [2][]byte{[]byte(v2), v3}, nil
})

// mountSpec serves the generated Swagger 2.0 document with its UI, and an
// OpenAPI 3.0 rendering of it for tools that want version 3.
func (s *Server) mountSpec() error {
	docs, err := specs()
	if err != nil {
		return err
	}
	s.Echo.GET("/swagger/doc.json", func(c echo.Context) error {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, docs[0])
	})
	s.Echo.GET("/swagger/*", swaggerUI)
	s.Echo.GET("/openapi.json", func(c echo.Context) error {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, docs[1])
	})
	return nil
}

// openAPI3 converts the Swagger 2.0 document. Swagger 2.0 cannot say
// "bearer token", so the converted scheme is made an HTTP bearer scheme.
func openAPI3(swagger2 string) ([]byte, error) {
	var doc2 openapi2.T
	if err := json.Unmarshal([]byte(swagger2), &doc2); err != nil {
		return nil, err
	}
	doc3, err := openapi2conv.ToV3(&doc2)
	if err != nil {
		return nil, err
	}
	if doc3.Components != nil {
		if ref, ok := doc3.Components.SecuritySchemes["BearerAuth"]; ok && ref.Value != nil {
			ref.Value = openapi3.NewJWTSecurityScheme().WithDescription(ref.Value.Description)
		}
	}
	doc3.Servers = openapi3.Servers{{URL: "/", Description: "this server"}}
	return json.Marshal(doc3)
}

// OpenAPI3 returns the OpenAPI 3.0 document served at /openapi.json, for
// tools that generate clients or lint the spec.
func OpenAPI3() ([]byte, error) {
	docs, err := specs()
	return docs[1], err
}

// swaggerUI serves the Swagger UI's pages and files, and answers any other
// path under /swagger/ with a problem like every other unknown path (the
// UI's own handler answers those in plain text).
func swaggerUI(c echo.Context) error {
	switch name := c.Param("*"); name {
	case "", "index.html", "doc.yaml":
	default:
		if _, err := fs.Stat(swaggerFiles.FS, name); err != nil {
			return echo.ErrNotFound
		}
	}
	return echoSwagger.WrapHandler(c)
}
