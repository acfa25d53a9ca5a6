package api_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/platform/db/dbtest"
)

// TestShutdownFailsReadinessAndFinishesRequests stops a listening server
// while a slow request is in flight: readiness must fail during the drain,
// the slow request must complete, and Run must return cleanly.
func TestShutdownFailsReadinessAndFinishesRequests(t *testing.T) {
	d := dbtest.Open(t)
	srv, err := api.New(apitest.Config(), api.Deps{DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Keys: apitest.Keys, PII: apitest.PII})
	if err != nil {
		t.Fatal(err)
	}
	srv.Echo.GET("/test/slow", func(c echo.Context) error {
		time.Sleep(700 * time.Millisecond)
		return c.String(http.StatusOK, "done")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ctx, stop := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- srv.Run(ctx, ln, 400*time.Millisecond, 5*time.Second) }()

	if res, err := http.Get(base + "/readyz"); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("before shutdown /readyz: %v %v", res, err)
	}
	slow := make(chan int, 1)
	go func() {
		res, err := http.Get(base + "/test/slow")
		if err != nil {
			slow <- 0
			return
		}
		res.Body.Close()
		slow <- res.StatusCode
	}()
	time.Sleep(100 * time.Millisecond)
	stop()
	time.Sleep(100 * time.Millisecond)
	res, err := http.Get(base + "/readyz")
	if err != nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("during the drain /readyz: %v %v, want 503", res, err)
	}
	res.Body.Close()
	if got := <-slow; got != http.StatusOK {
		t.Fatalf("in-flight request ended with %d, want 200", got)
	}
	select {
	case err := <-ran:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after shutdown")
	}
}
