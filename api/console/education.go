package console

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/offers"
)

func init() {
	screens = append(screens,
		screen{Title: "console.nav.education_applications", Path: "/console/education/applications",
			Roles: []string{identity.RoleEducationStaff}, Also: []string{identity.RoleEducationAdmin}, mount: mountEducationOffice},
		screen{Title: "console.nav.education_schools", Path: "/console/education/schools",
			Roles: []string{identity.RoleEducationAdmin}, mount: mountEducationSchools},
		screen{Title: "console.nav.education_windows", Path: "/console/education/windows",
			Roles: []string{identity.RoleEducationAdmin}, mount: mountAdmissionWindows},
		screen{Title: "console.nav.education_lotteries", Path: "/console/education/lotteries",
			Roles: []string{identity.RoleEducationAdmin}, mount: mountEducationLotteries})
}

func mountEducationOffice(h *Console, g screenRoutes) {
	g.GET("/education/applications", h.educationApplications)
	g.POST("/education/applications/:id/decision", h.decideApplication)
	g.POST("/education/schools/:id/seats", h.setSchoolSeats)
}

func mountEducationSchools(h *Console, g screenRoutes) {
	g.GET("/education/schools", h.educationSchools)
	g.POST("/education/schools", h.createSchool)
	g.GET("/education/schools/:id", h.educationSchool)
	g.POST("/education/schools/:id", h.updateSchool)
}

func mountAdmissionWindows(h *Console, g screenRoutes) {
	g.GET("/education/windows", h.admissionWindows)
	g.POST("/education/windows", h.createAdmissionWindow)
}

func mountEducationLotteries(h *Console, g screenRoutes) {
	g.GET("/education/lotteries", h.educationLotteries)
	g.POST("/education/lotteries", h.commitLottery)
	g.POST("/education/lotteries/:id/draw", h.drawLottery)
}

// The choices the education forms offer; the API checks them again.
var (
	educationGrades      = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	educationDecisions   = []string{education.StatusUnderReview, education.StatusAccepted, education.StatusWaitlisted, education.StatusRejected, education.StatusEnrolled}
	applicationStatuses  = []string{education.StatusSubmitted, education.StatusUnderReview, education.StatusAccepted, education.StatusWaitlisted, education.StatusOffered, education.StatusRejected, education.StatusEnrolled, education.StatusWithdrawn}
	schoolLevels         = []string{"primary", "middle", "secondary", "higher_secondary"}
	schoolGenders        = []string{"boys", "girls", "co"}
	educationSchoolQuery = []string{"sector", "level", "gender", "cursor"}
)

// educationApplicationsPage is a school's applications with a decision
// form each, its seats with the form to set them, and its waitlists.
type educationApplicationsPage struct {
	Grade, Status string
	Grades        []int
	Statuses      []string
	School        *education.School
	Year          string
	Applications  education.ApplicationList
	Rows          []applicationRow
	Waitlists     offers.LineList
}

// applicationRow is an application with the decisions the module's rule
// allows from its status, so that the form offers only those.
type applicationRow struct {
	education.Application
	Decisions []string
}

// educationApplications lists the applications of a school (the office's
// own; an education admin names one with school_id) by grade and status.
func (h *Console) educationApplications(c echo.Context) error {
	p := educationApplicationsPage{Grade: c.QueryParam("grade"), Status: c.QueryParam("status"), Grades: educationGrades,
		Statuses: applicationStatuses, Year: education.ComingAcademicYear(h.clock.Now())}
	if err := h.call(c, http.MethodGet, "/admin/education/applications", passQuery(c, "school_id", "grade", "status", "cursor"), nil, &p.Applications); err != nil {
		return err
	}
	for _, a := range p.Applications.Items {
		row := applicationRow{Application: a}
		for _, d := range educationDecisions {
			if education.CheckDecision(a.Status, d) == nil {
				row.Decisions = append(row.Decisions, d)
			}
		}
		p.Rows = append(p.Rows, row)
	}
	school := c.QueryParam("school_id")
	if school == "" {
		school = unitOf(viewerOf(c).account)
	}
	if id, err := uuid.Parse(school); err == nil {
		p.School = &education.School{}
		if err := h.call(c, http.MethodGet, "/education/schools/"+id.String(), nil, nil, p.School); err != nil {
			return err
		}
		p.Year = latestYear(p.School.Seats, p.Year)
		if err := h.call(c, http.MethodGet, "/admin/education/waitlists", url.Values{"school_id": {id.String()}, "limit": {"100"}}, nil, &p.Waitlists); err != nil {
			return err
		}
	}
	return h.render(c, http.StatusOK, "education-applications", p)
}

func (h *Console) decideApplication(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	return h.act(c, http.MethodPost, "/admin/education/applications/"+id+"/decision",
		education.Decision{Decision: c.FormValue("decision"), Note: c.FormValue("note")}, "console.done.decision")
}

func (h *Console) setSchoolSeats(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	return h.act(c, http.MethodPut, "/admin/education/schools/"+id+"/seats", education.SeatsInput{
		AcademicYear: strings.TrimSpace(c.FormValue("academic_year")), Grade: postedInt(c, "grade"), Seats: postedInt(c, "seats"),
	}, "console.done.seats")
}

// educationSchoolsPage is the list of schools with the form to add one.
type educationSchoolsPage struct {
	Sector, Level, Gender string
	Levels, Genders       []string
	Schools               education.SchoolList
}

// educationSchools lists the schools through the public list, filtered by
// sector, level and gender.
func (h *Console) educationSchools(c echo.Context) error {
	p := educationSchoolsPage{Sector: c.QueryParam("sector"), Level: c.QueryParam("level"), Gender: c.QueryParam("gender"),
		Levels: schoolLevels, Genders: schoolGenders}
	if err := h.call(c, http.MethodGet, "/education/schools", passQuery(c, educationSchoolQuery...), nil, &p.Schools); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "education-schools", p)
}

// createSchool adds a school and opens its page.
func (h *Console) createSchool(c echo.Context) error {
	in := education.SchoolInput{Name: c.FormValue("name"), Level: c.FormValue("level"), Gender: c.FormValue("gender"),
		Sector: c.FormValue("sector"), EMISCode: c.FormValue("emis_code")}
	var sc education.School
	if ok, err := h.callOrFlash(c, http.MethodPost, "/admin/education/schools", in, &sc); !ok {
		return err
	}
	h.flash(c, flash{Kind: "ok", Text: i18n.T(langOf(c), "console.done.school_created", nil)})
	return c.Redirect(http.StatusSeeOther, "/console/education/schools/"+sc.ID)
}

// educationSchoolPage is a school with the forms to change it and set its
// seats.
type educationSchoolPage struct {
	School          education.School
	Levels, Genders []string
	Grades          []int
	Year            string
}

func (h *Console) educationSchool(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	p := educationSchoolPage{Levels: schoolLevels, Genders: schoolGenders, Grades: educationGrades, Year: education.ComingAcademicYear(h.clock.Now())}
	if err := h.call(c, http.MethodGet, "/education/schools/"+id, nil, nil, &p.School); err != nil {
		return err
	}
	p.Year = latestYear(p.School.Seats, p.Year)
	return h.render(c, http.StatusOK, "education-school", p)
}

// latestYear is the latest academic year a school has seats in, which the
// seats form offers first; fallback when it has none.
func latestYear(seats []education.Seats, fallback string) string {
	latest := ""
	for _, s := range seats {
		latest = max(latest, s.AcademicYear)
	}
	if latest == "" {
		return fallback
	}
	return latest
}

// updateSchool changes a school's fields as the edit form shows them all.
func (h *Console) updateSchool(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	name, level, gender, sector, emis := c.FormValue("name"), c.FormValue("level"), c.FormValue("gender"), c.FormValue("sector"), c.FormValue("emis_code")
	return h.act(c, http.MethodPatch, "/admin/education/schools/"+id, education.SchoolChange{Name: &name, Level: &level,
		Gender: &gender, Sector: &sector, EMISCode: &emis}, "console.done.school_updated")
}

// admissionWindowsPage is the admission windows with the form to open one.
type admissionWindowsPage struct {
	Windows education.WindowList
	Grades  []int
	Year    string
}

func (h *Console) admissionWindows(c echo.Context) error {
	p := admissionWindowsPage{Grades: educationGrades, Year: education.ComingAcademicYear(h.clock.Now())}
	if err := h.call(c, http.MethodGet, "/admin/education/admission-windows", passQuery(c, "cursor"), nil, &p.Windows); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "education-windows", p)
}

// createAdmissionWindow opens admissions with the age rules of the grades
// whose ages were filled in; opening and closing are Islamabad times.
func (h *Console) createAdmissionWindow(c echo.Context) error {
	in := education.WindowInput{AcademicYear: strings.TrimSpace(c.FormValue("academic_year")),
		OpensAt: postedLocalTime(c, "opens_at"), ClosesAt: postedLocalTime(c, "closes_at"), AgeCutoff: c.FormValue("age_cutoff"), AgeRules: []education.AgeRule{}}
	for _, g := range educationGrades {
		lo, hi := "min_age_"+strconv.Itoa(g), "max_age_"+strconv.Itoa(g)
		if strings.TrimSpace(c.FormValue(lo)) == "" && strings.TrimSpace(c.FormValue(hi)) == "" {
			continue
		}
		in.AgeRules = append(in.AgeRules, education.AgeRule{Grade: g, MinAge: postedInt(c, lo), MaxAge: postedInt(c, hi)})
	}
	return h.act(c, http.MethodPost, "/admin/education/admission-windows", in, "console.done.window_created")
}

// postedLocalTime reads a datetime-local field as Islamabad time; one that
// is not a time is left zero, for the API to refuse.
func postedLocalTime(c echo.Context, name string) time.Time {
	t, err := time.ParseInLocation("2006-01-02T15:04", c.FormValue(name), domain.Karachi)
	if err != nil {
		return time.Time{}
	}
	return t
}

// educationLotteriesPage is the lotteries, one school's when it is named,
// with the form to commit one for that school.
type educationLotteriesPage struct {
	School    *education.School
	Names     map[string]string // school names by ID
	Grades    []int
	Year      string
	Lotteries education.LotteryList
}

func (h *Console) educationLotteries(c echo.Context) error {
	p := educationLotteriesPage{Names: map[string]string{}, Grades: educationGrades, Year: education.ComingAcademicYear(h.clock.Now())}
	if err := h.call(c, http.MethodGet, "/admin/education/lotteries", passQuery(c, "school_id", "cursor"), nil, &p.Lotteries); err != nil {
		return err
	}
	if id, err := uuid.Parse(c.QueryParam("school_id")); err == nil {
		p.School = &education.School{}
		if err := h.call(c, http.MethodGet, "/education/schools/"+id.String(), nil, nil, p.School); err != nil {
			return err
		}
		p.Names[id.String()] = p.School.Name
	}
	// The list names schools by ID; a page names at most a few.
	for _, l := range p.Lotteries.Items {
		if _, ok := p.Names[l.SchoolID]; !ok {
			var sc education.School
			if err := h.call(c, http.MethodGet, "/education/schools/"+l.SchoolID, nil, nil, &sc); err != nil {
				return err
			}
			p.Names[l.SchoolID] = sc.Name
		}
	}
	return h.render(c, http.StatusOK, "education-lotteries", p)
}

// lotterySeedPage shows a seed the console made, once, beside the lottery
// committed to it.
type lotterySeedPage struct {
	Seed    string
	Lottery education.Lottery
}

// commitLottery commits a lottery to the commitment given or, when none
// is, to a random seed the console makes and shows once: the console keeps
// no seed, so the administrator must keep it until the draw.
func (h *Console) commitLottery(c echo.Context) error {
	in := education.LotteryInput{SchoolID: c.FormValue("school_id"), AcademicYear: strings.TrimSpace(c.FormValue("academic_year")),
		Grade: postedInt(c, "grade"), Commitment: strings.TrimSpace(c.FormValue("commitment"))}
	seed := ""
	if in.Commitment == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		seed = hex.EncodeToString(b)
		in.Commitment = education.Commitment(seed)
	}
	var l education.Lottery
	if ok, err := h.callOrFlash(c, http.MethodPost, "/admin/education/lotteries", in, &l); !ok {
		return err
	}
	if seed != "" {
		return h.render(c, http.StatusOK, "education-lottery-seed", lotterySeedPage{Seed: seed, Lottery: l})
	}
	h.flash(c, flash{Kind: "ok", Text: i18n.T(langOf(c), "console.done.lottery_committed", nil)})
	return c.Redirect(http.StatusSeeOther, localPath(c.FormValue("back"), "/console/education/lotteries"))
}

func (h *Console) drawLottery(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	return h.act(c, http.MethodPost, "/admin/education/lotteries/"+id+"/draw",
		education.DrawInput{Seed: strings.TrimSpace(c.FormValue("seed"))}, "console.done.lottery_drawn")
}
