package identity_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/pii"
)

var hexHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

// storedNumbers reads what the database holds for an account's CNIC and its
// dependants' B-forms.
func storedNumbers(t *testing.T, app *apitest.App, accountID string) (hash, sealed string, bforms []string) {
	t.Helper()
	var row struct{ CNICHash, CNICSealed string }
	if err := app.DB.Raw("SELECT cnic_hash, cnic_sealed FROM accounts WHERE id = ?", accountID).Scan(&row).Error; err != nil {
		t.Fatal(err)
	}
	if err := app.DB.Raw("SELECT b_form_sealed FROM dependants WHERE owner_id = ? AND b_form_sealed IS NOT NULL", accountID).Scan(&bforms).Error; err != nil {
		t.Fatal(err)
	}
	return row.CNICHash, row.CNICSealed, bforms
}

// CNICs and B-forms are stored sealed, yet registration, sign-in by CNIC,
// duplicates, /me and dependants behave as before.
func TestIdentityNumbersAreSealedAtRest(t *testing.T) {
	app := apitest.New(t)
	c := app.NewCitizen()
	bform := apitest.NewCNIC()
	r := app.Post("/api/v1/me/dependants", c.Token, map[string]string{
		"full_name": "Zainab", "relation": "child", "date_of_birth": "2020-05-14", "gender": "female", "b_form_or_cnic": bform})
	if r.Status != http.StatusCreated {
		t.Fatalf("add dependant = %d %s", r.Status, r.Body)
	}
	hash, sealed, bforms := storedNumbers(t, app, c.ID)
	if !hexHash.MatchString(hash) || hash == c.CNIC {
		t.Errorf("cnic_hash = %q, want a keyed hash, not the CNIC", hash)
	}
	if sealed == "" || strings.Contains(sealed, c.CNIC) || pii.SealedWith(sealed) != apitest.PII.Current() {
		t.Errorf("cnic_sealed = %q, want the CNIC sealed under key %s", sealed, apitest.PII.Current())
	}
	if len(bforms) != 1 || strings.Contains(bforms[0], bform) {
		t.Errorf("b_form_sealed = %q, want the B-form sealed", bforms)
	}

	var me struct{ CNIC string }
	app.Get("/api/v1/me", c.Token).JSON(t, &me)
	if me.CNIC != c.CNIC {
		t.Errorf("/me cnic = %q, want %q", me.CNIC, c.CNIC)
	}
	var deps struct {
		Items []struct {
			BFormOrCNIC string `json:"b_form_or_cnic"`
		}
	}
	app.Get("/api/v1/me/dependants", c.Token).JSON(t, &deps)
	if len(deps.Items) != 1 || deps.Items[0].BFormOrCNIC != bform {
		t.Errorf("dependants = %+v, want the B-form %s back", deps.Items, bform)
	}
	if tok, _ := app.Login(c.CNIC, c.Password); tok == "" {
		t.Error("sign-in by CNIC failed")
	}
	r = app.Post("/api/v1/auth/register", "", map[string]string{
		"cnic": c.CNIC, "phone": "0301" + apitest.NewCNIC()[:7], "full_name": "Someone Else", "password": "another long passphrase 2026"})
	if r.Status != http.StatusConflict || strings.Contains(string(r.Body), c.CNIC) {
		t.Errorf("registering the CNIC again = %d %s, want 409 without the number", r.Status, r.Body)
	}
}

// Rows written before sealing are sealed when the server starts, and a new
// key reseals what an old one sealed while sign-in keeps working.
func TestSealIdentityNumbersSealsPlainRowsAndRotates(t *testing.T) {
	app := apitest.New(t)
	c := app.NewCitizen()
	ctx := context.Background()
	// As before sealing: the CNIC in the clear in the renamed column.
	if err := app.DB.Exec("UPDATE accounts SET cnic_hash = ?, cnic_sealed = NULL WHERE id = ?", c.CNIC, c.ID).Error; err != nil {
		t.Fatal(err)
	}
	n, err := identity.SealIdentityNumbers(ctx, app.DB, apitest.PII)
	if err != nil || n < 1 {
		t.Fatalf("SealIdentityNumbers = %d, %v; want the plain row sealed", n, err)
	}
	hash, sealed, _ := storedNumbers(t, app, c.ID)
	if !hexHash.MatchString(hash) || pii.SealedWith(sealed) != apitest.PII.Current() {
		t.Fatalf("after sealing: hash %q, sealed %q", hash, sealed)
	}
	if tok, _ := app.Login(c.CNIC, c.Password); tok == "" {
		t.Fatal("sign-in by CNIC failed after sealing")
	}

	newKey := "test-2:" + pii.NewKey()
	rotated, err := pii.Parse(apitest.PIISealingKeys+","+newKey, apitest.PIILookupKey)
	if err != nil {
		t.Fatal(err)
	}
	// The other tests' servers share this database and know only test-1.
	t.Cleanup(func() {
		back, _ := pii.Parse(newKey+","+apitest.PIISealingKeys, apitest.PIILookupKey)
		if _, err := identity.SealIdentityNumbers(ctx, app.DB, back); err != nil {
			t.Errorf("seal back under test-1: %v", err)
		}
	})
	if _, err := identity.SealIdentityNumbers(ctx, app.DB, rotated); err != nil {
		t.Fatal(err)
	}
	rehash, resealed, _ := storedNumbers(t, app, c.ID)
	if pii.SealedWith(resealed) != "test-2" || rehash != hash {
		t.Fatalf("after rotation: sealed with %q (want test-2), hash changed: %v", pii.SealedWith(resealed), rehash != hash)
	}
	if got, err := rotated.Open("accounts.cnic", resealed); err != nil || got != c.CNIC {
		t.Fatalf("the resealed CNIC opens as %q, %v", got, err)
	}
	if n, err := identity.SealIdentityNumbers(ctx, app.DB, rotated); err != nil || n != 0 {
		t.Errorf("a second pass rewrote %d rows (%v), want none", n, err)
	}
}

// Dependants added before people were kept get the hash of their B-form
// and a person when the server starts, so that a second parent adding the
// same child later joins that person.
func TestSealIdentityNumbersGivesOldDependantsTheirPerson(t *testing.T) {
	app := apitest.New(t)
	mother, father := app.NewCitizen(), app.NewCitizen()
	bForm := apitest.NewCNIC()
	body := map[string]any{"full_name": "Ayesha", "relation": "child", "date_of_birth": "2020-05-14", "gender": "female", "b_form_or_cnic": bForm}
	byMother := app.Post("/api/v1/me/dependants", mother.Token, body).Want(t, http.StatusCreated).Map(t)["id"].(string)
	// As before people were kept: no hash, no person recorded.
	if err := app.DB.Exec("UPDATE dependants SET number_hash = NULL WHERE id = ?", byMother).Error; err != nil {
		t.Fatal(err)
	}
	if err := app.DB.Exec("DELETE FROM people WHERE person_id = ?", byMother).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := identity.SealIdentityNumbers(context.Background(), app.DB, apitest.PII); err != nil {
		t.Fatal(err)
	}
	byFather := app.Post("/api/v1/me/dependants", father.Token, body).Want(t, http.StatusCreated).Map(t)["id"].(string)
	var persons []string
	app.DB.Raw("SELECT person_id FROM dependants WHERE id IN ? ORDER BY person_id", []string{byMother, byFather}).Scan(&persons)
	if len(persons) != 2 || persons[0] != byMother || persons[1] != byMother {
		t.Errorf("the two records of one child are persons %v, want both %s", persons, byMother)
	}
}
