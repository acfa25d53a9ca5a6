// Package client is a Go client for the citizen services API, generated
// with oapi-codegen from the OpenAPI 3.0 document the server publishes at
// /openapi.json. It is an example for integrators, and its test runs a
// whole scenario against a real server so that the spec cannot drift from
// what the server does.
//
// Regenerate it after changing the API with go generate ./examples/client.
package client

//go:generate sh -c "go run ../../cmd/citizenapi openapi > openapi3.json && go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2 -config oapi-codegen.yaml openapi3.json && rm openapi3.json"
