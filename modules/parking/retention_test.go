package parking_test

import (
	"context"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/modules/parking"
)

// TestPlatesAreAnonymisedADayAfterAPermitEnds pays a one-month and a
// one-year permit and moves the clock past the first's end: a day later its
// plate is gone, while the one still running keeps its plate.
func TestPlatesAreAnonymisedADayAfterAPermitEnds(t *testing.T) {
	e := newPkEnv(t)
	svc := parking.NewService(parking.Deps{DB: e.app.DB, Clock: e.app.Clock})
	zoneID := e.zone(10)
	c := e.app.NewCitizen()
	_, short := e.activePermit(c, zoneID, 1)
	_, long := e.activePermit(c, zoneID, 12)
	e.app.SetClock(e.app.Clock.Now().Add(33 * 24 * time.Hour))
	if _, err := svc.AnonymisePlates(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := e.permit(c, short.ID).Plate; got != parking.Anonymised {
		t.Errorf("ended permit's plate = %q, want %q", got, parking.Anonymised)
	}
	if got := e.permit(c, long.ID).Plate; got == parking.Anonymised {
		t.Errorf("a permit still running lost its plate")
	}
}
