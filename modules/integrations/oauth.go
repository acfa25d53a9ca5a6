package integrations

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/token"
)

// TokenResponse is a successful client-credentials answer (RFC 6749 §5.1).
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type" example:"Bearer"`
	ExpiresIn   int    `json:"expires_in" example:"3600"`
	Scope       string `json:"scope" example:"health.slots:read webhooks:manage"`
} // @name TokenResponse

// TokenError is an RFC 6749 §5.2 error answer.
type TokenError struct {
	Error       string `json:"error" enums:"invalid_request,invalid_client,invalid_grant,unauthorized_client,unsupported_grant_type,invalid_scope"`
	Description string `json:"error_description,omitempty"`
} // @name TokenError

// issueToken runs the client-credentials grant. It returns the error code
// and description of RFC 6749 §5.2 when it refuses.
func (s *Service) issueToken(ctx context.Context, clientID, secret, scope string) (TokenResponse, *TokenError, error) {
	row, ok, err := s.authenticate(ctx, clientID, secret)
	if err != nil {
		return TokenResponse{}, nil, err
	}
	if !ok {
		return TokenResponse{}, &TokenError{Error: "invalid_client", Description: "unknown client, wrong secret, or a revoked client"}, nil
	}
	granted := strings.Fields(row.Scopes)
	scopes := granted
	if scope != "" {
		allowed := map[string]bool{}
		for _, sc := range granted {
			allowed[sc] = true
		}
		scopes = strings.Fields(scope)
		for _, sc := range scopes {
			if !allowed[sc] {
				return TokenResponse{}, &TokenError{Error: "invalid_scope", Description: "the client was not granted " + sc}, nil
			}
		}
	}
	joined := strings.Join(scopes, " ")
	raw, _, err := s.Signer.Issue(token.TypeAccess, row.ID, Audience, ClientTokenTTL, token.Claims{Kind: "client", Scope: joined})
	if err != nil {
		return TokenResponse{}, nil, err
	}
	return TokenResponse{AccessToken: raw, TokenType: "Bearer", ExpiresIn: int(ClientTokenTTL.Seconds()), Scope: joined}, nil, nil
}

// token godoc
//
//	@Summary		Get a client access token
//	@Description	RFC 6749 §4.4 client credentials. Form-encoded `grant_type=client_credentials`, with `client_id` and `client_secret` by HTTP Basic or in the form, and optionally `scope` (a subset of the client's scopes). No refresh token. Errors are RFC 6749 §5.2 JSON.
//	@ID				oauthToken
//	@Tags			integrations
//	@Accept			x-www-form-urlencoded
//	@Produce		json
//	@Param			grant_type		formData	string	true	"client_credentials"
//	@Param			client_id		formData	string	false	"client ID, if not sent by HTTP Basic"
//	@Param			client_secret	formData	string	false	"client secret, if not sent by HTTP Basic"
//	@Param			scope			formData	string	false	"space-separated scopes to ask for"
//	@Success		200				{object}	TokenResponse
//	@Failure		400				{object}	TokenError
//	@Failure		401				{object}	TokenError
//	@Failure		413				{object}	TokenError
//	@Router			/api/v1/oauth/token [post]
func (h *Handler) token(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().Header().Set("Pragma", "no-cache")
	refuse := func(status int, code, description string) error {
		if status == http.StatusUnauthorized {
			c.Response().Header().Set("WWW-Authenticate", `Basic realm="citizenapi"`)
		}
		return c.JSON(status, TokenError{Error: code, Description: description})
	}
	// This route owns its Authorization header: a bearer token or anything
	// else but HTTP Basic credentials is an authentication it does not take.
	auth := c.Request().Header.Values(echo.HeaderAuthorization)
	if _, _, basic := c.Request().BasicAuth(); len(auth) > 1 || len(auth) == 1 && !basic {
		return refuse(http.StatusUnauthorized, "invalid_client", "the Authorization header must hold HTTP Basic client credentials")
	}
	if ct := c.Request().Header.Get(echo.HeaderContentType); !strings.HasPrefix(ct, echo.MIMEApplicationForm) {
		return refuse(http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
	}
	form, err := c.FormParams()
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return refuse(http.StatusRequestEntityTooLarge, "invalid_request", "the form is larger than the body limit")
	}
	if err != nil {
		return refuse(http.StatusBadRequest, "invalid_request", "the form could not be read")
	}
	for _, name := range []string{"grant_type", "client_id", "client_secret", "scope"} {
		if len(form[name]) > 1 {
			return refuse(http.StatusBadRequest, "invalid_request", name+" is repeated")
		}
	}
	switch form.Get("grant_type") {
	case "":
		return refuse(http.StatusBadRequest, "invalid_request", "grant_type is required")
	case "client_credentials":
	default:
		return refuse(http.StatusBadRequest, "unsupported_grant_type", "only client_credentials is supported")
	}
	id, secret, basic := basicCredentials(c.Request())
	if basic && (form.Get("client_id") != "" || form.Get("client_secret") != "") {
		return refuse(http.StatusBadRequest, "invalid_request", "send the client credentials one way only")
	}
	if !basic {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	if id == "" || secret == "" {
		return refuse(http.StatusUnauthorized, "invalid_client", "client authentication is required")
	}
	res, refusal, err := h.svc.issueToken(c.Request().Context(), id, secret, form.Get("scope"))
	if err != nil {
		return err
	}
	if refusal != nil {
		status := http.StatusBadRequest
		if refusal.Error == "invalid_client" {
			status = http.StatusUnauthorized
		}
		return refuse(status, refusal.Error, refusal.Description)
	}
	return c.JSON(http.StatusOK, res)
}

// basicCredentials reads HTTP Basic client credentials, which RFC 6749
// §2.3.1 form-encodes before base64.
func basicCredentials(r *http.Request) (string, string, bool) {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return "", "", false
	}
	id, err1 := url.QueryUnescape(user)
	secret, err2 := url.QueryUnescape(pass)
	if err1 != nil || err2 != nil {
		return "", "", true
	}
	return id, secret, true
}
