package parking_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/parking"
)

const zones = "/api/v1/parking/zones"

func list(t *testing.T, app *apitest.App, path string) parking.ZoneList {
	t.Helper()
	r := app.Get(path, "").Want(t, http.StatusOK)
	var l parking.ZoneList
	r.JSON(t, &l)
	return l
}

type tariffKey struct {
	permitType string
	months     int
}

// demoZones are the names of the zones LoadDemo creates.
var demoZones = []string{
	"Aabpara Market", "Blue Area (Jinnah Avenue)", "G-9 Markaz (Karachi Company)",
	"Jinnah Super Market", "Super Market", "The Centaurus",
}

// TestZones holds every assertion on the demo data in one App: on
// PostgreSQL the tests of a package (and repeated runs with -count) share one
// schema, and LoadDemo only fills an empty one.
func TestZones(t *testing.T) {
	app := apitest.New(t)
	ctx := context.Background()
	svc := parking.NewService(parking.Deps{DB: app.DB, Clock: app.Clock})
	loaded, err := svc.LoadDemo(ctx)
	if err != nil {
		t.Fatalf("LoadDemo: %v", err)
	}
	all := list(t, app, zones+"?limit=100")
	if all.NextCursor != nil {
		t.Fatal("more than 100 zones; the test assumes one page holds them all")
	}
	var names []string
	for _, z := range all.Items {
		names = append(names, z.Name)
	}
	for _, name := range demoZones {
		if !slices.Contains(names, name) {
			t.Errorf("zones %q lack the demo zone %q", names, name)
		}
	}
	// Into an empty schema the demo brings exactly its 6 zones.
	if loaded && len(all.Items) != len(demoZones) {
		t.Errorf("got %d zones after loading into an empty schema, want %d", len(all.Items), len(demoZones))
	}

	var want []tariffKey
	for _, typ := range []string{parking.TypeBusiness, parking.TypeDisabled, parking.TypeResident} {
		for _, months := range []int{1, 3, 6, 12} {
			want = append(want, tariffKey{typ, months})
		}
	}
	for _, z := range all.Items {
		t.Run(z.Name, func(t *testing.T) {
			if z.ID == "" || z.Sector == "" || z.PermitQuota <= 0 || z.ActivePermits != 0 {
				t.Errorf("zone = %+v, want an ID, a sector, a quota and no permits yet", z)
			}
			got := make([]tariffKey, len(z.Tariffs))
			for i, tr := range z.Tariffs {
				got[i] = tariffKey{tr.PermitType, tr.Months}
				if tr.AmountPKR == nil || *tr.AmountPKR <= 0 {
					t.Errorf("tariff %s/%d months = %v PKR, want positive", tr.PermitType, tr.Months, tr.AmountPKR)
				}
			}
			// Every permit type for every duration, ordered by type then months.
			if !slices.Equal(got, want) {
				t.Errorf("tariffs = %v, want %v", got, want)
			}
			// A longer permit never costs less.
			for i := 1; i < len(z.Tariffs); i++ {
				if a, b := z.Tariffs[i-1], z.Tariffs[i]; a.PermitType == b.PermitType && *b.AmountPKR < *a.AmountPKR {
					t.Errorf("%s: %d months costs %d, less than %d months at %d", a.PermitType, b.Months, *b.AmountPKR, a.Months, *a.AmountPKR)
				}
			}
		})
	}

	t.Run("pages add up to the whole list", func(t *testing.T) {
		var walked []string
		next := zones + "?limit=4"
		for range 10 {
			l := list(t, app, next)
			for _, z := range l.Items {
				walked = append(walked, z.ID)
			}
			if l.NextCursor == nil {
				break
			}
			next = zones + "?limit=4&cursor=" + url.QueryEscape(*l.NextCursor)
		}
		var ids []string
		for _, z := range all.Items {
			ids = append(ids, z.ID)
		}
		if !slices.Equal(walked, ids) {
			t.Errorf("walked %v, want %v", walked, ids)
		}
	})

	t.Run("loading the demo again adds nothing", func(t *testing.T) {
		loaded, err := svc.LoadDemo(ctx)
		if err != nil || loaded {
			t.Fatalf("second LoadDemo = %v, %v; want false, nil", loaded, err)
		}
		if n := len(list(t, app, zones+"?limit=100").Items); n != len(all.Items) {
			t.Errorf("zones after the second load = %d, want %d", n, len(all.Items))
		}
	})
}
