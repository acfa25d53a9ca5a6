package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/islamabad-digital/citizenapi/api/apitest"
)

// TestSwaggerUIAuthorizes opens Swagger UI in a real browser as a newcomer
// would: /swagger/ shows the OpenAPI 3 document; Authorize fetches a
// client-credentials token with a client's ID and secret; a bare access
// token pasted into the bearer field calls GET /me with 200.
func TestSwaggerUIAuthorizes(t *testing.T) {
	app := apitest.New(t)
	ctx := apitest.Browser(t)
	client := app.NewClient([]string{"health.slots:read"}, "")
	citizen := app.NewCitizen()

	const bearer, oauth2 = ".auth-container:nth-of-type(1)", ".auth-container:nth-of-type(2)"
	err := chromedp.Do(ctx,
		chromedp.Navigate(app.URL+"/swagger/"),
		chromedp.WaitVisible(chromedp.CSS(".info .title")),
		chromedp.Click(chromedp.CSS(".btn.authorize")),
		chromedp.SendKeys(chromedp.CSS(oauth2+" #client_id"), client.ID),
		chromedp.SendKeys(chromedp.CSS(oauth2+" #client_secret"), client.Secret),
		chromedp.Click(chromedp.CSS(oauth2+" .btn.modal-btn.auth.authorize")),
	)
	if err != nil {
		t.Fatal(err)
	}
	// Swagger UI shows Logout once its token request succeeded, an error otherwise.
	state, err := chromedp.Run(ctx, chromedp.Poll[string](`(() => {
		const box = document.querySelectorAll(".auth-container")[1];
		if (box.querySelector(".errors")) return "error: " + box.querySelector(".errors").innerText;
		return [...box.querySelectorAll("button")].some(b => b.innerText.trim() === "Logout") ? "authorized" : "";
	})()`, chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil || state != "authorized" {
		t.Fatalf("OAuth2 client credentials in Swagger UI: %q %v", state, err)
	}

	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(bearer+` input[aria-label="auth-bearer-value"]`), citizen.Token),
		chromedp.Click(chromedp.CSS(bearer+" .btn.modal-btn.auth.authorize")),
		chromedp.Click(chromedp.CSS(".btn-done")),
		chromedp.Click(chromedp.CSS("#operations-identity-getMe .opblock-summary")),
		chromedp.Click(chromedp.CSS("#operations-identity-getMe .try-out__btn")),
		chromedp.Click(chromedp.CSS("#operations-identity-getMe .execute")),
		chromedp.WaitVisible(chromedp.CSS("#operations-identity-getMe .live-responses-table tbody .response-col_status")),
	)
	if err != nil {
		t.Fatal(err)
	}
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#operations-identity-getMe .live-responses-table tbody .response-col_status")))
	if err != nil || !strings.HasPrefix(strings.TrimSpace(status), "200") {
		t.Fatalf("GET /me from Swagger UI with the pasted token answered %q (%v), want 200", status, err)
	}
}
