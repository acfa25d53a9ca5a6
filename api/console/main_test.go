package console_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/islamabad-digital/citizenapi/api/apitest"
)

func TestMain(m *testing.M) { apitest.Main(m) }

// signIn opens the console's sign-in page in the browser and signs in as
// email with the test staff password, then waits for the home page.
func signIn(t *testing.T, ctx context.Context, app *apitest.App, email string) {
	t.Helper()
	open(t, ctx, app, "/console/")
	fill(t, ctx, "#username", email)
	fill(t, ctx, "#password", apitest.StaffPassword)
	click(t, ctx, `form button[type="submit"]`)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`form.sign-out`))); err != nil {
		t.Fatalf("sign in as %s: %v (page: %s)", email, err, pageText(ctx))
	}
}

// open navigates to a console path and waits for its heading.
func open(t *testing.T, ctx context.Context, app *apitest.App, path string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(app.URL+path), chromedp.WaitVisible(chromedp.CSS(`main h1`))); err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
}

// fill types value into the empty field sel.
func fill(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Clear(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), value)); err != nil {
		t.Fatalf("fill %s: %v (page: %s)", sel, err, pageText(ctx))
	}
}

// click clicks sel and waits for the page it leads to.
func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.consoleStale = true`),
		chromedp.Click(chromedp.CSS(sel)))
	if err == nil {
		err = waitNewPage(ctx)
	}
	if err != nil {
		t.Fatalf("click %s: %v (page: %s)", sel, err, pageText(ctx))
	}
}

// waitNewPage waits until the page that had window.consoleStale set was
// replaced by a loaded one. Asking while the browser navigates fails, so
// it asks again until the deadline.
func waitNewPage(ctx context.Context) error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!window.consoleStale && document.readyState === "complete" && !!document.querySelector("main h1")`))
		if err == nil && done {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no new page after 20 s (last error: %v)", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// openDetails opens the <details> sel, which holds a form, and waits for
// the form: typing into it before it shows would race its DOM events.
func openDetails(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel+" summary")), chromedp.WaitVisible(chromedp.CSS(sel+" button"))); err != nil {
		t.Fatalf("open %s: %v", sel, err)
	}
}

// text returns the visible text of sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("read %s: %v (page: %s)", sel, err, pageText(ctx))
	}
	return strings.TrimSpace(s)
}

// flash returns the text of the page's notice, or "" when it has none.
func flash(ctx context.Context) string {
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(".flash") || {innerText: ""}).innerText`))
	return strings.TrimSpace(s)
}

func pageText(ctx context.Context) string {
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	return s
}

// screenshot saves the page as docs/console/name.png (a PNG) when
// CONSOLE_SCREENSHOTS names the directory to write to (make
// console-screenshots does).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("CONSOLE_SCREENSHOTS")
	if dir == "" {
		return
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o600); err != nil {
		t.Fatal(err)
	}
}
