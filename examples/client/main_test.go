package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/health"
)

func TestMain(m *testing.M) { apitest.Main(m) }

// TestExampleAgainstARealServer runs the example as a newcomer would, as a
// citizen and as a third-party client, against a real server with the
// demo hospitals.
func TestExampleAgainstARealServer(t *testing.T) {
	app := apitest.New(t)
	ctx := context.Background()
	if _, err := health.NewService(health.Deps{DB: app.DB, Clock: app.Clock}).LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	c := app.NewCitizen()
	var out bytes.Buffer
	if err := run(ctx, &out, config{base: app.URL, username: c.CNIC, password: c.Password}); err != nil {
		t.Fatalf("as a citizen: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "booked ") || !strings.Contains(out.String(), "your appointments (1 on this page)") {
		t.Errorf("as a citizen, the example printed:\n%s", out.String())
	}

	client := app.NewClient([]string{"health.slots:read"}, "")
	out.Reset()
	if err := run(ctx, &out, config{base: app.URL, clientID: client.ID, clientSecret: client.Secret}); err != nil {
		t.Fatalf("as a client: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), `scopes "health.slots:read"`) || !strings.Contains(out.String(), "free slots (20 on this page)") {
		t.Errorf("as a client, the example printed:\n%s", out.String())
	}
}
