package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/integrations"
	"github.com/islamabad-digital/citizenapi/modules/traffic"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

func init() {
	admin := []string{identity.RoleAdmin}
	screens = append(screens,
		screen{Title: "console.nav.platform_staff", Path: "/console/platform/staff", Roles: admin, mount: mountPlatformStaff},
		screen{Title: "console.nav.platform_clients", Path: "/console/platform/clients", Roles: admin, mount: mountPlatformClients},
		screen{Title: "console.nav.platform_audit", Path: "/console/platform/audit", Roles: admin, mount: mountPlatformAudit})
}

func mountPlatformStaff(h *Console, g screenRoutes) {
	g.GET("/platform/staff", h.staffList)
	g.POST("/platform/staff", h.createStaff)
	g.POST("/platform/staff/:id/status", h.setStaffActive)
	g.POST("/platform/staff/:id/roles", h.setStaffRoles)
}

func mountPlatformClients(h *Console, g screenRoutes) {
	g.GET("/platform/clients", h.clientList)
	g.POST("/platform/clients", h.createClient)
	g.POST("/platform/clients/:id/revoke", h.revokeClient)
	g.POST("/platform/clients/:id/secret", h.rotateClientSecret)
	// The page a rotation answers with offers a language link to its own
	// address; a GET there goes back to the list.
	g.GET("/platform/clients/:id/secret", func(c echo.Context) error {
		return c.Redirect(http.StatusSeeOther, "/console/platform/clients")
	})
}

func mountPlatformAudit(h *Console, g screenRoutes) {
	g.GET("/platform/audit", h.auditLog)
}

// staffRoles and departments are the values the API's staff bodies take,
// in the order the forms offer them. The API decides which role belongs to
// which department and which needs a unit.
var (
	staffRoles = []string{identity.RoleAdmin, identity.RoleHealthAdmin, identity.RoleHealthStaff, identity.RoleEducationAdmin,
		identity.RoleEducationStaff, identity.RoleParkingAdmin, identity.RoleParkingOfficer, identity.RoleTrafficAdmin, identity.RoleTrafficOfficer}
	departments = []string{"platform", "health", "education", "parking", "traffic"}
)

// unitOption is a facility, school or traffic sector a unit-scoped role or
// client may be bound to.
type unitOption struct {
	ID, Name, Kind string
}

// unitOptions reads the first hundred facilities, schools and traffic
// sectors from the API's public lists, to suggest unit IDs and to name the
// units of the roles shown. Units beyond those are typed as IDs.
func (h *Console) unitOptions(c echo.Context) ([]unitOption, error) {
	q := url.Values{"limit": {"100"}}
	var facilities health.FacilityList
	var schools education.SchoolList
	var sectors traffic.SectorList
	for _, l := range []struct {
		path string
		out  any
	}{{"/health/facilities", &facilities}, {"/education/schools", &schools}, {"/traffic/sectors", &sectors}} {
		if err := h.call(c, http.MethodGet, l.path, q, nil, l.out); err != nil {
			return nil, err
		}
	}
	var out []unitOption
	for _, f := range facilities.Items {
		out = append(out, unitOption{ID: f.ID, Name: f.Name, Kind: identity.UnitFacility})
	}
	for _, s := range schools.Items {
		out = append(out, unitOption{ID: s.ID, Name: s.Name, Kind: identity.UnitSchool})
	}
	for _, s := range sectors.Items {
		out = append(out, unitOption{ID: s.ID, Name: s.Name, Kind: identity.UnitSector})
	}
	return out, nil
}

// unitNamer names the units of a page by their IDs.
type unitNamer struct {
	Units []unitOption
}

// UnitName is the name of the unit id, or the ID itself when it is not
// among the suggested units.
func (u unitNamer) UnitName(id string) string {
	for _, o := range u.Units {
		if o.ID == id {
			return o.Name
		}
	}
	return id
}

// staffPage is the list of staff accounts with the form that creates one.
type staffPage struct {
	unitNamer
	Staff       identity.AccountList
	Roles       []string
	Departments []string
	// Form is what a refused creation had typed (never the password), and
	// Refusal the API's answer to it.
	Form    identity.NewStaff
	Refusal *web.Problem
}

// roleRow is one line of a role change form: a role held, or an empty one
// to add.
type roleRow struct {
	N int
	identity.HeldRole
}

// RoleRows returns the lines of acc's role change form.
func (staffPage) RoleRows(acc identity.Account) []roleRow {
	rows := make([]roleRow, 0, len(acc.Roles)+1)
	for i, r := range acc.Roles {
		rows = append(rows, roleRow{N: i + 1, HeldRole: r})
	}
	return append(rows, roleRow{N: len(acc.Roles) + 1})
}

// staffList shows a page of staff accounts.
func (h *Console) staffList(c echo.Context) error {
	return h.showStaff(c, http.StatusOK, staffPage{})
}

// showStaff fills p with a page of staff accounts and the units to
// suggest, and renders it with status.
func (h *Console) showStaff(c echo.Context, status int, p staffPage) error {
	p.Roles, p.Departments = staffRoles, departments
	if err := h.call(c, http.MethodGet, "/admin/staff", passQuery(c, "cursor"), nil, &p.Staff); err != nil {
		return err
	}
	var err error
	if p.Units, err = h.unitOptions(c); err != nil {
		return err
	}
	return h.render(c, status, "platform-staff", p)
}

// createStaff creates a staff account through the API, which applies the
// password rules and checks the role, department and unit. A refusal is
// shown beside the form, which keeps what was typed but the password.
func (h *Console) createStaff(c echo.Context) error {
	in := identity.NewStaff{Email: strings.TrimSpace(c.FormValue("email")), FullName: c.FormValue("full_name"), Password: c.FormValue("password"),
		Role: c.FormValue("role"), Department: c.FormValue("department"), UnitID: strings.TrimSpace(c.FormValue("unit_id"))}
	var acc identity.Account
	refused, err := asRefusal(h.call(c, http.MethodPost, "/admin/staff", nil, in, &acc))
	if err != nil {
		return err
	}
	if refused != nil {
		in.Password = ""
		return h.showStaff(c, refused.Status, staffPage{Form: in, Refusal: &refused.Problem})
	}
	h.flash(c, flash{Kind: "ok", Text: i18n.T(langOf(c), "console.done.staff_created", map[string]string{"name": acc.FullName})})
	return c.Redirect(http.StatusSeeOther, localPath(c.FormValue("back"), "/console/platform/staff"))
}

// setStaffActive deactivates or reactivates a staff account. The API
// closes a deactivated account's sessions, console ones included.
func (h *Console) setStaffActive(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	active, done := true, "console.done.staff_reactivated"
	switch c.FormValue("active") {
	case "false":
		active, done = false, "console.done.staff_deactivated"
	case "true":
	default:
		return echo.ErrBadRequest
	}
	return h.act(c, http.MethodPatch, "/admin/staff/"+id, identity.StaffChange{Active: &active}, done)
}

// setStaffRoles replaces a staff account's roles with the form's lines
// that name a role; a line left without one drops that role.
func (h *Console) setStaffRoles(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.ErrBadRequest
	}
	depts, units := form["department"], form["unit_id"]
	var in identity.RolesChange
	for i, role := range form["role"] {
		if role == "" {
			continue
		}
		a := identity.RoleAssignment{Role: role}
		if i < len(depts) {
			a.Department = depts[i]
		}
		if i < len(units) {
			a.UnitID = strings.TrimSpace(units[i])
		}
		in.Roles = append(in.Roles, a)
	}
	return h.act(c, http.MethodPut, "/admin/staff/"+id+"/roles", in, "console.done.roles")
}

// clientsPage is the list of third-party clients with the form that
// registers one.
type clientsPage struct {
	unitNamer
	Clients integrations.ClientList
	Scopes  []string
	Form    integrations.NewClient
	Refusal *web.Problem
}

// HasScope reports whether the refused form had scope ticked.
func (p clientsPage) HasScope(scope string) bool {
	for _, s := range p.Form.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// secretPage shows a client's secret, the one time the API tells it.
type secretPage struct {
	Client integrations.ClientWithSecret
	Notice string // text key
}

func (h *Console) clientList(c echo.Context) error {
	return h.showClients(c, http.StatusOK, clientsPage{})
}

// showClients fills p with a page of clients and renders it with status.
func (h *Console) showClients(c echo.Context, status int, p clientsPage) error {
	p.Scopes = integrations.ScopeNames()
	if err := h.call(c, http.MethodGet, "/admin/clients", passQuery(c, "cursor"), nil, &p.Clients); err != nil {
		return err
	}
	var err error
	if p.Units, err = h.unitOptions(c); err != nil {
		return err
	}
	return h.render(c, status, "platform-clients", p)
}

// createClient registers a client through the API and answers with its
// secret, rendered on this one page and nowhere else (never in a cookie).
func (h *Console) createClient(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return echo.ErrBadRequest
	}
	in := integrations.NewClient{Name: strings.TrimSpace(form.Get("name")), OwnerContact: strings.TrimSpace(form.Get("owner_contact")),
		Scopes: form["scopes"], UnitID: strings.TrimSpace(form.Get("unit_id"))}
	var out integrations.ClientWithSecret
	refused, err := asRefusal(h.call(c, http.MethodPost, "/admin/clients", nil, in, &out))
	if err != nil {
		return err
	}
	if refused != nil {
		return h.showClients(c, refused.Status, clientsPage{Form: in, Refusal: &refused.Problem})
	}
	return h.render(c, http.StatusOK, "platform-secret", secretPage{Client: out, Notice: "console.done.client_created"})
}

// rotateClientSecret gives a client a new secret through the API and
// answers with it, as createClient does.
func (h *Console) rotateClientSecret(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var out integrations.ClientWithSecret
	refused, err := asRefusal(h.call(c, http.MethodPost, "/admin/clients/"+id+"/secret", nil, nil, &out))
	if err != nil {
		return err
	}
	if refused != nil {
		h.refused(c, refused)
		return c.Redirect(http.StatusSeeOther, localPath(c.FormValue("back"), "/console/platform/clients"))
	}
	return h.render(c, http.StatusOK, "platform-secret", secretPage{Client: out, Notice: "console.done.secret_rotated"})
}

func (h *Console) revokeClient(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	return h.act(c, http.MethodDelete, "/admin/clients/"+id, nil, "console.done.client_revoked")
}

// auditFilter is the audit page's filter form: the API's own filters, with
// days of Islamabad in place of instants.
type auditFilter struct {
	ActorID, TargetType, TargetID, SubjectID string
	From, To                                 string // YYYY-MM-DD, both inclusive
}

// auditPage is a page of the audit log under its filter.
type auditPage struct {
	Filter  auditFilter
	Entries identity.AuditList
	Refusal *web.Problem
}

// auditLog shows the audit log, newest first, filtered as the form asks.
// A filter the API refuses (a malformed ID or date) is shown beside the
// form.
func (h *Console) auditLog(c echo.Context) error {
	trim := func(name string) string { return strings.TrimSpace(c.QueryParam(name)) }
	f := auditFilter{ActorID: trim("actor_id"), TargetType: trim("target_type"), TargetID: trim("target_id"),
		SubjectID: trim("subject_id"), From: trim("from"), To: trim("to")}
	q := passQuery(c, "cursor")
	for name, v := range map[string]string{"actor_id": f.ActorID, "target_type": f.TargetType, "target_id": f.TargetID,
		"subject_id": f.SubjectID, "from": dayStart(f.From, 0), "to": dayStart(f.To, 1)} {
		if v != "" {
			q.Set(name, v)
		}
	}
	p := auditPage{Filter: f}
	refused, err := asRefusal(h.call(c, http.MethodGet, "/admin/audit", q, nil, &p.Entries))
	if err != nil {
		return err
	}
	status := http.StatusOK
	if refused != nil {
		p.Refusal, status = &refused.Problem, refused.Status
	}
	return h.render(c, status, "platform-audit", p)
}
