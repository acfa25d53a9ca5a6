package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/parking"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/offers"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

func init() {
	screens = append(screens,
		// The API lets the parking administrator check plates too.
		screen{Title: "console.nav.parking_verify", Path: "/console/parking/verify",
			Roles: []string{identity.RoleParkingOfficer, identity.RoleParkingAdmin}, mount: mountParkingVerify},
		screen{Title: "console.nav.parking_permits", Path: "/console/parking/permits",
			Roles: []string{identity.RoleParkingAdmin}, mount: mountParkingPermits},
		screen{Title: "console.nav.parking_zones", Path: "/console/parking/zones",
			Roles: []string{identity.RoleParkingAdmin}, mount: mountParkingZones})
}

func mountParkingVerify(h *Console, g screenRoutes) {
	g.GET("/parking/verify", h.parkingVerify)
}

func mountParkingPermits(h *Console, g screenRoutes) {
	g.GET("/parking/permits", h.parkingPermits)
	for _, action := range []string{"approve", "reject", "revoke"} {
		g.POST("/parking/permits/:id/"+action, h.parkingVerdict(action))
	}
}

func mountParkingZones(h *Console, g screenRoutes) {
	g.GET("/parking/zones", h.parkingZonesPage)
	g.POST("/parking/zones", h.createParkingZone)
	g.GET("/parking/zones/:id", h.parkingZoneForm)
	g.POST("/parking/zones/:id", h.updateParkingZone)
}

// parkingVerifyPage is a warden's plate check: the form, and the API's
// answer once a plate was asked about.
type parkingVerifyPage struct {
	Plate, ZoneID string
	Zones         []parking.Zone
	Checked       bool
	Result        parking.Verification
	// Problem is the API's refusal of the check, such as a malformed plate.
	Problem *web.Problem
}

// ZoneName names the zone with id, or shows the ID when it is not listed.
func (p parkingVerifyPage) ZoneName(id string) string { return zoneName(p.Zones, id) }

// parkingVerify asks the API whether the plate has a valid permit in the
// zone today. The form is a GET, so a check is a plain address and the
// page keeps the zone picked for the next plate.
func (h *Console) parkingVerify(c echo.Context) error {
	zones, err := everyPage[parking.Zone](h, c, "/parking/zones", nil)
	if err != nil {
		return err
	}
	p := parkingVerifyPage{Plate: strings.TrimSpace(c.QueryParam("plate")), ZoneID: c.QueryParam("zone_id"), Zones: zones}
	if c.QueryParams().Has("plate") {
		p.Checked = true
		q := url.Values{"plate": {p.Plate}, "zone_id": {p.ZoneID}}
		if p.Problem, err = h.readOrProblem(c, "/parking/verify", q, &p.Result); err != nil {
			return err
		}
		// A plate the API read is shown as it is stored and painted.
		if plate, err := domain.NormalizePlate("plate", p.Plate); err == nil && p.Problem == nil {
			p.Plate = plate
		}
	}
	return h.render(c, http.StatusOK, "parking-verify", p)
}

// parkingPermitsPage is the parking authority's list of permits.
type parkingPermitsPage struct {
	Status, ZoneID string
	Statuses       []string
	Zones          []parking.Zone
	Permits        parking.PermitList
}

// ZoneName names the zone with id, or shows the ID when it is not listed.
func (p parkingPermitsPage) ZoneName(id string) string { return zoneName(p.Zones, id) }

// parkingStatuses are the statuses the list may be filtered by, as the
// API names them.
var parkingStatuses = []string{parking.StatusPendingApproval, parking.StatusActive, parking.StatusPendingPayment,
	parking.StatusExpired, parking.StatusExpiredUnpaid, parking.StatusCancelled, parking.StatusRevoked, parking.StatusRejected}

// parkingPermits lists every permit, newest first, by status and zone,
// with the decisions the API allows on each.
func (h *Console) parkingPermits(c echo.Context) error {
	zones, err := everyPage[parking.Zone](h, c, "/parking/zones", nil)
	if err != nil {
		return err
	}
	p := parkingPermitsPage{Status: c.QueryParam("status"), ZoneID: c.QueryParam("zone_id"), Statuses: parkingStatuses, Zones: zones}
	if err := h.call(c, http.MethodGet, "/admin/parking/permits", passQuery(c, "status", "zone_id", "cursor"), nil, &p.Permits); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "parking-permits", p)
}

// parkingVerdict approves, rejects or revokes a permit with the reason
// given; the API says which permits allow which.
func (h *Console) parkingVerdict(action string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		return h.act(c, http.MethodPost, "/admin/parking/permits/"+id+"/"+action,
			parking.Verdict{Reason: strings.TrimSpace(c.FormValue("reason"))}, "console.done.permit_"+action)
	}
}

// parkingZonesPage lists the zones, with a form for a new one and the
// lines of zones at quota; or, when Editing, one zone's form.
type parkingZonesPage struct {
	Zones   parking.ZoneList
	Lines   offers.LineList
	Editing *parking.Zone
	Form    zoneForm
}

// Price is a tariff's price, which the template cannot read through its
// pointer.
func (parkingZonesPage) Price(t parking.Tariff) int64 {
	if t.AmountPKR == nil {
		return 0
	}
	return *t.AmountPKR
}

// zoneForm is what a zone form's fields hold.
type zoneForm struct {
	Name, Sector, Quota string
	Tariffs             []tariffRow
}

// parkingZonesPage shows a page of zones, as the public list has them,
// and the first hundred waitlist lines.
func (h *Console) parkingZonesPage(c echo.Context) error {
	p := parkingZonesPage{Form: zoneForm{Tariffs: tariffGrid(nil)}}
	if err := h.call(c, http.MethodGet, "/parking/zones", passQuery(c, "cursor"), nil, &p.Zones); err != nil {
		return err
	}
	if err := h.call(c, http.MethodGet, "/admin/parking/waitlists", url.Values{"limit": {"100"}}, nil, &p.Lines); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "parking-zones", p)
}

// parkingZoneForm shows a zone's name, sector, quota and tariffs to edit.
// The API has no single-zone read, so the zone is found in the list.
func (h *Console) parkingZoneForm(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	zones, err := everyPage[parking.Zone](h, c, "/parking/zones", nil)
	if err != nil {
		return err
	}
	for _, z := range zones {
		if z.ID == id {
			return h.render(c, http.StatusOK, "parking-zones", parkingZonesPage{Editing: &z, Form: zoneForm{
				Name: z.Name, Sector: z.Sector, Quota: strconv.Itoa(z.PermitQuota), Tariffs: tariffGrid(z.Tariffs)}})
		}
	}
	return echo.ErrNotFound
}

func (h *Console) createParkingZone(c echo.Context) error {
	n := formNumbers{c: c}
	quota := n.get("permit_quota", true)
	tariffs := n.tariffs()
	if len(n.bad) > 0 {
		return h.refuseNumbers(c, n.bad)
	}
	return h.act(c, http.MethodPost, "/admin/parking/zones", parking.ZoneInput{Name: strings.TrimSpace(c.FormValue("name")),
		Sector: strings.TrimSpace(c.FormValue("sector")), PermitQuota: int(*quota), Tariffs: tariffs}, "console.done.zone_created")
}

// updateParkingZone sends the zone's fields and every priced tariff of the
// form: the API sets the tariffs listed and keeps the others.
func (h *Console) updateParkingZone(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	n := formNumbers{c: c}
	in := parking.ZoneChange{Name: optionalText(c, "name"), Sector: optionalText(c, "sector"), Tariffs: n.tariffs()}
	if q := n.get("permit_quota", false); q != nil {
		quota := int(*q)
		in.PermitQuota = &quota
	}
	if len(n.bad) > 0 {
		return h.refuseNumbers(c, n.bad)
	}
	return h.act(c, http.MethodPatch, "/admin/parking/zones/"+id, in, "console.done.zone_updated")
}

// parkingMonths are the durations a tariff may price.
var parkingMonths = []int{1, 3, 6, 12}

// tariffRow is one permit type's prices in a zone form, a field per
// duration.
type tariffRow struct {
	Type  string
	Cells []tariffCell
}

type tariffCell struct {
	Months int
	Name   string // the form field
	Amount string // the price now, blank when the zone sells none
}

// tariffGrid lays tariffs out as the form's fields, one per permit type
// and duration.
func tariffGrid(tariffs []parking.Tariff) []tariffRow {
	price := map[string]int64{}
	for _, t := range tariffs {
		if t.AmountPKR != nil {
			price[tariffField(t.PermitType, t.Months)] = *t.AmountPKR
		}
	}
	var rows []tariffRow
	for _, typ := range []string{parking.TypeResident, parking.TypeBusiness, parking.TypeDisabled} {
		row := tariffRow{Type: typ}
		for _, m := range parkingMonths {
			cell := tariffCell{Months: m, Name: tariffField(typ, m)}
			if amount, ok := price[cell.Name]; ok {
				cell.Amount = strconv.FormatInt(amount, 10)
			}
			row.Cells = append(row.Cells, cell)
		}
		rows = append(rows, row)
	}
	return rows
}

func tariffField(permitType string, months int) string {
	return fmt.Sprintf("tariff_%s_%d", permitType, months)
}

// tariffs reads the priced fields of the tariff grid; a blank price sells
// nothing new and changes nothing.
func (n *formNumbers) tariffs() []parking.Tariff {
	var out []parking.Tariff
	for _, row := range tariffGrid(nil) {
		for _, cell := range row.Cells {
			if amount := n.get(cell.Name, false); amount != nil {
				out = append(out, parking.Tariff{PermitType: row.Type, Months: cell.Months, AmountPKR: amount})
			}
		}
	}
	return out
}

// formNumbers reads whole-number form fields. A number the form cannot carry
// to the API's typed body is named in bad, and the form is refused before
// it reaches the API; the browser's number fields make that rare.
type formNumbers struct {
	c   echo.Context
	bad []string
}

// get returns the field's number, or nil when it is blank and not
// required.
func (n *formNumbers) get(name string, required bool) *int64 {
	v := strings.TrimSpace(n.c.FormValue(name))
	if v == "" && !required {
		return nil
	}
	i, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		n.bad = append(n.bad, name)
		return nil
	}
	return &i
}

// refuseNumbers returns to the form, naming the fields that are not whole
// numbers.
func (h *Console) refuseNumbers(c echo.Context, fields []string) error {
	lang := langOf(c)
	f := flash{Kind: "error", Text: i18n.T(lang, "console.form_invalid", nil)}
	for _, name := range fields {
		f.Fields = append(f.Fields, fieldError{Field: name, Message: i18n.T(lang, "console.whole_number", nil)})
	}
	h.flash(c, f)
	return c.Redirect(http.StatusSeeOther, localPath(c.FormValue("back"), "/console/"))
}

// optionalText returns the trimmed form field, or nil when it is blank, for the
// fields of a change that a blank leaves as they are.
func optionalText(c echo.Context, name string) *string {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return nil
	}
	return &v
}

// readOrProblem is a GET of the API for a page that shows the API's refusal beside
// its own form (a malformed plate, a sector not one's own) instead of on
// an error page. Other failures are returned.
func (h *Console) readOrProblem(c echo.Context, apiPath string, query url.Values, out any) (*web.Problem, error) {
	refused, err := asRefusal(h.call(c, http.MethodGet, apiPath, query, nil, out))
	if refused != nil {
		return &refused.Problem, nil
	}
	return nil, err
}

// everyPage reads every page of a list of the API, a hundred at a time,
// for pickers and for naming what a list refers to by ID. It stops after
// twenty pages: the lists it reads (zones, sectors, offences) are short.
func everyPage[T any](h *Console, c echo.Context, apiPath string, query url.Values) ([]T, error) {
	q := url.Values{"limit": {"100"}}
	for k, v := range query {
		q[k] = v
	}
	var all []T
	for range 20 {
		var pg struct {
			Items      []T     `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		if err := h.call(c, http.MethodGet, apiPath, q, nil, &pg); err != nil {
			return nil, err
		}
		all = append(all, pg.Items...)
		if pg.NextCursor == nil || *pg.NextCursor == "" {
			break
		}
		q.Set("cursor", *pg.NextCursor)
	}
	return all, nil
}

// zoneName names the zone with id among zones, or returns id.
func zoneName(zones []parking.Zone, id string) string {
	for _, z := range zones {
		if z.ID == id {
			return z.Name
		}
	}
	return id
}
