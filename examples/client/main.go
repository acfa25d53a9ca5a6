// Command client is an example integrator's program: it uses only the Go
// client generated from the API's OpenAPI 3 document (package citizen) to
// sign in, find a free slot, book it and list the appointments.
//
//	go run ./examples/client -base http://localhost:8080
//
// signs in as the demo citizen; -username and -password sign in as another
// account. With -client-id and -client-secret it instead gets a
// client-credentials token, as a third party's system does, and lists the
// free slots it may see.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/examples/client/citizen"
)

// config is what the program is told on its command line.
type config struct {
	base, username, password string
	clientID, clientSecret   string
	specialty                string
}

func main() {
	var cfg config
	flag.StringVar(&cfg.base, "base", "http://localhost:8080", "the server's address")
	flag.StringVar(&cfg.username, "username", "61101-1234567-1", "CNIC, phone or e-mail to sign in with")
	flag.StringVar(&cfg.password, "password", "Islamabad-demo-2026", "the account's password")
	flag.StringVar(&cfg.clientID, "client-id", "", "a third-party client's ID: use client credentials instead of signing in")
	flag.StringVar(&cfg.clientSecret, "client-secret", "", "the client's secret")
	flag.StringVar(&cfg.specialty, "specialty", "", "look for slots of this specialty only, e.g. paediatrics")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, cfg config) error {
	c, err := citizen.NewClientWithResponses(cfg.base)
	if err != nil {
		return err
	}
	if cfg.clientID != "" {
		return browseAsClient(ctx, out, c, cfg)
	}
	login, err := c.LoginWithResponse(ctx, citizen.Credentials{Username: cfg.username, Password: cfg.password})
	if err != nil {
		return err
	}
	if login.JSON200 == nil {
		return refused("sign in", login.HTTPResponse, login.Body)
	}
	fmt.Fprintf(out, "signed in as %s\n", cfg.username)
	auth := bearer(login.JSON200.AccessToken)

	appointment, err := bookFirstFree(ctx, out, c, cfg.specialty, auth)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "booked %s: %s at %s, %s, queue number %d\n", appointment.Id, appointment.Slot.PractitionerName,
		appointment.Slot.FacilityName, appointment.Slot.StartsAt.Format(time.RFC1123), appointment.QueueNumber)

	list, err := c.ListAppointmentsWithResponse(ctx, &citizen.ListAppointmentsParams{}, auth)
	if err != nil {
		return err
	}
	if list.JSON200 == nil {
		return refused("list appointments", list.HTTPResponse, list.Body)
	}
	fmt.Fprintf(out, "your appointments (%d on this page):\n", len(list.JSON200.Items))
	for _, a := range list.JSON200.Items {
		fmt.Fprintf(out, "  %s  %-22s %s, %s (%s)\n", a.Slot.StartsAt.Format("2006-01-02 15:04 MST"), a.Status,
			a.Slot.PractitionerName, a.Slot.FacilityName, a.Slot.Specialty)
	}
	return nil
}

// bookFirstFree books the first free slot the caller may take: a slot whose
// doctor the patient already sees that day answers 409, and the next is
// tried.
func bookFirstFree(ctx context.Context, out io.Writer, c *citizen.ClientWithResponses, specialty string, auth citizen.RequestEditorFn) (*citizen.Appointment, error) {
	params := &citizen.ListSlotsParams{}
	if specialty != "" {
		params.Specialty = &specialty
	}
	slots, err := c.ListSlotsWithResponse(ctx, params)
	if err != nil {
		return nil, err
	}
	if slots.JSON200 == nil {
		return nil, refused("find slots", slots.HTTPResponse, slots.Body)
	}
	for _, slot := range slots.JSON200.Items {
		key := uuid.NewString() // a retry of this booking would send the same key
		booked, err := c.BookAppointmentWithResponse(ctx, &citizen.BookAppointmentParams{IdempotencyKey: &key},
			citizen.BookingRequest{SlotId: slot.Id}, auth)
		if err != nil {
			return nil, err
		}
		switch {
		case booked.JSON201 != nil:
			return booked.JSON201, nil
		case booked.StatusCode() == http.StatusConflict:
			fmt.Fprintf(out, "slot %s: %s\n", slot.Id, booked.ApplicationproblemJSON409.Detail)
		default:
			return nil, refused("book", booked.HTTPResponse, booked.Body)
		}
	}
	return nil, errors.New("no free slot on the first page could be booked")
}

// browseAsClient gets a client-credentials token and lists free slots with
// it, as an aggregator app's server does.
func browseAsClient(ctx context.Context, out io.Writer, c *citizen.ClientWithResponses, cfg config) error {
	tok, err := c.OauthTokenWithFormdataBodyWithResponse(ctx, citizen.OauthTokenFormdataRequestBody{
		GrantType: "client_credentials", ClientId: &cfg.clientID, ClientSecret: &cfg.clientSecret,
	})
	if err != nil {
		return err
	}
	if tok.JSON200 == nil {
		return refused("client token", tok.HTTPResponse, tok.Body)
	}
	fmt.Fprintf(out, "client token with scopes %q, valid %d s\n", tok.JSON200.Scope, tok.JSON200.ExpiresIn)
	slots, err := c.ListSlotsWithResponse(ctx, &citizen.ListSlotsParams{}, bearer(tok.JSON200.AccessToken))
	if err != nil {
		return err
	}
	if slots.JSON200 == nil {
		return refused("find slots", slots.HTTPResponse, slots.Body)
	}
	fmt.Fprintf(out, "free slots (%d on this page), quota %s:\n", len(slots.JSON200.Items), slots.HTTPResponse.Header.Get("RateLimit"))
	for _, s := range slots.JSON200.Items {
		fmt.Fprintf(out, "  %s  %-14s %s, %s: %d of %d left\n", s.StartsAt.Format("2006-01-02 15:04 MST"), s.Specialty,
			s.PractitionerName, s.FacilityName, s.Remaining, s.Capacity)
	}
	return nil
}

func bearer(token string) citizen.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+token)
		return nil
	}
}

// refused turns an answer other than the one hoped for into an error that
// quotes the problem the server sent.
func refused(what string, res *http.Response, body []byte) error {
	return fmt.Errorf("%s: %s: %s", what, res.Status, body)
}
