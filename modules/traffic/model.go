package traffic

import (
	"regexp"
	"strings"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
)

// Challan statuses as stored. StatusOverdue is read from the due date of
// an issued challan, never stored.
const (
	StatusIssued    = "issued"
	StatusContested = "contested"
	StatusOverdue   = "overdue"
	StatusPaid      = "paid"
	StatusCancelled = "cancelled"
)

// Decisions on a contested challan.
const (
	DecisionUpheld    = "upheld"
	DecisionCancelled = "cancelled"
)

// Roles of the traffic department: an admin acts for every sector, an
// officer for the sector their account is bound to.
var Roles = domain.UnitRoles{Admin: domain.RoleTrafficAdmin, Staff: domain.RoleTrafficOfficer}

// Sector is a traffic sector of the city.
type Sector struct {
	ID     string `json:"id" format:"uuid"`
	Code   string `json:"code" example:"F-7"`
	Name   string `json:"name" example:"Sector F-7"`
	NameUr string `json:"name_ur" example:"سیکٹر ایف سیون"`
} // @name TrafficSector

// Offence is one line of the offence schedule.
type Offence struct {
	Code    string `json:"code" example:"OVERSPEED"`
	Title   string `json:"title" example:"Over-speeding"`
	TitleUr string `json:"title_ur" example:"تیز رفتاری"`
	// FinePKR is owed until the due date; LateFinePKR in its place after it.
	FinePKR     int64 `json:"fine_pkr" example:"2000"`
	LateFinePKR int64 `json:"late_fine_pkr" example:"4000"`
	// DueDays is how many days after issue a challan may be paid at the
	// fine and contested.
	DueDays int `json:"due_days" example:"14"`
} // @name Offence

// OffenceInput adds an offence to the schedule.
type OffenceInput struct {
	Code        string `json:"code" validate:"required,min=2,max=32" example:"OVERSPEED"`
	Title       string `json:"title" validate:"required,max=120" example:"Over-speeding"`
	TitleUr     string `json:"title_ur" validate:"required,max=120" example:"تیز رفتاری"`
	FinePKR     int64  `json:"fine_pkr" validate:"min=1,max=1000000" example:"2000"`
	LateFinePKR int64  `json:"late_fine_pkr" validate:"min=1,max=2000000" example:"4000"`
	DueDays     int    `json:"due_days" validate:"min=1,max=365" example:"14"`
} // @name OffenceInput

// Check refuses a code not written in capitals, digits and underscores,
// and a late fine below the fine, naming each.
func (in OffenceInput) Check() error {
	var errs domain.FieldErrors
	if !offenceCode.MatchString(in.Code) {
		errs.Add(domain.FieldInvalid("code", "validation.offence.code", nil))
	}
	errs.Add(checkFines(in.FinePKR, in.LateFinePKR))
	return errs.Err()
}

// storedCode writes a sector or offence code as it is stored: trimmed and
// upper case, so that "f-7 " is F-7.
func storedCode(v string) string { return strings.ToUpper(strings.TrimSpace(v)) }

// offenceCode is how schedule codes are written: OVERSPEED, NO_HELMET.
var offenceCode = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// OffenceChange changes an offence; fields left out stay as they are.
// Challans already issued keep the fines they were issued with.
type OffenceChange struct {
	Title       *string `json:"title,omitempty" validate:"omitempty,min=1,max=120" example:"Over-speeding"`
	TitleUr     *string `json:"title_ur,omitempty" validate:"omitempty,min=1,max=120" example:"تیز رفتاری"`
	FinePKR     *int64  `json:"fine_pkr,omitempty" validate:"omitempty,min=1,max=1000000" example:"2000"`
	LateFinePKR *int64  `json:"late_fine_pkr,omitempty" validate:"omitempty,min=1,max=2000000" example:"4000"`
	DueDays     *int    `json:"due_days,omitempty" validate:"omitempty,min=1,max=365" example:"14"`
} // @name OffenceChange

func checkFines(fine, late int64) error {
	if late < fine {
		return domain.FieldInvalid("late_fine_pkr", "validation.offence.late_fine", nil)
	}
	return nil
}

// Challan is a traffic challan as its vehicle's holder and traffic staff
// see it.
type Challan struct {
	ID string `json:"id" format:"uuid"`
	// Number is the challan's number, to read over the phone.
	Number  string  `json:"number" example:"ICT-2026-000123"`
	Plate   string  `json:"plate" example:"ICT-ABC-123"`
	Offence Offence `json:"offence"`
	Sector  string  `json:"sector" example:"F-7"`
	Place   string  `json:"place" example:"Jinnah Avenue near Blue Area"`
	// OccurredAt is when the offence took place; IssuedAt when the challan
	// was recorded.
	OccurredAt time.Time `json:"occurred_at" format:"date-time"`
	IssuedAt   time.Time `json:"issued_at" format:"date-time"`
	// DueDate is the last local day to pay the fine; after it the late
	// fine is owed and the challan reads overdue.
	DueDate string `json:"due_date" format:"date" example:"2027-03-24"`
	// ContestUntil is the last local day the challan may be contested.
	ContestUntil string `json:"contest_until" format:"date" example:"2027-03-24"`
	// AmountPKR is what is owed today, or what was paid.
	AmountPKR   int64  `json:"amount_pkr" example:"2000"`
	Status      string `json:"status" enums:"issued,contested,overdue,paid,cancelled" example:"issued"`
	EvidenceURL string `json:"evidence_url,omitempty" example:"https://evidence.ictp.gov.pk/cam/17/2027-03-10T04-12-55.jpg"`
	// Statement is the citizen's, when contested; DecisionNote the
	// traffic admin's.
	Statement    string     `json:"statement,omitempty"`
	DecisionNote string     `json:"decision_note,omitempty"`
	PaidAt       *time.Time `json:"paid_at,omitempty" format:"date-time"`
	History      []Event    `json:"history"`
} // @name Challan

// Event is one change of a challan: what, when and by whom.
type Event struct {
	At     time.Time `json:"at" format:"date-time"`
	Action string    `json:"action" enums:"issued,contested,upheld,cancelled,paid" example:"issued"`
	// By is who acted: citizen, staff or client.
	By   string `json:"by" enums:"citizen,staff,client" example:"staff"`
	Note string `json:"note,omitempty"`
} // @name ChallanEvent

// IssueRequest issues a challan.
type IssueRequest struct {
	Plate       string    `json:"plate" validate:"required,max=20" example:"ICT-ABC-123"`
	OffenceCode string    `json:"offence_code" validate:"required,max=32" example:"OVERSPEED"`
	Place       string    `json:"place" validate:"required,max=200" example:"Jinnah Avenue near Blue Area"`
	Sector      string    `json:"sector" validate:"required,max=20" example:"F-7"`
	OccurredAt  time.Time `json:"occurred_at" validate:"required" format:"date-time"`
	// DeviceRef is the issuing device's own reference: sent again, it
	// returns the first challan (200) and never makes a second.
	DeviceRef string `json:"device_ref,omitempty" validate:"max=100" example:"cam-17-000451"`
	// EvidenceURL is an https link to the photo or video.
	EvidenceURL string `json:"evidence_url,omitempty" validate:"omitempty,max=500,url" example:"https://evidence.ictp.gov.pk/cam/17/2027-03-10T04-12-55.jpg"`
} // @name IssueRequest

// Check writes the plate, offence code and sector as they are stored and
// refuses a place of blanks and evidence not served over https, naming
// each.
func (in *IssueRequest) Check() error {
	var errs domain.FieldErrors
	plate, err := domain.NormalizePlate("plate", in.Plate)
	if err == nil {
		in.Plate = plate
	}
	errs.Add(err)
	in.OffenceCode, in.Sector = storedCode(in.OffenceCode), storedCode(in.Sector)
	if in.Place = strings.TrimSpace(in.Place); in.Place == "" {
		errs.Add(domain.FieldInvalid("place", "validation.required", nil))
	}
	if in.EvidenceURL != "" && !strings.HasPrefix(in.EvidenceURL, "https://") {
		errs.Add(domain.FieldInvalid("evidence_url", "validation.url.https", nil))
	}
	return errs.Err()
}

// ContestRequest contests a challan.
type ContestRequest struct {
	Statement string `json:"statement" validate:"required,min=10,max=2000" example:"My car was parked at home in G-9 at that time; the plate in the photo is ICT-ABG-123."`
} // @name ContestRequest

// DecisionRequest decides a contested challan.
type DecisionRequest struct {
	Decision string `json:"decision" validate:"required,oneof=upheld cancelled" enums:"upheld,cancelled"`
	Note     string `json:"note" validate:"required,max=2000" example:"The photo shows ICT-ABG-123; cancelled."`
} // @name DecisionRequest

// PaymentRequest pays a challan.
type PaymentRequest struct {
	Method string `json:"method" validate:"required,max=30" example:"sandbox"`
	// PaymentToken is what the app got from the provider's own SDK.
	PaymentToken string `json:"payment_token,omitempty" validate:"max=200" example:"tok_visa"`
} // @name ChallanPaymentRequest

// EffectiveStatus reads an issued challan as overdue once its due date,
// a local day, has passed.
func EffectiveStatus(status string, dueDate, now time.Time) string {
	if status == StatusIssued && domain.LocalDate(now).After(dueDate) {
		return StatusOverdue
	}
	return status
}

// AmountDue is what a challan costs to pay on now: the fine until the due
// date, the late fine after it.
func AmountDue(fine, lateFine int64, dueDate, now time.Time) int64 {
	if domain.LocalDate(now).After(dueDate) {
		return lateFine
	}
	return fine
}

// DueDate is the last local day of a challan issued at issuedAt for an
// offence with dueDays.
func DueDate(issuedAt time.Time, dueDays int) time.Time {
	return domain.LocalDate(issuedAt).AddDate(0, 0, dueDays)
}

// CanContest says whether a challan may be contested on now: issued (or
// overdue), and not after its last day to contest.
func CanContest(status string, contestUntil, now time.Time) bool {
	return status == StatusIssued && !domain.LocalDate(now).After(contestUntil)
}
