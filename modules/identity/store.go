package identity

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/pii"
)

type accountRow struct {
	ID   string
	Kind string
	// CNICHash is the keyed hash that keeps CNICs unique and findable;
	// CNICSealed the CNIC itself, encrypted. CNIC is the opened value, which
	// never reaches the database.
	CNICHash          *string
	CNICSealed        *string
	CNIC              string `gorm:"-"`
	Phone             *string
	Email             *string
	FullName          string
	PasswordHash      string
	Status            string
	Department        *string
	PreferredLanguage string
	VerifiedAt        *time.Time
	// PersonID is the person the account holder is (table people).
	PersonID  string
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (accountRow) TableName() string { return "accounts" }

func (r accountRow) account() Account {
	roles := []HeldRole{}
	if r.Kind == KindCitizen {
		roles = []HeldRole{{Role: RoleCitizen}}
	}
	return Account{
		ID: r.ID, Kind: r.Kind, CNIC: r.CNIC, Phone: deref(r.Phone), Email: deref(r.Email), FullName: r.FullName,
		Status: r.Status, PreferredLanguage: r.PreferredLanguage, Department: deref(r.Department), Roles: roles, PersonID: r.PersonID,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func ptr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

type otpRow struct {
	ID        string
	AccountID string
	Phone     string
	// Purpose is otpVerify or otpSignIn.
	Purpose   string
	CodeHash  string
	Attempts  int
	Status    string
	ExpiresAt time.Time
	CreatedAt time.Time
}

func (otpRow) TableName() string { return "otp_codes" }

type refreshRow struct {
	ID        string
	FamilyID  string
	AccountID string
	TokenHash string
	Status    string
	ExpiresAt time.Time
	CreatedAt time.Time
	SpentAt   *time.Time
}

func (refreshRow) TableName() string { return "refresh_tokens" }

type dependantRow struct {
	ID          string
	OwnerID     string
	FullName    string
	Relation    string
	DateOfBirth time.Time
	Gender      string
	// BFormSealed is the B-form or CNIC, encrypted; BFormOrCNIC the opened
	// value, which never reaches the database.
	BFormSealed *string
	BFormOrCNIC string `gorm:"-"`
	// NumberHash is the look-up hash of the B-form or CNIC, when given;
	// PersonID the person the dependant is (table people).
	NumberHash *string
	PersonID   string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (dependantRow) TableName() string { return "dependants" }

func (r dependantRow) dependant() Dependant {
	return Dependant{
		ID: r.ID, FullName: r.FullName, Relation: r.Relation, DateOfBirth: r.DateOfBirth.UTC().Format(time.DateOnly),
		Gender: r.Gender, BFormOrCNIC: r.BFormOrCNIC, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		PersonID: r.PersonID,
	}
}

// loginFailureRow is a failed guess counted under a key: a client address,
// a username as typed or an account. Key holds the key's keyed hash, so the
// table never shows who typed what.
type loginFailureRow struct {
	ID  string
	Key string
	At  time.Time
}

func (loginFailureRow) TableName() string { return "login_failures" }

// ruleRow is a row of Casbin's policy table; g rows hold role assignments.
type ruleRow struct {
	ID    uint `gorm:"primaryKey"`
	Ptype string
	V0    string
	V1    string
	V2    string
	V3    string
	V4    string
	V5    string
}

func (ruleRow) TableName() string { return "casbin_rule" }

// Store persists accounts and everything that hangs off them.
type Store struct {
	db  *db.DB
	pii *pii.Keys
}

// NewStore returns a Store on d that seals identity numbers with keys.
func NewStore(d *db.DB, keys *pii.Keys) *Store { return &Store{db: d, pii: keys} }

// The fields identity numbers are sealed for: a value sealed for one does
// not open as the other.
const (
	fieldCNIC  = "accounts.cnic"
	fieldBForm = "dependants.b_form_or_cnic"
)

// sealed returns the sealed form of v for field, or nil for no value.
func (s *Store) sealed(field, v string) *string {
	if v == "" {
		return nil
	}
	out := s.pii.Seal(field, v)
	return &out
}

// cnicHash returns the look-up hash of a CNIC, or nil for none.
func (s *Store) cnicHash(cnic string) *string {
	if cnic == "" {
		return nil
	}
	h := s.pii.Hash(cnic)
	return &h
}

// openAccounts opens the CNICs of rows read from the database.
func (s *Store) openAccounts(rows ...*accountRow) error {
	for _, r := range rows {
		if r.CNICSealed == nil {
			continue
		}
		v, err := s.pii.Open(fieldCNIC, *r.CNICSealed)
		if err != nil {
			return fmt.Errorf("open the CNIC of account %s: %w", r.ID, err)
		}
		r.CNIC = v
	}
	return nil
}

// openDependants opens the B-forms of rows read from the database.
func (s *Store) openDependants(rows ...*dependantRow) error {
	for _, r := range rows {
		if r.BFormSealed == nil {
			continue
		}
		v, err := s.pii.Open(fieldBForm, *r.BFormSealed)
		if err != nil {
			return fmt.Errorf("open the B-form of dependant %s: %w", r.ID, err)
		}
		r.BFormOrCNIC = v
	}
	return nil
}

// uniqueFields are the account fields no two accounts share, with their
// names in messages.
var uniqueFields = []struct{ field, name string }{{"cnic", "CNIC"}, {"phone", "phone number"}, {"email", "e-mail address"}}

// takenError is the Conflict of a field another account holds.
func takenError(field, name string, err error) error {
	return &domain.Error{Kind: domain.Conflict, Message: "an account with this " + name + " already exists",
		Fields: []domain.FieldError{{Field: field, Key: "validation.taken"}}, Err: err}
}

// uniqueConflict names the account field a unique violation is about.
func uniqueConflict(err error) error {
	msg := err.Error()
	for _, f := range uniqueFields {
		if strings.Contains(msg, f.field) {
			return takenError(f.field, f.name, err)
		}
	}
	return domain.Wrap(domain.Conflict, err, "the account already exists")
}

// Taken returns a Conflict naming the first of cnic, phone and email that
// an account holds, or nil when none is held. It lets registration refuse
// before hashing a password; the unique indexes still decide between
// concurrent registrations.
func (s *Store) Taken(ctx context.Context, cnic, phone, email string) error {
	cnicHash := s.pii.Hash(cnic)
	var rows []accountRow
	err := s.db.Conn(ctx).Select("cnic_hash", "phone", "email").
		Where("cnic_hash = ? OR phone = ? OR email = ?", cnicHash, phone, ptr(email)).Limit(3).Find(&rows).Error
	if err != nil {
		return db.Translate(err, "")
	}
	held := map[string]bool{}
	for _, r := range rows {
		held["cnic"] = held["cnic"] || deref(r.CNICHash) == cnicHash
		held["phone"] = held["phone"] || deref(r.Phone) == phone
		held["email"] = held["email"] || (email != "" && deref(r.Email) == email)
	}
	for _, f := range uniqueFields {
		if held[f.field] {
			return takenError(f.field, f.name, nil)
		}
	}
	return nil
}

// CreateAccount inserts an account. Errors: Conflict naming the field when
// the CNIC, phone or e-mail is taken.
func (s *Store) CreateAccount(ctx context.Context, r accountRow) error {
	r.CNICHash, r.CNICSealed = s.cnicHash(r.CNIC), s.sealed(fieldCNIC, r.CNIC)
	r.PersonID = r.ID
	if r.CNICHash != nil {
		person, err := s.Person(ctx, *r.CNICHash, r.ID)
		if err != nil {
			return err
		}
		r.PersonID = person
	}
	err := s.db.Conn(ctx).Create(&r).Error
	if db.IsUniqueViolation(err) {
		return uniqueConflict(err)
	}
	return db.Translate(err, "")
}

// Person returns the person the CNIC or B-form with numberHash is, making
// it personID when no record has named the number before. Concurrent
// callers naming one number get one person: the table's key decides.
func (s *Store) Person(ctx context.Context, numberHash, personID string) (string, error) {
	var person string
	err := s.db.Conn(ctx).Raw(`INSERT INTO people (number_hash, person_id) VALUES (?, ?)
		ON CONFLICT (number_hash) DO UPDATE SET number_hash = excluded.number_hash
		RETURNING person_id`, numberHash, personID).Scan(&person).Error
	return person, db.Translate(err, "")
}

// TakeDependantPlace counts one more of ownerID's dependants, at most max,
// in the caller's transaction. Errors: Conflict when the account is full.
func (s *Store) TakeDependantPlace(ctx context.Context, ownerID string, max int) error {
	res := s.db.Conn(ctx).Exec(`INSERT INTO dependant_counts (owner_id, dependants) VALUES (?, 1)
		ON CONFLICT (owner_id) DO UPDATE SET dependants = dependant_counts.dependants + 1
		WHERE dependant_counts.dependants < ?`, ownerID, max)
	if res.Error != nil {
		return db.Translate(res.Error, "")
	}
	if res.RowsAffected == 0 {
		return i18n.Err(domain.Conflict, "error.dependants.full", map[string]string{"n": strconv.Itoa(max)})
	}
	return nil
}

// Account returns an account by ID. Errors: NotFound.
func (s *Store) Account(ctx context.Context, id string) (accountRow, error) {
	var r accountRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return r, db.Translate(err, "account not found")
	}
	return r, s.openAccounts(&r)
}

// Accounts finds the accounts with the given IDs.
func (s *Store) Accounts(ctx context.Context, ids []string) ([]accountRow, error) {
	var rows []accountRow
	if err := s.db.Conn(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, db.Translate(err, "")
	}
	for i := range rows {
		if err := s.openAccounts(&rows[i]); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// AccountByUsername finds an account by its CNIC, phone or e-mail; the
// caller passes the normalised forms it could read. Errors: NotFound.
func (s *Store) AccountByUsername(ctx context.Context, cnic, phone, email string) (accountRow, error) {
	q := s.db.Conn(ctx).Model(&accountRow{})
	switch {
	case cnic != "":
		q = q.Where("cnic_hash = ?", s.pii.Hash(cnic))
	case phone != "":
		q = q.Where("phone = ?", phone)
	case email != "":
		q = q.Where("email = ?", email)
	default:
		return accountRow{}, domain.Errorf(domain.NotFound, "account not found")
	}
	var r accountRow
	if err := q.Take(&r).Error; err != nil {
		return r, db.Translate(err, "account not found")
	}
	return r, s.openAccounts(&r)
}

// AccountByPhone returns the account registered with phone. Errors: NotFound.
func (s *Store) AccountByPhone(ctx context.Context, phone string) (accountRow, error) {
	return s.AccountByUsername(ctx, "", phone, "")
}

// UpdateAccount sets columns of one account. Errors: NotFound, Conflict.
func (s *Store) UpdateAccount(ctx context.Context, id string, fields map[string]any) error {
	res := s.db.Conn(ctx).Model(&accountRow{}).Where("id = ?", id).Updates(fields)
	if db.IsUniqueViolation(res.Error) {
		return uniqueConflict(res.Error)
	}
	if res.Error != nil {
		return db.Translate(res.Error, "")
	}
	if res.RowsAffected == 0 {
		return domain.Errorf(domain.NotFound, "account not found")
	}
	return nil
}

// staffOrder reads staff accounts oldest first.
var staffOrder = page.Ascending(page.Time("created_at"), page.ID("id"))

// ListStaff returns a page of staff accounts, oldest first.
func (s *Store) ListStaff(ctx context.Context, p page.Request) (page.Page[accountRow], error) {
	q := s.db.Conn(ctx).Model(&accountRow{}).Where("kind = ?", KindStaff)
	q, err := staffOrder.Seek(q, p)
	if err != nil {
		return page.Page[accountRow]{}, err
	}
	var rows []accountRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[accountRow]{}, db.Translate(err, "")
	}
	return page.Build(staffOrder, rows, p, func(r accountRow) []any { return []any{r.CreatedAt, r.ID} }), nil
}

// CreateOTP voids the account's earlier codes for the same purpose and
// stores a new one.
func (s *Store) CreateOTP(ctx context.Context, r otpRow) error {
	conn := s.db.Conn(ctx)
	if err := conn.Model(&otpRow{}).Where("account_id = ? AND purpose = ? AND status = 'active'", r.AccountID, r.Purpose).Update("status", "void").Error; err != nil {
		return db.Translate(err, "")
	}
	return db.Translate(conn.Create(&r).Error, "")
}

// LatestOTP returns the newest code sent to phone to verify it. Errors: NotFound.
func (s *Store) LatestOTP(ctx context.Context, phone string) (otpRow, error) {
	var r otpRow
	err := s.db.Conn(ctx).Where("phone = ? AND purpose = ?", phone, otpVerify).Order("created_at DESC").Take(&r).Error
	return r, db.Translate(err, "no code was sent to this phone")
}

// LatestSignInCode returns the newest sign-in code sent for an account.
// Errors: NotFound.
func (s *Store) LatestSignInCode(ctx context.Context, accountID string) (otpRow, error) {
	var r otpRow
	err := s.db.Conn(ctx).Where("account_id = ? AND purpose = ?", accountID, otpSignIn).Order("created_at DESC").Take(&r).Error
	return r, db.Translate(err, "no sign-in code was sent")
}

// CountOTPsSince counts codes sent to phone since t.
func (s *Store) CountOTPsSince(ctx context.Context, phone string, t time.Time) (int64, error) {
	var n int64
	err := s.db.Conn(ctx).Model(&otpRow{}).Where("phone = ? AND created_at >= ?", phone, t).Count(&n).Error
	return n, db.Translate(err, "")
}

// SpendOTPAttempt counts one try at code id while it has tries left and is
// active, and reports whether a try was left.
func (s *Store) SpendOTPAttempt(ctx context.Context, id string, maxAttempts int) (bool, error) {
	res := s.db.Conn(ctx).Model(&otpRow{}).Where("id = ? AND status = 'active' AND attempts < ?", id, maxAttempts).
		Update("attempts", gorm.Expr("attempts + 1"))
	return res.RowsAffected == 1, db.Translate(res.Error, "")
}

// SetOTPStatus moves code id from active to status, and reports whether it was active.
func (s *Store) SetOTPStatus(ctx context.Context, id, status string) (bool, error) {
	res := s.db.Conn(ctx).Model(&otpRow{}).Where("id = ? AND status = 'active'", id).Update("status", status)
	return res.RowsAffected == 1, db.Translate(res.Error, "")
}

// CreateRefresh stores a refresh token.
func (s *Store) CreateRefresh(ctx context.Context, r refreshRow) error {
	return db.Translate(s.db.Conn(ctx).Create(&r).Error, "")
}

// SpendRefresh marks the active, unexpired token with hash as spent and
// reports whether it was; of two concurrent spends only one succeeds.
func (s *Store) SpendRefresh(ctx context.Context, hash string, now time.Time) (bool, error) {
	res := s.db.Conn(ctx).Model(&refreshRow{}).
		Where("token_hash = ? AND status = 'active' AND expires_at > ?", hash, now).
		Updates(map[string]any{"status": "spent", "spent_at": now})
	return res.RowsAffected == 1, db.Translate(res.Error, "")
}

// RefreshByHash returns the token with hash. Errors: NotFound.
func (s *Store) RefreshByHash(ctx context.Context, hash string) (refreshRow, error) {
	var r refreshRow
	err := s.db.Conn(ctx).Where("token_hash = ?", hash).Take(&r).Error
	return r, db.Translate(err, "refresh token not found")
}

// LiveSession reports whether the session (token family) familyID of
// accountID still has an active, unexpired refresh token: signing out,
// a password change and a reused refresh token all end it.
func (s *Store) LiveSession(ctx context.Context, accountID, familyID string, now time.Time) (bool, error) {
	var n int64
	err := s.db.Conn(ctx).Model(&refreshRow{}).
		Where("family_id = ? AND status = 'active' AND account_id = ? AND expires_at > ?", familyID, accountID, now).Count(&n).Error
	return n > 0, db.Translate(err, "")
}

// RevokeFamily revokes every live token of a family.
func (s *Store) RevokeFamily(ctx context.Context, familyID string) error {
	err := s.db.Conn(ctx).Model(&refreshRow{}).Where("family_id = ? AND status = 'active'", familyID).Update("status", "revoked").Error
	return db.Translate(err, "")
}

// RevokeAccountTokens revokes every live refresh token of an account and
// returns the sessions (families) it closed.
func (s *Store) RevokeAccountTokens(ctx context.Context, accountID string) ([]string, error) {
	var families []string
	conn := s.db.Conn(ctx)
	if err := conn.Model(&refreshRow{}).Where("account_id = ? AND status = 'active'", accountID).Pluck("family_id", &families).Error; err != nil {
		return nil, db.Translate(err, "")
	}
	err := conn.Model(&refreshRow{}).Where("account_id = ? AND status = 'active'", accountID).Update("status", "revoked").Error
	return families, db.Translate(err, "")
}

// AddLoginFailure records a failed sign-in under each row's key, stored as
// its keyed hash.
func (s *Store) AddLoginFailure(ctx context.Context, rows []loginFailureRow) error {
	for i := range rows {
		rows[i].Key = s.pii.Hash(rows[i].Key)
	}
	return db.Translate(s.db.Conn(ctx).Create(&rows).Error, "")
}

// LoginFailures returns the times of failures under each of keys since t,
// oldest first. One statement reads them all, so that the keys of one
// attempt, written together, are counted together.
func (s *Store) LoginFailures(ctx context.Context, keys []string, since time.Time) ([][]time.Time, error) {
	hashed := make([]string, len(keys))
	for i, k := range keys {
		hashed[i] = s.pii.Hash(k)
	}
	var rows []loginFailureRow
	err := s.db.Conn(ctx).Where("key IN ? AND at >= ?", hashed, since).Order("at").Find(&rows).Error
	if err != nil {
		return nil, db.Translate(err, "")
	}
	times := make([][]time.Time, len(keys))
	for _, r := range rows {
		for i, h := range hashed {
			if r.Key == h {
				times[i] = append(times[i], r.At)
			}
		}
	}
	return times, nil
}

// ClearLoginFailures forgets the failures under keys.
func (s *Store) ClearLoginFailures(ctx context.Context, keys ...string) error {
	hashed := make([]string, len(keys))
	for i, k := range keys {
		hashed[i] = s.pii.Hash(k)
	}
	return db.Translate(s.db.Conn(ctx).Where("key IN ?", hashed).Delete(&loginFailureRow{}).Error, "")
}

// PurgeLoginFailures deletes failures recorded before t and returns how
// many it deleted.
func (s *Store) PurgeLoginFailures(ctx context.Context, t time.Time) (int64, error) {
	res := s.db.Conn(ctx).Where("at < ?", t).Delete(&loginFailureRow{})
	return res.RowsAffected, db.Translate(res.Error, "")
}

// DeleteLoginFailures removes the given failure rows.
func (s *Store) DeleteLoginFailures(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	return db.Translate(s.db.Conn(ctx).Where("id IN ?", ids).Delete(&loginFailureRow{}).Error, "")
}

// CreateDependant inserts a dependant.
func (s *Store) CreateDependant(ctx context.Context, r dependantRow) error {
	r.BFormSealed = s.sealed(fieldBForm, r.BFormOrCNIC)
	r.PersonID = cmp.Or(r.PersonID, r.ID) // a record no number links is a person of its own
	return dependantConflict(s.db.Conn(ctx).Create(&r).Error)
}

// dependantConflict turns the one-person-per-account index's refusal into
// the Conflict it means.
func dependantConflict(err error) error {
	if db.IsUniqueViolation(err) {
		return i18n.Err(domain.Conflict, "error.dependants.duplicate", nil)
	}
	return db.Translate(err, "")
}

// Dependant returns owner's dependant id. Errors: NotFound, also when the
// dependant belongs to someone else.
func (s *Store) Dependant(ctx context.Context, ownerID, id string) (dependantRow, error) {
	var r dependantRow
	if err := s.db.Conn(ctx).Where("owner_id = ? AND id = ?", ownerID, id).Take(&r).Error; err != nil {
		return r, db.Translate(err, "dependant not found")
	}
	return r, s.openDependants(&r)
}

// dependantOrder reads a citizen's dependants oldest first.
var dependantOrder = page.Ascending(page.Time("created_at"), page.ID("id"))

// ListDependants returns a page of owner's dependants, oldest first.
func (s *Store) ListDependants(ctx context.Context, ownerID string, p page.Request) (page.Page[Dependant], error) {
	q := s.db.Conn(ctx).Model(&dependantRow{}).Where("owner_id = ?", ownerID)
	q, err := dependantOrder.Seek(q, p)
	if err != nil {
		return page.Page[Dependant]{}, err
	}
	var rows []dependantRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[Dependant]{}, db.Translate(err, "")
	}
	out := make([]Dependant, len(rows))
	for i := range rows {
		if err := s.openDependants(&rows[i]); err != nil {
			return page.Page[Dependant]{}, err
		}
		out[i] = rows[i].dependant()
	}
	return page.Build(dependantOrder, out, p, func(d Dependant) []any { return []any{d.CreatedAt, d.ID} }), nil
}

// UpdateDependant sets columns of owner's dependant id; a new B-form is
// given as "b_form_or_cnic" in the clear and stored sealed. Errors: NotFound.
func (s *Store) UpdateDependant(ctx context.Context, ownerID, id string, fields map[string]any) error {
	if v, ok := fields["b_form_or_cnic"]; ok {
		delete(fields, "b_form_or_cnic")
		fields["b_form_sealed"] = s.sealed(fieldBForm, v.(string))
	}
	res := s.db.Conn(ctx).Model(&dependantRow{}).Where("owner_id = ? AND id = ?", ownerID, id).Updates(fields)
	if res.Error != nil {
		return dependantConflict(res.Error)
	}
	if res.RowsAffected == 0 {
		return domain.Errorf(domain.NotFound, "dependant not found")
	}
	return nil
}

// DeleteDependant deletes owner's dependant id and gives its place back,
// in the caller's transaction. Errors: NotFound.
func (s *Store) DeleteDependant(ctx context.Context, ownerID, id string) error {
	res := s.db.Conn(ctx).Where("owner_id = ? AND id = ?", ownerID, id).Delete(&dependantRow{})
	if res.Error != nil {
		return db.Translate(res.Error, "")
	}
	if res.RowsAffected == 0 {
		return domain.Errorf(domain.NotFound, "dependant not found")
	}
	err := s.db.Conn(ctx).Exec("UPDATE dependant_counts SET dependants = dependants - 1 WHERE owner_id = ? AND dependants > 0", ownerID).Error
	return db.Translate(err, "")
}

// ReplaceRoles replaces the Casbin role rows (g rules) of an account.
func (s *Store) ReplaceRoles(ctx context.Context, accountID string, roles []RoleAssignment) error {
	conn := s.db.Conn(ctx)
	if err := conn.Where("ptype = 'g' AND v0 = ?", accountID).Delete(&ruleRow{}).Error; err != nil {
		return db.Translate(err, "")
	}
	for _, r := range roles {
		if err := conn.Create(&ruleRow{Ptype: "g", V0: accountID, V1: r.Role, V2: roleDomain(r)}).Error; err != nil {
			return db.Translate(err, "")
		}
	}
	return nil
}

// roleDomain is the Casbin domain a role is held in: its unit, or "*".
func roleDomain(r RoleAssignment) string {
	if r.UnitID != "" {
		return r.UnitID
	}
	return "*"
}

// Roles returns the roles the given accounts hold.
func (s *Store) Roles(ctx context.Context, accountIDs []string) (map[string][]HeldRole, error) {
	out := map[string][]HeldRole{}
	if len(accountIDs) == 0 {
		return out, nil
	}
	var rows []ruleRow
	if err := s.db.Conn(ctx).Where("ptype = 'g' AND v0 IN ?", accountIDs).Order("v1, v2").Find(&rows).Error; err != nil {
		return nil, db.Translate(err, "")
	}
	for _, r := range rows {
		out[r.V0] = append(out[r.V0], HeldRole(assignmentOf(r)))
	}
	return out, nil
}

func assignmentOf(r ruleRow) RoleAssignment {
	a := RoleAssignment{Role: r.V1, Department: roleDepartments[r.V1].department}
	if r.V2 != "*" {
		a.UnitID = r.V2
	}
	return a
}

// AccountRole is one role assignment with its account.
type AccountRole struct {
	AccountID string `json:"account_id" format:"uuid"`
	RoleAssignment
} // @name AccountRole

// roleOrder reads role assignments by account, role and unit ("*" for none).
var roleOrder = page.Ascending(page.ID("v0"), page.Text("v1"), page.Text("v2"))

// ListRoleAssignments returns a page of all staff role assignments.
func (s *Store) ListRoleAssignments(ctx context.Context, p page.Request) (page.Page[AccountRole], error) {
	q := s.db.Conn(ctx).Model(&ruleRow{}).Where("ptype = 'g'")
	q, err := roleOrder.Seek(q, p)
	if err != nil {
		return page.Page[AccountRole]{}, err
	}
	var rows []ruleRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[AccountRole]{}, db.Translate(err, "")
	}
	out := make([]AccountRole, len(rows))
	for i, r := range rows {
		out[i] = AccountRole{AccountID: r.V0, RoleAssignment: assignmentOf(r)}
	}
	return page.Build(roleOrder, out, p, func(a AccountRole) []any { return []any{a.AccountID, a.Role, roleDomain(a.RoleAssignment)} }), nil
}
