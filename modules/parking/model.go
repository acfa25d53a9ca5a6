package parking

import (
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
)

// Permit types.
const (
	TypeResident = "resident"
	TypeBusiness = "business"
	TypeDisabled = "disabled"
)

// Permit statuses. Expired and expired_unpaid are never stored: they are
// read from the dates, so a permit expires at once without a job.
const (
	StatusPendingPayment  = "pending_payment"
	StatusPendingApproval = "pending_approval"
	StatusActive          = "active"
	StatusExpired         = "expired"
	StatusExpiredUnpaid   = "expired_unpaid"
	StatusCancelled       = "cancelled"
	StatusRevoked         = "revoked"
	StatusRejected        = "rejected"
)

// paymentHold is how long an unpaid permit holds its place in the quota.
const paymentHold = 30 * time.Minute

// Zone is a parking zone with a quota of permits and its tariffs.
type Zone struct {
	ID          string `json:"id" format:"uuid"`
	Name        string `json:"name" example:"Jinnah Super Market (F-7)"`
	Sector      string `json:"sector" example:"F-7"`
	PermitQuota int    `json:"permit_quota" example:"400"`
	// ActivePermits counts the places held today: active, pending-approval
	// and unpaid permits within their payment hold, and places offered to
	// the zone's waitlist until the offer is accepted, declined or lapses.
	ActivePermits int      `json:"active_permits" example:"37"`
	Tariffs       []Tariff `json:"tariffs"`
} // @name Zone

// Tariff is the current price of a permit type for a number of months.
type Tariff struct {
	PermitType string `json:"permit_type" validate:"required,oneof=resident business disabled" enums:"resident,business,disabled"`
	Months     int    `json:"months" validate:"oneof=1 3 6 12" enums:"1,3,6,12"`
	// AmountPKR is the price in whole rupees. 0 is a price (the free
	// permit for disabled drivers); a tariff without one is refused.
	AmountPKR *int64 `json:"amount_pkr" validate:"required,min=0,max=10000000" example:"2500"`
} // @name Tariff

// Vehicle is a citizen's vehicle.
type Vehicle struct {
	ID        string    `json:"id" format:"uuid"`
	Plate     string    `json:"plate" example:"ICT-ABC-123"`
	Make      string    `json:"make" example:"Suzuki"`
	Model     string    `json:"model" example:"Alto"`
	Colour    string    `json:"colour" example:"white"`
	CreatedAt time.Time `json:"created_at" format:"date-time"`
} // @name Vehicle

// Permit is a parking permit for one vehicle in one zone.
type Permit struct {
	ID         string `json:"id" format:"uuid"`
	VehicleID  string `json:"vehicle_id" format:"uuid"`
	ZoneID     string `json:"zone_id" format:"uuid"`
	Plate      string `json:"plate" example:"ICT-ABC-123"`
	PermitType string `json:"permit_type" enums:"resident,business,disabled"`
	Months     int    `json:"months" enums:"1,3,6,12"`
	StartDate  string `json:"start_date" format:"date" example:"2027-01-01"`
	EndDate    string `json:"end_date" format:"date" example:"2027-03-31"`
	AmountPKR  int64  `json:"amount_pkr" example:"7200"`
	Status     string `json:"status" enums:"pending_payment,pending_approval,active,expired,expired_unpaid,cancelled,revoked,rejected"`
	// PayBy is when an unpaid permit gives its place back.
	PayBy  *time.Time `json:"pay_by,omitempty" format:"date-time"`
	Reason string     `json:"reason,omitempty"`
	// VerificationToken is a compact JWS (EdDSA, keys at /.well-known/jwks.json)
	// for the permit's QR code; only active permits carry one. It lasts a day
	// (at most to the end of the permit's last day): read the permit again
	// for a new one.
	VerificationToken string `json:"verification_token,omitempty"`
	RefundPKR         int64  `json:"refund_pkr,omitempty"`
	// EndsSoon is true for a live permit in its last 7 days.
	EndsSoon  bool      `json:"ends_soon"`
	CreatedAt time.Time `json:"created_at" format:"date-time"`
	UpdatedAt time.Time `json:"updated_at" format:"date-time"`
} // @name Permit

// PermitFilter narrows the parking authority's list of permits. Empty
// fields do not filter. Status is a status as people read it: expired and
// expired_unpaid included.
type PermitFilter struct {
	ZoneID string
	Status string
}

// permitStatuses are the statuses a list may be filtered by.
var permitStatuses = map[string]bool{StatusPendingPayment: true, StatusPendingApproval: true, StatusActive: true,
	StatusExpired: true, StatusExpiredUnpaid: true, StatusCancelled: true, StatusRevoked: true, StatusRejected: true}

// Check names a status that is not one (Malformed).
func (f PermitFilter) Check() error {
	if f.Status != "" && !permitStatuses[f.Status] {
		return domain.FieldMalformed("status", "validation.status.permit", nil)
	}
	return nil
}

// PermitDates returns the first and last local day of a permit of months
// starting on start (both inclusive, midnight UTC of the date). It ends the
// day before the same day of the month months later, or on the last day of
// that month when it has no such day (31 January + 1 month ends 28 or 29
// February).
func PermitDates(start time.Time, months int) (time.Time, time.Time) {
	y, m, d := start.Date()
	firstOfTarget := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	lastOfTarget := firstOfTarget.AddDate(0, 1, -1)
	if d > lastOfTarget.Day() {
		return start, lastOfTarget
	}
	return start, time.Date(y, m+time.Month(months), d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
}

// EffectiveStatus reads a permit's status at now: an active or approved
// permit past its last day is expired, an unpaid one past its hold is
// expired_unpaid.
func EffectiveStatus(stored string, endDate, holdUntil, now time.Time) string {
	today := domain.LocalDate(now)
	switch {
	case (stored == StatusActive || stored == StatusPendingApproval) && today.After(endDate):
		return StatusExpired
	case stored == StatusPendingPayment && !now.Before(holdUntil):
		return StatusExpiredUnpaid
	}
	return stored
}

// RemainingMonths is the number of whole months of a permit still to run
// on today, counted from today to the end of its last day.
func RemainingMonths(today, endDate time.Time) int {
	months := 0
	for {
		if _, end := PermitDates(today, months+1); end.After(endDate) {
			return months
		}
		months++
	}
}

// Refund is the pro-rata refund of whole remaining months.
func Refund(amount int64, months, remaining int) int64 {
	if remaining <= 0 || months <= 0 {
		return 0
	}
	return amount * int64(min(remaining, months)) / int64(months)
}
