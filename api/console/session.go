package console

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
)

// SessionTTL is how long a console session lasts after signing in: a
// working day, after which the staff member signs in again.
const SessionTTL = 12 * time.Hour

// viewer is the signed-in staff member of a request.
type viewer struct {
	account identity.Account
	token   string // an access token of the session, for calls to the API
	csrf    string
}

const viewerKey = "console.viewer"

func viewerOf(c echo.Context) viewer {
	v, _ := c.Get(viewerKey).(viewer)
	return v
}

// Cookie names. Outside development the session cookie takes the __Host-
// prefix, which browsers accept only when Secure, on the whole host and
// without a Domain, so no other site or subdomain can set it.
func (h *Console) sessionCookie() string {
	if h.secure {
		return "__Host-console-session"
	}
	return "console-session"
}

// cookie returns a console cookie: HttpOnly, SameSite=Strict, and Secure
// outside development, which serves plain http on the developer's machine.
func (h *Console) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{ // #nosec G124 -- Secure is h.secure: on everywhere but development
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteStrictMode}
}

// csrfFor derives a session's CSRF token from its secret: a page of the
// session can carry it, another site cannot compute it, and every
// instance derives the same one.
func csrfFor(secret string) string {
	sum := sha256.Sum256([]byte("citizenapi console csrf\x00" + secret))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// signedIn admits a request with a live console session and puts its
// viewer on the context; without one, a page sends the browser to sign in.
func (h *Console) signedIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.SetRequest(c.Request().WithContext(db.OnPrimary(c.Request().Context())))
		ck, err := c.Cookie(h.sessionCookie())
		if err != nil || ck.Value == "" {
			return h.toSignIn(c, "")
		}
		s, err := h.identity.StaffSession(c.Request().Context(), ck.Value, SessionTTL)
		if domain.IsKind(err, domain.Unauthenticated) {
			c.SetCookie(h.cookie(h.sessionCookie(), "", -1))
			return h.toSignIn(c, "console.session_ended")
		} else if err != nil {
			return err
		}
		c.Set(viewerKey, viewer{account: s.Account, token: s.AccessToken, csrf: csrfFor(ck.Value)})
		return next(c)
	}
}

// toSignIn sends the browser to the sign-in page, saying why when note
// names a text.
func (h *Console) toSignIn(c echo.Context, note string) error {
	if note != "" {
		h.flash(c, flash{Kind: "error", Text: i18n.T(langOf(c), note, nil)})
	}
	return c.Redirect(http.StatusSeeOther, "/console/sign-in")
}

// checkCSRF refuses a form post that does not carry the token of its
// session, or of the sign-in page's cookie before there is a session, and
// one a browser says came from another site.
func (h *Console) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method != http.MethodPost {
			return next(c)
		}
		want := viewerOf(c).csrf
		if want == "" {
			if ck, err := c.Cookie(preSessionCookie); err == nil {
				want = ck.Value
			}
		}
		site := c.Request().Header.Get("Sec-Fetch-Site")
		got := c.FormValue("csrf")
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 || (site != "" && site != "same-origin" && site != "none") {
			return h.render(c, http.StatusForbidden, "error", errorPage{Message: i18n.T(langOf(c), "console.csrf_refused", nil)})
		}
		return next(c)
	}
}

// preSessionCookie holds the sign-in form's CSRF token (a double-submit
// cookie), since there is no session yet to derive one from.
const preSessionCookie = "console-signin"

// signInForm shows the sign-in page.
func (h *Console) signInForm(c echo.Context) error {
	token := ""
	if ck, err := c.Cookie(preSessionCookie); err == nil && len(ck.Value) == 43 {
		token = ck.Value
	} else {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		token = base64.RawURLEncoding.EncodeToString(b)
		c.SetCookie(h.cookie(preSessionCookie, token, int(time.Hour/time.Second)))
	}
	c.Set(viewerKey, viewer{csrf: token})
	return h.render(c, http.StatusOK, "sign-in", signInPage{Username: c.QueryParam("username"), AskCode: c.QueryParam("code") != ""})
}

// signInPage is what the sign-in page shows.
type signInPage struct {
	Username string
	AskCode  bool
}

// signIn signs the staff member in through the API's own sign-in, so the
// same throttles, pauses, answers and audit apply, and opens a console
// session on it. A citizen's session is closed again at once: the console
// is for staff.
func (h *Console) signIn(c echo.Context) error {
	creds := identity.Credentials{Username: strings.TrimSpace(c.FormValue("username")), Password: c.FormValue("password"), Code: strings.TrimSpace(c.FormValue("code"))}
	back := "/console/sign-in?username=" + url.QueryEscape(creds.Username)
	var pair identity.TokenPair
	err := h.call(c, http.MethodPost, "/auth/login", nil, creds, &pair)
	var refused *refusal
	if errors.As(err, &refused) {
		h.refused(c, refused)
		if refused.Status == http.StatusTooManyRequests || creds.Code != "" {
			back += "&code=1"
		}
		return c.Redirect(http.StatusSeeOther, back)
	} else if err != nil {
		return err
	}
	if _, err := h.identity.StaffSession(c.Request().Context(), pair.RefreshToken, SessionTTL); err != nil {
		c.Set(viewerKey, viewer{token: pair.AccessToken})
		if err := h.call(c, http.MethodPost, "/auth/logout", nil, map[string]string{"refresh_token": pair.RefreshToken}, nil); err != nil {
			return err
		}
		h.flash(c, flash{Kind: "error", Text: i18n.T(langOf(c), "console.staff_only", nil)})
		return c.Redirect(http.StatusSeeOther, back)
	}
	c.SetCookie(h.cookie(preSessionCookie, "", -1))
	c.SetCookie(h.cookie(h.sessionCookie(), pair.RefreshToken, int(SessionTTL/time.Second)))
	return c.Redirect(http.StatusSeeOther, "/console/")
}

// signOut closes the session through the API, so that the cookie is
// worthless even if it was copied, and forgets it.
func (h *Console) signOut(c echo.Context) error {
	ck, err := c.Cookie(h.sessionCookie())
	if err != nil {
		return err
	}
	if err := h.call(c, http.MethodPost, "/auth/logout", nil, map[string]string{"refresh_token": ck.Value}, nil); err != nil {
		return err
	}
	c.SetCookie(h.cookie(h.sessionCookie(), "", -1))
	h.flash(c, flash{Kind: "ok", Text: i18n.T(langOf(c), "console.signed_out", nil)})
	return c.Redirect(http.StatusSeeOther, "/console/sign-in")
}
