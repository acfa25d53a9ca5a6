package console

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
)

// screen is one screen of the console: its place in the menu, the roles
// it is shown to, and its routes. The menu is a convenience; the API
// decides what each role may read and do there.
type screen struct {
	Title string // text key
	Path  string
	Roles []string
	// Also are roles that open the screen's pages from another screen's
	// links (an administrator's view of one facility's day), without a
	// place in their menu.
	Also  []string
	mount func(h *Console, g screenRoutes)
}

// screenRoutes registers a screen's routes, each behind the screen's
// roles.
type screenRoutes struct {
	group *echo.Group
	only  echo.MiddlewareFunc
}

// GET registers a page of the screen.
func (r screenRoutes) GET(path string, h echo.HandlerFunc) { r.group.GET(path, h, r.only) }

// POST registers a form of the screen.
func (r screenRoutes) POST(path string, h echo.HandlerFunc) { r.group.POST(path, h, r.only) }

// screens lists every screen, in menu order.
var screens []screen

// view is what every page template gets: the page's own data and what
// the layout shows around it.
type view struct {
	Lang   string
	Viewer *identity.Account
	CSRF   string
	Menu   []screen
	Flash  *flash
	// Here is the page's own address, where its forms return to.
	Here string
	Data any
}

// render writes the page name with data at status.
func (h *Console) render(c echo.Context, status int, name string, data any) error {
	v := view{Lang: langOf(c), CSRF: viewerOf(c).csrf, Flash: h.takeFlash(c), Here: c.Request().URL.RequestURI(), Data: data}
	if acc := viewerOf(c).account; acc.ID != "" {
		v.Viewer = &acc
		for _, s := range screens {
			if holds(acc, s.Roles...) {
				v.Menu = append(v.Menu, s)
			}
		}
	}
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// Dir is the page's writing direction.
func (v view) Dir() string {
	if v.Lang == i18n.Urdu {
		return "rtl"
	}
	return "ltr"
}

// T returns the text of key in the page's language; pairs fill its
// placeholders, name then value.
func (v view) T(key string, pairs ...any) string {
	var params map[string]string
	if len(pairs) > 0 {
		params = map[string]string{}
		for i := 0; i+1 < len(pairs); i += 2 {
			params[fmt.Sprint(pairs[i])] = fmt.Sprint(pairs[i+1])
		}
	}
	return i18n.T(v.Lang, key, params)
}

// Word returns the text of a status, kind or role value under group
// ("status", "role", ...), or the value itself when it has none.
func (v view) Word(group, value string) string {
	key := "console." + group + "." + value
	if !i18n.Has(key) {
		return value
	}
	return i18n.T(v.Lang, key, nil)
}

// Time, Date and When show instants in Islamabad's time.
func (v view) Time(t time.Time) string { return t.In(domain.Karachi).Format("15:04") }
func (v view) Date(t time.Time) string { return t.In(domain.Karachi).Format("2006-01-02") }
func (v view) When(t time.Time) string { return t.In(domain.Karachi).Format("2006-01-02 15:04") }

// Next is the address of the page after this one, for a list whose
// next_cursor is cursor; empty at the end of the list.
func (v view) Next(cursor *string) string {
	if cursor == nil || *cursor == "" {
		return ""
	}
	u, err := url.Parse(v.Here)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("cursor", *cursor)
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

// First is the address of this list's first page, when this is not it.
func (v view) First() string {
	u, err := url.Parse(v.Here)
	if err != nil || !u.Query().Has("cursor") {
		return ""
	}
	q := u.Query()
	q.Del("cursor")
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

// Current reports whether the page is the screen at p.
func (v view) Current(p string) bool { return strings.HasPrefix(v.Here, p) }

// pager is what the pager under a list shows: links to the next page and
// back to the first.
type pager struct {
	view
	Next, Back string
}

// Pager returns the pager of a list whose next_cursor is cursor.
func (v view) Pager(cursor *string) pager {
	return pager{view: v, Next: v.Next(cursor), Back: v.First()}
}

// Has reports whether the staff member holds one of roles.
func (v view) Has(roles ...string) bool { return v.Viewer != nil && holds(*v.Viewer, roles...) }

// action is a one-button form of a row: it posts Value for the row ID,
// under the text Label.
type action struct {
	view
	ID, Value, Label string
}

// Action returns a row's one-button form.
func (v view) Action(id, value, label string) action {
	return action{view: v, ID: id, Value: value, Label: label}
}
