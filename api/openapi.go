package api

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
	echoSwagger "github.com/swaggo/echo-swagger"

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
//	@description				An access token from POST /api/v1/auth/login, sent as `Bearer <token>`.

// mountSpec serves the generated Swagger 2.0 document with its UI, and an
// OpenAPI 3.0 rendering of it for tools that want version 3.
func (s *Server) mountSpec() error {
	v3, err := openAPI3(openapi.SwaggerInfo.ReadDoc())
	if err != nil {
		return fmt.Errorf("convert the spec to OpenAPI 3: %w", err)
	}
	s.Echo.GET("/swagger/*", echoSwagger.WrapHandler)
	s.Echo.GET("/openapi.json", func(c echo.Context) error {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, v3)
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
