package console

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/identity"
)

func init() {
	screens = append(screens, screen{Title: "console.nav.health_day", Path: "/console/health/day",
		Roles: []string{identity.RoleHealthStaff}, Also: []string{identity.RoleHealthAdmin}, mount: mountHealthDesk})
}

func mountHealthDesk(h *Console, g screenRoutes) {
	g.GET("/health/day", h.healthDay)
	g.POST("/health/appointments/:id/status", h.setAppointmentStatus)
	g.POST("/health/slots/:id/cancel", h.cancelSlot)
	g.POST("/health/sessions/cancel", h.cancelSession)
}

// healthDayPage is the desk's list of a day at its facility.
type healthDayPage struct {
	Date          string
	Appointments  health.AppointmentList
	Practitioners []health.Practitioner
}

// healthDay shows a day's appointments at a facility (the desk's own
// unless facility_id names another, which the API allows administrators
// only; today unless a date is picked), with the doctors whose sessions
// may be cancelled.
func (h *Console) healthDay(c echo.Context) error {
	date := c.QueryParam("date")
	if date == "" {
		date = domain.LocalDate(h.clock.Now()).Format("2006-01-02")
	}
	q := passQuery(c, "facility_id", "cursor")
	q.Set("date", date)
	p := healthDayPage{Date: date}
	if err := h.call(c, http.MethodGet, "/admin/health/appointments", q, nil, &p.Appointments); err != nil {
		return err
	}
	facility := c.QueryParam("facility_id")
	if facility == "" {
		facility = unitOf(viewerOf(c).account)
	}
	if facility != "" {
		var doctors health.PractitionerList
		if err := h.call(c, http.MethodGet, "/health/practitioners", url.Values{"facility_id": {facility}, "limit": {"100"}}, nil, &doctors); err != nil {
			return err
		}
		p.Practitioners = doctors.Items
	}
	return h.render(c, http.StatusOK, "health-day", p)
}

func (h *Console) setAppointmentStatus(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	return h.act(c, http.MethodPost, "/admin/health/appointments/"+id+"/status",
		health.StatusChange{Status: c.FormValue("status")}, "console.done.status")
}

func (h *Console) cancelSlot(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	return h.act(c, http.MethodPost, "/admin/health/slots/"+id+"/cancel",
		health.Cancellation{Reason: c.FormValue("reason")}, "console.done.slot_cancelled")
}

func (h *Console) cancelSession(c echo.Context) error {
	return h.act(c, http.MethodPost, "/admin/health/sessions/cancel", health.SessionCancellation{
		PractitionerID: c.FormValue("practitioner_id"), Date: c.FormValue("date"), Reason: c.FormValue("reason"),
	}, "console.done.session_cancelled")
}

// unitOf is the unit (facility, school or sector) the account works in.
func unitOf(acc identity.Account) string {
	for _, r := range acc.Roles {
		if r.UnitID != "" {
			return r.UnitID
		}
	}
	return ""
}
