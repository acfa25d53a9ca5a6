package owasp_test

import (
	"testing"

	"github.com/islamabad-digital/citizenapi/api"
)

// TestOWASPAPITop10 runs the attack suite of this package's files against
// one world (see owWorld), in an order where no phase disturbs what
// a later one checks: the authorization phases only read or are refused,
// and take their own snapshot of A's records; the input phases may create
// records of B and of staff. Each phase is a subtest, so that one can be
// run alone: go test ./api/owasp -run 'TestOWASPAPITop10/mass_assignment'.
func TestOWASPAPITop10(t *testing.T) {
	w := newOwWorld(t, func(c *api.Config) { c.BodyLimit = owBodyLimit })
	w.app.ResetLoginFailures(t)

	t.Run("API1 object level authorization", func(t *testing.T) { owObjectLevelAuthorization(t, w) })
	t.Run("API1 and API5 unit-scoped administration", func(t *testing.T) { owUnitScope(t, w) })
	t.Run("API2 token misuse", func(t *testing.T) { owTokenMisuse(t, w) })
	t.Run("API4 and API8 query abuse", func(t *testing.T) { owQueryAbuse(t, w) })

	bodies := w.bodies(t)
	t.Run("API8 errors reveal nothing", func(t *testing.T) { owErrorsRevealNothing(t, w, bodies) })
	t.Run("API3 mass assignment", func(t *testing.T) { owMassAssignment(t, w, bodies) })
	t.Run("API4 body abuse", func(t *testing.T) { owBodyAbuse(t, w, bodies) })
}
