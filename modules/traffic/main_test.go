package traffic_test

import (
	"testing"

	"github.com/islamabad-digital/citizenapi/api/apitest"
)

func TestMain(m *testing.M) { apitest.Main(m) }
