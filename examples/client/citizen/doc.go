// Package citizen is a Go client for the citizen services API, generated
// with oapi-codegen from the OpenAPI 3 document the server publishes at
// /openapi.json (committed as openapi/openapi.json). It is an example for
// integrators; its test runs a whole scenario against a real server, and
// CI regenerates it to check that it is current.
//
// Regenerate it after changing the API with go generate ./examples/client/citizen.
package citizen

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2 -config oapi-codegen.yaml ../../../openapi/openapi.json
