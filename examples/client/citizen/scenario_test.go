package citizen_test

import (
	"context"
	"net/http"
	"regexp"
	"testing"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/domain"
	client "github.com/islamabad-digital/citizenapi/examples/client/citizen"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/parking"
)

func TestMain(m *testing.M) { apitest.Main(m) }

func bearer(token string) client.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+token)
		return nil
	}
}

// TestScenarioThroughGeneratedClient drives a real server only through the
// client generated from /openapi.json: a citizen registers, books a doctor
// and buys a parking permit, and an enforcement contractor's client checks
// the plate with a client-credentials token.
func TestScenarioThroughGeneratedClient(t *testing.T) {
	app := apitest.New(t)
	ctx := context.Background()
	if _, err := health.NewService(health.Deps{DB: app.DB, Clock: app.Clock}).LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := parking.NewService(parking.Deps{DB: app.DB, Clock: app.Clock}).LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	c, err := client.NewClientWithResponses(app.URL)
	if err != nil {
		t.Fatal(err)
	}

	// Register, read the code the development sender recorded, verify, sign in.
	cnic, phone, password := apitest.NewCNIC(), apitest.NewPhone(), "a long pass phrase for tests"
	reg, err := c.RegisterWithResponse(ctx, client.Registration{Cnic: cnic, Phone: phone, FullName: "آمنہ بی بی", Password: password})
	if err != nil || reg.JSON201 == nil {
		t.Fatalf("register: %v %s", err, reg.Body)
	}
	msgs, err := c.ListDevMessagesWithResponse(ctx, &client.ListDevMessagesParams{To: &phone})
	if err != nil || msgs.JSON200 == nil || len(msgs.JSON200.Items) == 0 {
		t.Fatalf("dev messages: %v %s", err, msgs.Body)
	}
	code := regexp.MustCompile(`\d{6}`).FindString(msgs.JSON200.Items[0].Body)
	if v, err := c.VerifyOtpWithResponse(ctx, client.OTPCheck{Phone: phone, Code: code}); err != nil || v.JSON200 == nil {
		t.Fatalf("verify: %v %s", err, v.Body)
	}
	login, err := c.LoginWithResponse(ctx, client.Credentials{Username: cnic, Password: password})
	if err != nil || login.JSON200 == nil {
		t.Fatalf("login: %v %s", err, login.Body)
	}
	citizen := bearer(login.JSON200.AccessToken)

	// Book the first free slot.
	slots, err := c.ListSlotsWithResponse(ctx, &client.ListSlotsParams{})
	if err != nil || slots.JSON200 == nil || len(slots.JSON200.Items) == 0 {
		t.Fatalf("slots: %v %s", err, slots.Body)
	}
	key := "scenario-" + cnic
	booked, err := c.BookAppointmentWithResponse(ctx, &client.BookAppointmentParams{IdempotencyKey: &key},
		client.BookingRequest{SlotId: slots.JSON200.Items[0].Id}, citizen)
	if err != nil || booked.JSON201 == nil || booked.JSON201.Status != client.AppointmentStatusBooked {
		t.Fatalf("book: %v %d %s", err, booked.StatusCode(), booked.Body)
	}

	// Buy and pay a permit.
	vehicle, err := c.AddVehicleWithResponse(ctx, client.VehicleInput{Plate: "ict xyz 42"}, citizen)
	if err != nil || vehicle.JSON201 == nil {
		t.Fatalf("vehicle: %v %s", err, vehicle.Body)
	}
	zones, err := c.ListZonesWithResponse(ctx, &client.ListZonesParams{})
	if err != nil || zones.JSON200 == nil || len(zones.JSON200.Items) == 0 {
		t.Fatalf("zones: %v %s", err, zones.Body)
	}
	zone := zones.JSON200.Items[0].Id
	today := openapi_types.Date{Time: domain.LocalDate(app.Clock.Now())}
	permit, err := c.BuyPermitWithResponse(ctx, &client.BuyPermitParams{}, client.PermitRequest{
		VehicleId: vehicle.JSON201.Id, ZoneId: zone, PermitType: client.PermitTypeResident,
		StartDate: today, Months: client.PermitMonthsN1,
	}, citizen)
	if err != nil || permit.JSON201 == nil {
		t.Fatalf("permit: %v %s", err, permit.Body)
	}
	paid, err := c.PayPermitWithResponse(ctx, permit.JSON201.Id, &client.PayPermitParams{IdempotencyKey: "pay-" + cnic},
		client.PaymentRequest{Method: "sandbox"}, citizen)
	if err != nil || paid.JSON200 == nil || paid.JSON200.Status != client.PermitStatusActive || paid.JSON200.VerificationToken == nil {
		t.Fatalf("pay: %v %s", err, paid.Body)
	}

	// An enforcement contractor checks the plate with its own client token.
	admin := bearer(app.NewStaff("admin", "").Token)
	created, err := c.CreateClientWithResponse(ctx, client.NewIntegrationClient{
		Name: "Enforcement contractor", OwnerContact: "ops@contractor.example.pk", Scopes: []client.Scope{client.ScopeParkingPermitsVerify},
	}, admin)
	if err != nil || created.JSON201 == nil {
		t.Fatalf("create client: %v %s", err, created.Body)
	}
	id := created.JSON201.ClientId.String()
	tok, err := c.OauthTokenWithFormdataBodyWithResponse(ctx, client.OauthTokenFormdataRequestBody{
		GrantType: "client_credentials", ClientId: &id, ClientSecret: &created.JSON201.ClientSecret,
	})
	if err != nil || tok.JSON200 == nil {
		t.Fatalf("client token: %v %s", err, tok.Body)
	}
	check, err := c.VerifyPermitWithResponse(ctx, &client.VerifyPermitParams{Plate: "ICT-XYZ-42", ZoneId: zone},
		bearer(tok.JSON200.AccessToken))
	if err != nil || check.JSON200 == nil || !check.JSON200.Valid {
		t.Fatalf("verify plate: %v %s", err, check.Body)
	}
}
