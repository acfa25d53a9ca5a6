package health

import (
	"fmt"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
)

// Appointment statuses.
const (
	StatusBooked              = "booked"
	StatusCancelled           = "cancelled"
	StatusCancelledByFacility = "cancelled_by_facility"
	StatusCheckedIn           = "checked_in"
	StatusCompleted           = "completed"
	StatusNoShow              = "no_show"
)

// Appointment is a seat in a slot held for a patient.
type Appointment struct {
	ID          string  `json:"id" format:"uuid"`
	Status      string  `json:"status" enums:"booked,cancelled,cancelled_by_facility,checked_in,completed,no_show"`
	QueueNumber int     `json:"queue_number" example:"2"`
	Slot        Slot    `json:"slot"`
	Patient     Patient `json:"patient"`
	// Reason is what the patient wrote about the visit; it is health data
	// and is shown only to the patient's account and the facility's staff.
	Reason       string    `json:"reason,omitempty"`
	CancelReason string    `json:"cancel_reason,omitempty"`
	CreatedAt    time.Time `json:"created_at" format:"date-time"`
	UpdatedAt    time.Time `json:"updated_at" format:"date-time"`
} // @name Appointment

// IntegrationAppointment is an appointment as its facility's third-party
// client sees it: when, with which doctor, its place in the queue and its
// status. Who the patient is, the reason for the visit and the facility's
// cancellation note are for the patient and the facility's staff only.
type IntegrationAppointment struct {
	ID          string    `json:"id" format:"uuid"`
	Status      string    `json:"status" enums:"booked,cancelled,cancelled_by_facility,checked_in,completed,no_show"`
	QueueNumber int       `json:"queue_number" example:"2"`
	Slot        Slot      `json:"slot"`
	CreatedAt   time.Time `json:"created_at" format:"date-time"`
	UpdatedAt   time.Time `json:"updated_at" format:"date-time"`
} // @name IntegrationAppointment

// forClient is what a client sees of a.
func (a Appointment) forClient() IntegrationAppointment {
	return IntegrationAppointment{ID: a.ID, Status: a.Status, QueueNumber: a.QueueNumber, Slot: a.Slot, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

// Patient is who an appointment is for: the citizen or a dependant.
type Patient struct {
	Kind     string `json:"kind" enums:"self,dependant"`
	ID       string `json:"id" format:"uuid"`
	FullName string `json:"full_name" example:"Zainab Khan"`
	// PersonID is the person the patient is, however many records name them
	// (identity's people): one appointment a day with a doctor is kept per
	// person. It is never shown.
	PersonID string `json:"-"`
} // @name Patient

// staffMoves are the forward moves staff make on the day.
var staffMoves = map[string][]string{
	StatusBooked:    {StatusCheckedIn, StatusNoShow},
	StatusCheckedIn: {StatusCompleted},
}

// CheckMove says whether staff may move an appointment from one status to
// another at now: only forward, and no-show only once the slot has started.
// Errors: Conflict for a move that is not forward, Invalid for an early no-show.
func CheckMove(from, to string, startsAt, now time.Time) error {
	allowed := false
	for _, s := range staffMoves[from] {
		allowed = allowed || s == to
	}
	if !allowed {
		return domain.Errorf(domain.Conflict, "an appointment that is %s cannot become %s", from, to)
	}
	if to == StatusNoShow && now.Before(startsAt) {
		return domain.FieldInvalid("status", "validation.no_show.early", nil)
	}
	return nil
}

// CheckCutoff says whether a citizen may still cancel or move an
// appointment starting at startsAt. Errors: Invalid inside the cut-off.
func CheckCutoff(startsAt, now time.Time, cutoff time.Duration) error {
	if now.After(startsAt.Add(-cutoff)) {
		return domain.Errorf(domain.Invalid, "appointments can be cancelled or moved up to %s before they start", spell(cutoff))
	}
	return nil
}

// spell writes a duration the way people say it: "2 hours", "90 minutes".
func spell(d time.Duration) string {
	switch {
	case d == time.Hour:
		return "1 hour"
	case d%time.Hour == 0:
		return fmt.Sprintf("%d hours", d/time.Hour)
	}
	return fmt.Sprintf("%d minutes", d/time.Minute)
}
