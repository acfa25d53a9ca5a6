package integrations

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/web"
)

// Handler serves the integrations module over HTTP.
type Handler struct {
	svc *Service
}

// NewHandler returns a Handler for svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// ClientList is a page of clients.
type ClientList struct {
	Items      []Client `json:"items"`
	NextCursor *string  `json:"next_cursor"`
} // @name IntegrationClientList

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

// createClient godoc
//
//	@Summary		Register a third-party client
//	@Description	The client_secret is shown once and stored hashed. health.appointments:read needs unit_id (the facility the client serves).
//	@ID				createClient
//	@Tags			administration
//	@Accept			json
//	@Produce		json
//	@Param			body	body		NewClient	true	"the client"
//	@Success		201		{object}	ClientWithSecret
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/clients [post]
func (h *Handler) createClient(c echo.Context) error {
	var in NewClient
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	cl, err := h.svc.CreateClient(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, cl)
}

// listClients godoc
//
//	@Summary		List third-party clients
//	@Description	Every registered third-party client, oldest first, with its scopes, unit and rate limit; never its secret.
//	@ID				listClients
//	@Tags			administration
//	@Produce		json
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	ClientList
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/clients [get]
func (h *Handler) listClients(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Clients(c.Request().Context(), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ClientList{Items: res.Items, NextCursor: res.NextCursor})
}

// revokeClient godoc
//
//	@Summary		Revoke a client
//	@Description	Its tokens stop working at once.
//	@ID				revokeClient
//	@Tags			administration
//	@Param			id	path	string	true	"client ID"	format(uuid)
//	@Success		204
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Failure		403	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/clients/{id} [delete]
func (h *Handler) revokeClient(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.svc.RevokeClient(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// rotateSecret godoc
//
//	@Summary		Rotate a client's secret
//	@Description	The new secret is shown once; the old one stops working at once.
//	@ID				rotateClientSecret
//	@Tags			administration
//	@Produce		json
//	@Param			id	path		string	true	"client ID"	format(uuid)
//	@Success		200	{object}	ClientWithSecret
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Failure		403	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/clients/{id}/secret [post]
func (h *Handler) rotateSecret(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	cl, err := h.svc.RotateSecret(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cl)
}
