package console

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
)

func init() {
	screens = append(screens, screen{Title: "console.nav.health_facilities", Path: "/console/health/facilities",
		Roles: []string{identity.RoleHealthAdmin}, mount: mountHealthAdmin})
}

func mountHealthAdmin(h *Console, g screenRoutes) {
	g.GET("/health/facilities", h.healthFacilities)
	g.POST("/health/facilities", h.createFacility)
	g.GET("/health/facilities/:id", h.healthFacility)
	g.POST("/health/facilities/:id", h.updateFacility)
	g.GET("/health/facilities/:id/slots", h.facilitySlots)
	g.POST("/health/practitioners", h.createPractitioner)
	g.POST("/health/schedules", h.createSchedule)
}

// healthFacilitiesPage is the list of facilities with the form to add one.
type healthFacilitiesPage struct {
	Q          string
	Kinds      []string
	Facilities health.FacilityList
}

// facilityKinds are the kinds a facility form offers.
var facilityKinds = []string{health.KindHospital, health.KindClinic, health.KindBHU, health.KindLab}

// healthFacilities lists the facilities, by part of the name when asked.
func (h *Console) healthFacilities(c echo.Context) error {
	p := healthFacilitiesPage{Q: c.QueryParam("q"), Kinds: facilityKinds}
	if err := h.call(c, http.MethodGet, "/health/facilities", passQuery(c, "q", "cursor"), nil, &p.Facilities); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "health-admin-facilities", p)
}

// createFacility adds a facility and opens its page.
func (h *Console) createFacility(c echo.Context) error {
	in := health.FacilityInput{Name: c.FormValue("name"), Kind: c.FormValue("kind"), Sector: c.FormValue("sector"),
		Address: c.FormValue("address"), Location: postedLocation(c), Specialties: postedList(c, "specialties")}
	var f health.Facility
	if ok, err := h.callOrFlash(c, http.MethodPost, "/admin/health/facilities", in, &f); !ok {
		return err
	}
	h.flash(c, flash{Kind: "ok", Text: i18n.T(langOf(c), "console.done.facility_created", nil)})
	return c.Redirect(http.StatusSeeOther, "/console/health/facilities/"+f.ID)
}

// healthFacilityPage is a facility with a page of its doctors and the
// forms to change it, add a doctor and generate a doctor's slots.
type healthFacilityPage struct {
	Facility       health.Facility
	Kinds          []string
	Specialties    string
	Doctors        health.PractitionerList
	From, To       string
	Weekdays       []int
	DefaultWeekday map[int]bool
}

// healthFacility shows a facility and its doctors.
func (h *Console) healthFacility(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	p := healthFacilityPage{Kinds: facilityKinds, Weekdays: []int{1, 2, 3, 4, 5, 6, 7}, DefaultWeekday: map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true}}
	if err := h.call(c, http.MethodGet, "/health/facilities/"+id, nil, nil, &p.Facility); err != nil {
		return err
	}
	p.Specialties = strings.Join(p.Facility.Specialties, ", ")
	q := passQuery(c, "cursor")
	q.Set("facility_id", id)
	if err := h.call(c, http.MethodGet, "/health/practitioners", q, nil, &p.Doctors); err != nil {
		return err
	}
	today := domain.LocalDate(h.clock.Now())
	p.From, p.To = today.AddDate(0, 0, 1).Format(time.DateOnly), today.AddDate(0, 0, 14).Format(time.DateOnly)
	return h.render(c, http.StatusOK, "health-admin-facility", p)
}

// updateFacility changes a facility's fields as the edit form shows them
// all, so every one is sent.
func (h *Console) updateFacility(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	name, kind, sector, address := c.FormValue("name"), c.FormValue("kind"), c.FormValue("sector"), c.FormValue("address")
	loc, specialties := postedLocation(c), postedList(c, "specialties")
	return h.act(c, http.MethodPatch, "/admin/health/facilities/"+id, health.FacilityChange{Name: &name, Kind: &kind,
		Sector: &sector, Address: &address, Location: &loc, Specialties: &specialties}, "console.done.facility_updated")
}

func (h *Console) createPractitioner(c echo.Context) error {
	return h.act(c, http.MethodPost, "/admin/health/practitioners", health.PractitionerInput{FacilityID: c.FormValue("facility_id"),
		FullName: c.FormValue("full_name"), Specialty: c.FormValue("specialty"), PMDCNumber: c.FormValue("pmdc_number")},
		"console.done.practitioner_created")
}

// createSchedule generates a doctor's slots and, when the API made them,
// says how many and opens the doctor's slots over the schedule's dates.
func (h *Console) createSchedule(c echo.Context) error {
	form, _ := c.FormParams()
	in := health.ScheduleInput{PractitionerID: c.FormValue("practitioner_id"), Weekdays: []int{},
		StartTime: c.FormValue("start_time"), EndTime: c.FormValue("end_time"), SlotMinutes: postedInt(c, "slot_minutes"),
		Capacity: postedInt(c, "capacity"), From: c.FormValue("from"), To: c.FormValue("to")}
	for _, d := range form["weekdays"] {
		n, err := strconv.Atoi(d)
		if err != nil {
			n = -1 // refused by the API, which names the field
		}
		in.Weekdays = append(in.Weekdays, n)
	}
	var res health.ScheduleResult
	if ok, err := h.callOrFlash(c, http.MethodPost, "/admin/health/schedules", in, &res); !ok {
		return err
	}
	h.flash(c, flash{Kind: "ok", Text: i18n.T(langOf(c), "console.done.slots_created", map[string]string{"n": strconv.Itoa(res.Created)})})
	facility, err := uuid.Parse(c.FormValue("facility_id"))
	if err != nil || res.Created == 0 {
		return c.Redirect(http.StatusSeeOther, localPath(c.FormValue("back"), "/console/health/facilities"))
	}
	q := url.Values{"practitioner_id": {in.PractitionerID}, "from": {in.From}, "to": {in.To}}
	return c.Redirect(http.StatusSeeOther, "/console/health/facilities/"+facility.String()+"/slots?"+q.Encode())
}

// facilitySlotsPage is a page of a facility's slots, full ones too, of one
// doctor or all, between two local dates.
type facilitySlotsPage struct {
	Facility     health.Facility
	Doctors      []health.Practitioner
	Practitioner string
	From, To     string
	Slots        health.SlotList
}

// facilitySlots lists a facility's slots from the start of From to the end
// of To (local dates; the next fortnight unless picked).
func (h *Console) facilitySlots(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	today := domain.LocalDate(h.clock.Now())
	p := facilitySlotsPage{Practitioner: c.QueryParam("practitioner_id"), From: c.QueryParam("from"), To: c.QueryParam("to")}
	if p.From == "" {
		p.From = today.Format(time.DateOnly)
	}
	if p.To == "" {
		p.To = today.AddDate(0, 0, 14).Format(time.DateOnly)
	}
	if err := h.call(c, http.MethodGet, "/health/facilities/"+id, nil, nil, &p.Facility); err != nil {
		return err
	}
	var doctors health.PractitionerList
	if err := h.call(c, http.MethodGet, "/health/practitioners", url.Values{"facility_id": {id}, "limit": {"100"}}, nil, &doctors); err != nil {
		return err
	}
	p.Doctors = doctors.Items
	q := passQuery(c, "practitioner_id", "cursor")
	q.Set("facility_id", id)
	q.Set("include_full", "true")
	q.Set("from", dayStart(p.From, 0))
	q.Set("to", dayStart(p.To, 1))
	if err := h.call(c, http.MethodGet, "/health/slots", q, nil, &p.Slots); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "health-admin-slots", p)
}

// callOrFlash sends a form's change to the API and decodes its answer into
// out. On a refusal it leaves the API's message for the form's page, and
// returns false with the redirect there as err; on any other failure,
// false and the failure.
func (h *Console) callOrFlash(c echo.Context, method, apiPath string, body, out any) (bool, error) {
	refused, err := asRefusal(h.call(c, method, apiPath, nil, body, out))
	if refused != nil {
		h.refused(c, refused)
		return false, c.Redirect(http.StatusSeeOther, localPath(c.FormValue("back"), "/console/"))
	}
	return err == nil, err
}

// postedInt reads a whole number from the form; anything else is -1,
// which every count the console posts refuses, so that the API names the
// field instead of taking a silent zero.
func postedInt(c echo.Context, name string) int {
	n, err := strconv.Atoi(strings.TrimSpace(c.FormValue(name)))
	if err != nil {
		return -1
	}
	return n
}

// postedLocation reads the lat and lng fields; one that is not a number
// is put off the map, for the API to refuse.
func postedLocation(c echo.Context) health.Location {
	read := func(name string) float64 {
		f, err := strconv.ParseFloat(strings.TrimSpace(c.FormValue(name)), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 999
		}
		return f
	}
	return health.Location{Lat: read("lat"), Lng: read("lng")}
}

// postedList reads a comma-separated field as its non-empty items.
func postedList(c echo.Context, name string) []string {
	out := []string{}
	for _, s := range strings.Split(c.FormValue(name), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
