package console

import (
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Deps are what the console is built on.
type Deps struct {
	// API serves the API routes the console calls in process.
	API http.Handler
	// Identity opens console sessions' access tokens.
	Identity *identity.Service
	Clock    domain.Clock
	Log      *slog.Logger
	// Secure marks the cookies Secure and __Host- (outside development).
	Secure bool
}

// Console is the staff console's handlers and templates.
type Console struct {
	api      http.Handler
	identity *identity.Service
	clock    domain.Clock
	log      *slog.Logger
	secure   bool
	pages    map[string]*template.Template
}

// New parses the templates and returns the console.
func New(d Deps) (*Console, error) {
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	return &Console{api: d.API, identity: d.Identity, clock: d.Clock, log: d.Log, secure: d.Secure, pages: pages}, nil
}

// parsePages parses each page template with the layout it fills.
func parsePages() (map[string]*template.Template, error) {
	layout, err := template.ParseFS(templateFiles, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("console layout: %w", err)
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		if path.Base(name) == "layout.html" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFiles, name)
		if err != nil {
			return nil, fmt.Errorf("console page %s: %w", name, err)
		}
		pages[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	return pages, nil
}

// Mount registers the console's routes on e under /console/.
func (h *Console) Mount(e *echo.Echo) {
	e.GET("/console", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/console/") })
	g := e.Group("/console", h.headers, h.htmlErrors)
	static, _ := fs.Sub(staticFiles, "static")
	g.GET("/static/*", echo.WrapHandler(http.StripPrefix("/console/static/", http.FileServer(http.FS(static)))), cacheStatic)
	g.GET("/language/:lang", h.setLanguage)
	g.GET("/sign-in", h.signInForm)
	g.POST("/sign-in", h.signIn, h.checkCSRF)

	s := g.Group("", h.signedIn, h.checkCSRF)
	s.GET("/", h.home)
	s.POST("/sign-out", h.signOut)
	for _, sc := range screens {
		sc.mount(h, screenRoutes{group: s, only: h.forRoles(slices.Concat(sc.Roles, sc.Also))})
	}
}

// forRoles keeps a screen's pages to the roles it serves, so that nobody
// is shown forms the API would refuse them. The API still decides every
// read and write.
func (h *Console) forRoles(roles []string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !holds(viewerOf(c).account, roles...) {
				return h.render(c, http.StatusForbidden, "error", errorPage{Message: i18n.T(langOf(c), "console.not_your_screen", nil)})
			}
			return next(c)
		}
	}
}

// headers set the console's security headers: scripts, styles and images
// from the console itself only, no inline script, no framing, and forms
// that post nowhere else.
func (h *Console) headers(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		hd := c.Response().Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
			"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("Cache-Control", "no-store")
		return next(c)
	}
}

func cacheStatic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "public, max-age=3600")
		return next(c)
	}
}

// htmlErrors answers a console error with a page instead of problem+json:
// the API's refusal with its own status and message, a closed session by
// signing in again, anything else as an internal error, logged.
func (h *Console) htmlErrors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err == nil || c.Response().Committed {
			return err
		}
		var refused *refusal
		var he *echo.HTTPError
		switch {
		case errors.As(err, &refused) && refused.Status == http.StatusUnauthorized:
			c.SetCookie(h.cookie(h.sessionCookie(), "", -1))
			return h.toSignIn(c, "console.session_ended")
		case errors.As(err, &refused):
			return h.render(c, refused.Status, "error", errorPage{Title: refused.Problem.Title, Message: refused.Problem.Detail, Fields: refused.Problem.Errors})
		case errors.As(err, &he) && he.Code < 500:
			return h.render(c, he.Code, "error", errorPage{Message: i18n.T(langOf(c), "console.not_found", nil)})
		}
		h.log.Error("console", "path", c.Request().URL.Path, "err", err)
		return h.render(c, http.StatusInternalServerError, "error", errorPage{Message: i18n.T(langOf(c), "problem.internal.detail", nil)})
	}
}

// langCookie keeps the language a staff member chose.
const langCookie = "console-lang"

// langOf is the request's language: the one chosen in the console, else
// the browser's.
func langOf(c echo.Context) string {
	if ck, err := c.Cookie(langCookie); err == nil && (ck.Value == i18n.Urdu || ck.Value == i18n.English) {
		return ck.Value
	}
	return i18n.Negotiate(c.Request().Header.Get("Accept-Language"))
}

// setLanguage remembers the chosen language and returns to the page.
func (h *Console) setLanguage(c echo.Context) error {
	lang := c.Param("lang")
	if lang != i18n.Urdu && lang != i18n.English {
		return echo.ErrNotFound
	}
	ck := h.cookie(langCookie, lang, 365*24*60*60)
	c.SetCookie(ck)
	return c.Redirect(http.StatusSeeOther, localPath(c.QueryParam("next"), "/console/"))
}

// localPath returns p when it is a path of the console, else fallback, so
// that no link or form can send a browser elsewhere.
func localPath(p, fallback string) string {
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/console/") ||
		strings.Contains(p, "//") || strings.Contains(p, "\\") {
		return fallback
	}
	return u.RequestURI()
}

// flash is a message shown once, on the page a form returns to.
type flash struct {
	Kind   string `json:"k"` // "ok" or "error"
	Text   string `json:"t"`
	Fields []fieldError
}

type fieldError struct {
	Field   string `json:"f"`
	Message string `json:"m"`
}

const flashCookie = "console-flash"

func (h *Console) flash(c echo.Context, f flash) {
	raw, _ := json.Marshal(f)
	if len(raw) > 3000 {
		f.Fields, f.Text = nil, f.Text[:min(len(f.Text), 1000)]
		raw, _ = json.Marshal(f)
	}
	c.SetCookie(h.cookie(flashCookie, base64.RawURLEncoding.EncodeToString(raw), 60))
}

// takeFlash returns the message a redirect left, and forgets it.
func (h *Console) takeFlash(c echo.Context) *flash {
	ck, err := c.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	c.SetCookie(h.cookie(flashCookie, "", -1))
	raw, err := base64.RawURLEncoding.DecodeString(ck.Value)
	var f flash
	if err != nil || json.Unmarshal(raw, &f) != nil || f.Text == "" {
		return nil
	}
	return &f
}

// refused leaves the API's refusal to be shown on the next page.
func (h *Console) refused(c echo.Context, r *refusal) {
	f := flash{Kind: "error", Text: r.Problem.Detail}
	for _, fe := range r.Problem.Errors {
		f.Fields = append(f.Fields, fieldError{Field: fe.Field, Message: fe.Message})
	}
	h.flash(c, f)
}

// asRefusal returns the API's refusal of what the staff member sent, for
// the page to show beside its form. A closed session, a failure of the
// API's own and any other error are returned as errors, for htmlErrors.
func asRefusal(err error) (*refusal, error) {
	var r *refusal
	if errors.As(err, &r) && r.Status != http.StatusUnauthorized && r.Status < 500 {
		return r, nil
	}
	return nil, err
}

// dayStart returns the start of the Islamabad day days after date, in RFC
// 3339, or date itself when it is not a date, for the API to refuse with
// its own message.
func dayStart(date string, days int) string {
	if date == "" {
		return ""
	}
	d, err := time.ParseInLocation(time.DateOnly, date, domain.Karachi)
	if err != nil {
		return date
	}
	return d.AddDate(0, 0, days).Format(time.RFC3339)
}

// act sends a form's change to the API and returns to the form's page,
// where the API's refusal, or the notice done, is shown.
func (h *Console) act(c echo.Context, method, apiPath string, body any, done string) error {
	back := localPath(c.FormValue("back"), "/console/")
	refused, err := asRefusal(h.call(c, method, apiPath, nil, body, nil))
	if refused != nil {
		h.refused(c, refused)
		return c.Redirect(http.StatusSeeOther, back)
	} else if err != nil {
		return err
	}
	h.flash(c, flash{Kind: "ok", Text: i18n.T(langOf(c), done, nil)})
	return c.Redirect(http.StatusSeeOther, back)
}

// idParam returns the path parameter name when it is a UUID; anything
// else is not a page.
func idParam(c echo.Context, name string) (string, error) {
	id, err := uuid.Parse(c.Param(name))
	if err != nil {
		return "", echo.ErrNotFound
	}
	return id.String(), nil
}

// holds reports whether the account holds one of roles.
func holds(acc identity.Account, roles ...string) bool {
	for _, r := range acc.Roles {
		if slices.Contains(roles, r.Role) {
			return true
		}
	}
	return false
}

// home lists the screens of the staff member's roles.
func (h *Console) home(c echo.Context) error {
	return h.render(c, http.StatusOK, "home", nil)
}

// errorPage is what an error page shows.
type errorPage struct {
	Title   string // the problem's title; a general one when empty
	Message string
	Fields  []web.FieldError
}
