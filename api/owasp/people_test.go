package owasp_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/identity"
)

// The rules about a person (one appointment with a doctor a day, three open
// school applications and one seat a year) are kept per person, not per
// record: an attacker who copies a child's record, in their own account or
// in a second parent's, gets no more than the child is allowed.

const dependantsPath = api.BasePath + "/me/dependants"

// child adds a child with a B-form to c's family and returns the answer.
func child(app *apitest.App, c *apitest.Citizen, bForm string) *apitest.Response {
	dob := domain.LocalDate(app.Clock.Now()).AddDate(-6, -1, 0).Format(time.DateOnly)
	return app.Post(dependantsPath, c.Token, map[string]any{"full_name": "Ayesha", "relation": "child",
		"date_of_birth": dob, "gender": "female", "b_form_or_cnic": bForm})
}

func TestOWASPOnePersonOneRecordPerAccount(t *testing.T) {
	app := apitest.New(t)
	c := app.NewCitizen()
	bForm := apitest.NewCNIC()
	child(app, c, bForm).Want(t, http.StatusCreated)

	t.Run("the same B-form again, in another spelling, is a duplicate", func(t *testing.T) {
		child(app, c, apitest.DashedCNIC(bForm)).Problem(t, http.StatusConflict, "")
	})
	t.Run("the account holder's own CNIC is not a dependant", func(t *testing.T) {
		child(app, c, c.CNIC).Problem(t, http.StatusUnprocessableEntity, "b_form_or_cnic")
	})
	t.Run("another dependant cannot be changed into the same person", func(t *testing.T) {
		other := child(app, c, apitest.NewCNIC()).Want(t, http.StatusCreated).Map(t)["id"].(string)
		app.Do(apitest.Request{Method: http.MethodPatch, Path: dependantsPath + "/" + other, Token: c.Token,
			Body: map[string]any{"b_form_or_cnic": bForm}}).Problem(t, http.StatusConflict, "")
	})
	t.Run("a second parent may add the child too", func(t *testing.T) {
		child(app, app.NewCitizen(), bForm).Want(t, http.StatusCreated)
	})
}

// Two parents each add the same child (same B-form): the child's limits are
// shared, whichever parent acts.
func TestOWASPTwoRecordsOfOneChildShareItsLimits(t *testing.T) {
	app := apitest.New(t)
	mother, father := app.NewCitizen(), app.NewCitizen()
	bForm := apitest.NewCNIC()
	byMother := child(app, mother, bForm).Want(t, http.StatusCreated).Map(t)["id"].(string)
	byFather := child(app, father, bForm).Want(t, http.StatusCreated).Map(t)["id"].(string)

	t.Run("one appointment a day with a doctor", func(t *testing.T) {
		facility := app.Facility()
		doctor := app.Practitioner(facility)
		app.Schedule(doctor, 1, 1, "09:00", "10:00", 30, 4)
		app.Book(mother, app.Slot(doctor, app.At(1, 9, 0)).ID, byMother)
		app.Post(api.BasePath+"/health/appointments", father.Token, map[string]any{
			"slot_id": app.Slot(doctor, app.At(1, 9, 30)).ID, "dependant_id": byFather}).Problem(t, http.StatusConflict, "")
	})

	t.Run("three open applications a year and one seat", func(t *testing.T) {
		year := app.Admissions()
		schools := []string{app.School(year, 5), app.School(year, 5), app.School(year, 5), app.School(year, 5)}
		first := app.Apply(mother, schools[0], year, byMother)
		app.Apply(father, schools[1], year, byFather)
		app.Apply(mother, schools[2], year, byMother)
		apply := func(c *apitest.Citizen, school, childID string) *apitest.Response {
			return app.Post(api.BasePath+"/education/applications", c.Token,
				map[string]any{"school_id": school, "academic_year": year, "grade": 1, "child_id": childID})
		}
		apply(father, schools[3], byFather).Problem(t, http.StatusConflict, "")
		apply(father, schools[0], byFather).Problem(t, http.StatusConflict, "")

		// Accepting the mother's application withdraws the father's.
		admin := app.Admin(identity.RoleEducationAdmin)
		app.Post(api.BasePath+"/admin/education/applications/"+first.ID+"/decision", admin.Token,
			map[string]any{"decision": "accepted", "note": "welcome"}).Want(t, http.StatusOK)
		var list struct{ Items []education.Application }
		app.Get(api.BasePath+"/education/applications", father.Token).Want(t, http.StatusOK).JSON(t, &list)
		for _, a := range list.Items {
			if a.Status != education.StatusWithdrawn {
				t.Errorf("the father's application %s is %s once the child holds a seat, want withdrawn", a.Number, a.Status)
			}
		}
	})
}

// An account holds at most 20 dependants, however many additions race.
func TestOWASPDependantsPerAccountAreCapped(t *testing.T) {
	app := apitest.New(t)
	c := app.NewCitizen()
	for i := range 15 {
		app.Dependant(c, fmt.Sprintf("Child %d", i))
	}
	created := race(12, func(i int) int {
		return child(app, c, apitest.NewCNIC()).Status
	})
	if created[http.StatusCreated] != 5 || created[http.StatusConflict] != 7 {
		t.Fatalf("12 concurrent additions to an account holding 15: %v, want 5 × 201 and 7 × 409", created)
	}
	// A removal gives a place back.
	var list struct{ Items []identity.Dependant }
	app.Get(dependantsPath+"?limit=1", c.Token).Want(t, http.StatusOK).JSON(t, &list)
	app.Do(apitest.Request{Method: http.MethodDelete, Path: dependantsPath + "/" + list.Items[0].ID, Token: c.Token}).Want(t, http.StatusNoContent)
	child(app, c, apitest.NewCNIC()).Want(t, http.StatusCreated)
}

// One account books at most 4 appointments with a doctor on a day, for its
// holder and dependants together, however many bookings race; a
// cancellation gives one back.
func TestOWASPBookingsPerAccountAndDoctorAreCapped(t *testing.T) {
	app := apitest.New(t)
	c := app.NewCitizen()
	facility := app.Facility()
	doctor := app.Practitioner(facility)
	app.Schedule(doctor, 1, 1, "09:00", "12:00", 30, 10)
	kids := make([]string, 8)
	for i := range kids {
		kids[i] = app.Dependant(c, fmt.Sprintf("Child %d", i))
	}
	slot := app.Slot(doctor, app.At(1, 9, 0)).ID
	booked := race(len(kids), func(i int) int {
		return app.Post(api.BasePath+"/health/appointments", c.Token, map[string]any{"slot_id": slot, "dependant_id": kids[i]}).Status
	})
	if booked[http.StatusCreated] != 4 || booked[http.StatusConflict] != 4 {
		t.Fatalf("8 concurrent bookings of one account with one doctor on a day: %v, want 4 × 201 and 4 × 409", booked)
	}
	if got := app.Slot(doctor, app.At(1, 9, 0)).Remaining; got != 6 {
		t.Errorf("the slot has %d seats left, want 6: refused bookings must not hold seats", got)
	}
	var list struct{ Items []struct{ ID string } }
	app.Get(api.BasePath+"/health/appointments", c.Token).Want(t, http.StatusOK).JSON(t, &list)
	app.Post(api.BasePath+"/health/appointments/"+list.Items[0].ID+"/cancel", c.Token, nil).Want(t, http.StatusOK)
	app.Post(api.BasePath+"/health/appointments", c.Token, map[string]any{"slot_id": app.Slot(doctor, app.At(1, 10, 0)).ID}).
		Want(t, http.StatusCreated)
	// Another doctor the same day is another count.
	other := app.Practitioner(facility)
	app.Schedule(other, 1, 1, "09:00", "10:00", 30, 4)
	app.Book(c, app.Slot(other, app.At(1, 9, 0)).ID, kids[7])
}

// race sends n requests at once and counts their statuses.
func race(n int, send func(i int) int) map[int]int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	counts := map[int]int{}
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			status := send(i)
			mu.Lock()
			counts[status]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return counts
}
