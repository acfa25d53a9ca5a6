package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"

	"github.com/islamabad-digital/citizenapi/api"
)

// writeOpenAPI prints the OpenAPI 3 document built from the code, or with
// -o writes the JSON and YAML files that are committed and served.
func writeOpenAPI(args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("openapi", flag.ContinueOnError)
	dir := flags.String("o", "", "write openapi.json and openapi.yaml into this directory")
	if err := flags.Parse(args); err != nil {
		return err
	}
	jsonDoc, yamlDoc, err := api.OpenAPI3()
	if err != nil {
		return err
	}
	if *dir == "" {
		_, err = stdout.Write(jsonDoc)
		return err
	}
	if err := os.WriteFile(filepath.Join(*dir, "openapi.json"), jsonDoc, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(*dir, "openapi.yaml"), yamlDoc, 0o644)
}
