package health_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/health"
)

const clientDay = "/api/v1/integrations/appointments"

// TestClientAppointmentDay: a client with health.appointments:read reads
// its own facility's day as times and IDs (the slot with its doctor, the
// queue number and the status), never the patient, the reason or the
// facility's cancellation note, page by page; the staff day list, which
// shows patients, refuses clients; and the read is in each patient's
// access log under the client's ID.
func TestClientAppointmentDay(t *testing.T) {
	app := apitest.New(t)
	f1, f2 := app.Facility(), app.Facility()
	p1, p2 := app.Practitioner(f1), app.Practitioner(f2)
	app.Schedule(p1, 2, 2, "09:00", "10:00", 30, 3)
	app.Schedule(p2, 2, 2, "09:00", "09:30", 30, 3)
	early, late, atF2 := app.Slot(p1, app.At(2, 9, 0)), app.Slot(p1, app.At(2, 9, 30)), app.Slot(p2, app.At(2, 9, 0))
	c := app.NewCitizen()
	child := app.Dependant(c, "Zainab Patient")
	book := func(slotID, dependantID, reason string) health.Appointment {
		t.Helper()
		body := map[string]string{"slot_id": slotID, "reason": reason}
		if dependantID != "" {
			body["dependant_id"] = dependantID
		}
		var a health.Appointment
		app.Post("/api/v1/health/appointments", c.Token, body).Want(t, http.StatusCreated).JSON(t, &a)
		return a
	}
	second := book(late.ID, "", "chest pain since Tuesday")
	first := book(early.ID, child, "fever for two days")
	book(atF2.ID, child, "a check-up elsewhere")
	client := app.NewClient([]string{"health.appointments:read"}, f1)
	day := "?date=" + app.Day(2)

	t.Run("times and IDs only", func(t *testing.T) {
		r := app.Get(clientDay+day, client.Token).Want(t, http.StatusOK)
		for _, private := range []string{"Zainab Patient", "Test Citizen", "chest pain", "fever", c.ID, child, "patient", "reason"} {
			if strings.Contains(string(r.Body), private) {
				t.Errorf("the client's day shows %q: %s", private, r.Body)
			}
		}
		var list struct {
			Items      []map[string]any `json:"items"`
			NextCursor *string          `json:"next_cursor"`
		}
		r.JSON(t, &list)
		var got []string
		for _, it := range list.Items {
			got = append(got, it["id"].(string))
			for key := range it {
				if !slices.Contains([]string{"id", "status", "queue_number", "slot", "created_at", "updated_at"}, key) {
					t.Errorf("an item has the field %q", key)
				}
			}
			slot := it["slot"].(map[string]any)
			if slot["facility_id"] != f1 || slot["practitioner_id"] != p1 || slot["starts_at"] == nil || slot["ends_at"] == nil {
				t.Errorf("slot %v, want one of the client's facility's with its doctor and times", slot)
			}
		}
		if want := []string{first.ID, second.ID}; !slices.Equal(got, want) || list.NextCursor != nil {
			t.Errorf("the client's day = %v (next %v), want %v: its own facility's, by start and queue", got, list.NextCursor, want)
		}
		if list.Items[0]["queue_number"] != float64(1) || list.Items[0]["status"] != health.StatusBooked {
			t.Errorf("first item %v, want queue number 1, booked", list.Items[0])
		}
	})

	t.Run("pages", func(t *testing.T) {
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		app.Get(clientDay+day+"&limit=1", client.Token).Want(t, http.StatusOK).JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != first.ID || page.NextCursor == nil {
			t.Fatalf("first page %+v, want %s and a cursor", page, first.ID)
		}
		app.Get(clientDay+day+"&limit=1&cursor="+url.QueryEscape(*page.NextCursor), client.Token).Want(t, http.StatusOK).JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != second.ID || page.NextCursor != nil {
			t.Errorf("second page %+v, want %s and no cursor", page, second.ID)
		}
	})

	t.Run("bad queries", func(t *testing.T) {
		app.Get(clientDay+"?date=tomorrow", client.Token).Problem(t, http.StatusBadRequest, "date")
		app.Get(clientDay+"?cursor=garbage", client.Token).Problem(t, http.StatusBadRequest, "cursor")
		if r := app.Get(clientDay, client.Token).Want(t, http.StatusOK); strings.Contains(string(r.Body), first.ID) {
			t.Errorf("today's list holds the day after tomorrow's appointment: %s", r.Body)
		}
	})

	t.Run("clients cannot use the staff day list", func(t *testing.T) {
		r := app.Get("/api/v1/admin/health/appointments?facility_id="+f1+"&"+day[1:], client.Token)
		p := r.Problem(t, http.StatusForbidden, "")
		if !strings.Contains(p.Detail, "clients cannot use") || r.Header.Get("WWW-Authenticate") != "" {
			t.Errorf("detail %q, challenge %q: want the answer that no scope opens the route", p.Detail, r.Header.Get("WWW-Authenticate"))
		}
	})

	t.Run("who else may not", func(t *testing.T) {
		staff := app.NewStaff("health_staff", f1)
		app.Get(clientDay+day, staff.Token).Problem(t, http.StatusForbidden, "")
		app.Get(clientDay+day, c.Token).Problem(t, http.StatusForbidden, "")
		app.Get(clientDay+day, "").Problem(t, http.StatusUnauthorized, "")
		hooksOnly := app.NewClient([]string{"webhooks:manage"}, "")
		r := app.Get(clientDay+day, hooksOnly.Token)
		r.Problem(t, http.StatusForbidden, "")
		if want := `Bearer error="insufficient_scope", scope="health.appointments:read"`; r.Header.Get("WWW-Authenticate") != want {
			t.Errorf("WWW-Authenticate %q, want %q", r.Header.Get("WWW-Authenticate"), want)
		}
	})

	t.Run("the patient sees the read", func(t *testing.T) {
		type entry struct {
			By       string `json:"by"`
			ClientID string `json:"client_id"`
			Purpose  string `json:"purpose"`
		}
		var log struct{ Items []entry }
		app.Get("/api/v1/me/access-log?limit=100", c.Token).Want(t, http.StatusOK).JSON(t, &log)
		if !slices.ContainsFunc(log.Items, func(e entry) bool { return e.By == "client" && e.ClientID == client.ID && e.Purpose != "" }) {
			t.Errorf("the access log %+v has no read by client %s", log.Items, client.ID)
		}
	})
}
