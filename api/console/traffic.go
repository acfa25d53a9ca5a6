package console

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/traffic"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

func init() {
	screens = append(screens,
		screen{Title: "console.nav.traffic_challans", Path: "/console/traffic/challans",
			Roles: []string{identity.RoleTrafficOfficer, identity.RoleTrafficAdmin}, mount: mountTrafficChallans},
		// Only officers issue: the API gives traffic administrators no
		// right to.
		screen{Title: "console.nav.traffic_issue", Path: "/console/traffic/issue",
			Roles: []string{identity.RoleTrafficOfficer}, mount: mountTrafficIssue},
		screen{Title: "console.nav.traffic_offences", Path: "/console/traffic/offences",
			Roles: []string{identity.RoleTrafficAdmin}, mount: mountTrafficOffences})
}

func mountTrafficChallans(h *Console, g screenRoutes) {
	g.GET("/traffic/challans", h.trafficChallans)
	g.POST("/traffic/challans/:id/decision", h.decideChallan)
}

func mountTrafficIssue(h *Console, g screenRoutes) {
	g.GET("/traffic/issue", h.trafficIssueForm)
	g.POST("/traffic/challans", h.issueChallan)
}

func mountTrafficOffences(h *Console, g screenRoutes) {
	g.GET("/traffic/offences", h.trafficOffences)
	g.POST("/traffic/offences", h.createOffence)
	g.POST("/traffic/offences/:code", h.updateOffence)
}

// challanStatuses are the statuses the challan list may be filtered by,
// as the API names them ("unpaid" is issued, overdue or contested).
var challanStatuses = []string{traffic.StatusContested, traffic.StatusIssued, traffic.StatusOverdue, "unpaid",
	traffic.StatusPaid, traffic.StatusCancelled}

// trafficChallansPage is traffic staff's list of challans.
type trafficChallansPage struct {
	Plate, Status, Sector string
	Statuses              []string
	Sectors               []traffic.Sector
	Challans              traffic.ChallanList
	// Problem is the API's refusal of the filters, such as a malformed
	// plate or another sector than an officer's own.
	Problem *web.Problem
}

// trafficChallans lists challans, newest first, by plate, status and (for
// administrators) sector; the API keeps an officer to their own sector.
// Administrators decide contested ones here.
func (h *Console) trafficChallans(c echo.Context) error {
	p := trafficChallansPage{Plate: c.QueryParam("plate"), Status: c.QueryParam("status"), Sector: c.QueryParam("sector"), Statuses: challanStatuses}
	var err error
	if p.Sectors, err = everyPage[traffic.Sector](h, c, "/traffic/sectors", nil); err != nil {
		return err
	}
	if p.Problem, err = h.readOrProblem(c, "/admin/traffic/challans", passQuery(c, "plate", "status", "sector", "cursor"), &p.Challans); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "traffic-challans", p)
}

func (h *Console) decideChallan(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	return h.act(c, http.MethodPost, "/admin/traffic/challans/"+id+"/decision", traffic.DecisionRequest{
		Decision: c.FormValue("decision"), Note: strings.TrimSpace(c.FormValue("note"))}, "console.done.challan_decided")
}

// trafficIssuePage is an officer's form to issue a challan.
type trafficIssuePage struct {
	Offences []traffic.Offence
	Sectors  []traffic.Sector
	// Sector is the officer's own sector, picked first.
	Sector string
	// Now is the local minute the form was opened, the offence's time
	// unless the officer changes it.
	Now string
	// DeviceRef names this form's challan, so that sending the form twice
	// returns the first challan instead of issuing a second.
	DeviceRef string
}

// trafficIssueForm shows the form, with the offence schedule and the
// sectors to pick from.
func (h *Console) trafficIssueForm(c echo.Context) error {
	p := trafficIssuePage{Now: h.clock.Now().In(domain.Karachi).Format(localMinute), DeviceRef: "console-" + uuid.NewString()}
	var err error
	if p.Offences, err = everyPage[traffic.Offence](h, c, "/traffic/offences", nil); err != nil {
		return err
	}
	if p.Sectors, err = everyPage[traffic.Sector](h, c, "/traffic/sectors", nil); err != nil {
		return err
	}
	// An officer of a sector issues there only (the API refuses the others),
	// so only that sector is offered.
	if unit := unitOf(viewerOf(c).account); unit != "" {
		for _, s := range p.Sectors {
			if s.ID == unit {
				p.Sector, p.Sectors = s.Code, []traffic.Sector{s}
			}
		}
	}
	return h.render(c, http.StatusOK, "traffic-issue", p)
}

// localMinute is how a datetime-local field writes a time.
const localMinute = "2006-01-02T15:04"

// issueChallan issues the form's challan and says its number. An
// occurred_at the console cannot read goes as no time at all, for the
// API to name.
func (h *Console) issueChallan(c echo.Context) error {
	in := traffic.IssueRequest{Plate: c.FormValue("plate"), OffenceCode: c.FormValue("offence_code"), Place: c.FormValue("place"),
		Sector: c.FormValue("sector"), DeviceRef: c.FormValue("device_ref"), EvidenceURL: strings.TrimSpace(c.FormValue("evidence_url"))}
	for _, layout := range []string{localMinute, localMinute + ":05"} {
		if at, err := time.ParseInLocation(layout, c.FormValue("occurred_at"), domain.Karachi); err == nil {
			in.OccurredAt = at
			break
		}
	}
	back := localPath(c.FormValue("back"), "/console/traffic/issue")
	var ch traffic.Challan
	err := h.call(c, http.MethodPost, "/admin/traffic/challans", nil, in, &ch)
	var refused *refusal
	if errors.As(err, &refused) && refused.Status != http.StatusUnauthorized {
		h.refused(c, refused)
		return c.Redirect(http.StatusSeeOther, back)
	} else if err != nil {
		return err
	}
	h.flash(c, flash{Kind: "ok", Text: i18n.T(langOf(c), "console.done.challan_issued", map[string]string{"number": ch.Number, "plate": ch.Plate})})
	return c.Redirect(http.StatusSeeOther, back)
}

// trafficOffencesPage is the offence schedule, to change and add to.
type trafficOffencesPage struct {
	Offences []traffic.Offence
}

func (h *Console) trafficOffences(c echo.Context) error {
	var p trafficOffencesPage
	var err error
	if p.Offences, err = everyPage[traffic.Offence](h, c, "/traffic/offences", nil); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "traffic-offences", p)
}

func (h *Console) createOffence(c echo.Context) error {
	n := formNumbers{c: c}
	fine, late, days := n.get("fine_pkr", true), n.get("late_fine_pkr", true), n.get("due_days", true)
	if len(n.bad) > 0 {
		return h.refuseNumbers(c, n.bad)
	}
	return h.act(c, http.MethodPost, "/admin/traffic/offences", traffic.OffenceInput{
		Code: strings.TrimSpace(c.FormValue("code")), Title: strings.TrimSpace(c.FormValue("title")), TitleUr: strings.TrimSpace(c.FormValue("title_ur")),
		FinePKR: *fine, LateFinePKR: *late, DueDays: int(*days)}, "console.done.offence_created")
}

// offenceCodePath is what an offence code in an address may be.
var offenceCodePath = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,31}$`)

// updateOffence changes an offence; a blank field stays as it is.
func (h *Console) updateOffence(c echo.Context) error {
	code := c.Param("code")
	if !offenceCodePath.MatchString(code) {
		return echo.ErrNotFound
	}
	n := formNumbers{c: c}
	in := traffic.OffenceChange{Title: optionalText(c, "title"), TitleUr: optionalText(c, "title_ur"),
		FinePKR: n.get("fine_pkr", false), LateFinePKR: n.get("late_fine_pkr", false)}
	if days := n.get("due_days", false); days != nil {
		d := int(*days)
		in.DueDays = &d
	}
	if len(n.bad) > 0 {
		return h.refuseNumbers(c, n.bad)
	}
	return h.act(c, http.MethodPatch, "/admin/traffic/offences/"+url.PathEscape(code), in, "console.done.offence_updated")
}
