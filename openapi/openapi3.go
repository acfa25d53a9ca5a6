package openapi

import _ "embed"

// OpenAPI3JSON and OpenAPI3YAML are the committed OpenAPI 3 document:
// this package's Swagger 2.0 document converted and completed by
// `citizenapi openapi -o openapi` (make openapi).
var (
	//go:embed openapi.json
	OpenAPI3JSON []byte
	//go:embed openapi.yaml
	OpenAPI3YAML []byte
)
