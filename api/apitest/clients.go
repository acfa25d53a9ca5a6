package apitest

import (
	"net/http"
	"net/url"

	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/integrations"
)

// Client is a registered third-party client with a token.
type Client struct {
	ID     string
	Secret string
	Token  string
}

// NewClient registers a client with scopes (bound to unit when given)
// through the admin API and gets it a token by client credentials.
func (a *App) NewClient(scopes []string, unit string) *Client {
	a.t.Helper()
	admin := a.Admin(identity.RoleAdmin)
	body := map[string]any{"name": "Test client", "owner_contact": "ops@client.test", "scopes": scopes}
	if unit != "" {
		body["unit_id"] = unit
	}
	r := a.Post("/api/v1/admin/clients", admin.Token, body)
	if r.Status != http.StatusCreated {
		a.t.Fatalf("create client: %d %s", r.Status, r.Body)
	}
	var created integrations.ClientWithSecret
	r.JSON(a.t, &created)
	return &Client{ID: created.ID, Secret: created.Secret, Token: a.ClientToken(created.ID, created.Secret, "")}
}

// ClientToken runs the client-credentials grant with the form and returns
// the access token.
func (a *App) ClientToken(id, secret, scope string) string {
	a.t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
	if scope != "" {
		form.Set("scope", scope)
	}
	r := a.Do(Request{Method: http.MethodPost, Path: "/api/v1/oauth/token", Body: form.Encode(),
		Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
	if r.Status != http.StatusOK {
		a.t.Fatalf("client token: %d %s", r.Status, r.Body)
	}
	var res integrations.TokenResponse
	r.JSON(a.t, &res)
	return res.AccessToken
}
