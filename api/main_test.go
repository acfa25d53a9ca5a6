package api_test

import (
	"testing"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
)

func TestMain(m *testing.M) { apitest.Main(m) }

// v1 is where the API's routes begin.
const v1 = api.BasePath
