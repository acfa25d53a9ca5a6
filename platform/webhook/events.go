package webhook

import (
	"slices"
	"time"

	"github.com/google/uuid"
)

// EventType is one kind of event a client may subscribe to: who may
// receive it and what its data holds.
type EventType struct {
	// Name is the event's type, as subscriptions list it and the envelope's
	// type field carries it, e.g. "appointment.booked".
	Name string
	// Scope is the OAuth scope a client needs to subscribe.
	Scope string
	// UnitBound events go only to clients bound to the event's unit (a
	// facility or school). The others go to unbound clients and to those
	// bound to the event's unit.
	UnitBound bool
	// Description says in one sentence when the event is sent.
	Description string
	// Data is a zero value of the event's data, a struct with JSON, format
	// and example tags; Publish refuses an event whose data is of another
	// type.
	Data any
}

// EventTypes lists every event type once, in the order documentation
// shows them. It is the one list: subscriptions are checked against it,
// Publish routes by it, and the OpenAPI document's webhooks are made from
// it.
var EventTypes = []EventType{
	{Name: "appointment.booked", Scope: "health.appointments:read", UnitBound: true, Data: AppointmentEventData{},
		Description: "A citizen booked an appointment at the client's facility."},
	{Name: "appointment.cancelled", Scope: "health.appointments:read", UnitBound: true, Data: AppointmentEventData{},
		Description: "An appointment at the client's facility was cancelled, by the citizen or by the facility."},
	{Name: "permit.activated", Scope: "parking.permits:verify", Data: PermitEventData{},
		Description: "A parking permit became valid: it was paid for, or a disabled permit was approved."},
	{Name: "permit.revoked", Scope: "parking.permits:verify", Data: PermitEventData{},
		Description: "The parking authority revoked a permit before its end."},
	{Name: "application.decided", Scope: "education.schools:read", UnitBound: true, Data: ApplicationEventData{},
		Description: "An application to the client's school changed status by the school's decision or the platform's waitlist rules."},
	{Name: "lottery.drawn", Scope: "education.schools:read", Data: LotteryEventData{},
		Description: "A school grade's lottery was drawn: its seats went in rank order and the rest were waitlisted; GET /api/v1/education/lotteries/{lottery_id} shows the ranking and the seed to check it."},
	{Name: "challan.issued", Scope: "traffic.challans:lookup", Data: ChallanEventData{},
		Description: "A traffic challan was issued for a plate."},
	{Name: "challan.paid", Scope: "traffic.challans:lookup", Data: ChallanEventData{},
		Description: "A traffic challan was paid."},
	{Name: "challan.contested", Scope: "traffic.challans:lookup", Data: ChallanEventData{},
		Description: "The vehicle's holder contested a traffic challan; it waits for a decision."},
	{Name: "challan.decided", Scope: "traffic.challans:lookup", Data: ChallanEventData{},
		Description: "The traffic authority upheld (status issued) or cancelled a contested challan."},
	{Name: "advisory.published", Scope: "traffic.advisories:read", Data: AdvisoryEventData{},
		Description: "The traffic authority published a road closure or diversion."},
	{Name: "offer.made", Scope: "waitlists:read", Data: OfferEventData{},
		Description: "A freed place (a seat on a doctor's day, a seat in a school's grade, a place in a parking zone) was offered to the next citizen in line."},
	{Name: "offer.accepted", Scope: "waitlists:read", Data: OfferEventData{},
		Description: "A citizen accepted an offered place: it is booked, the seat accepted or the permit reserved (result_id)."},
	{Name: "offer.lapsed", Scope: "waitlists:read", Data: OfferEventData{},
		Description: "An offer ran out unanswered; its place went to the next in line."},
}

// Lookup returns the event type called name.
func Lookup(name string) (EventType, bool) {
	i := slices.IndexFunc(EventTypes, func(et EventType) bool { return et.Name == name })
	if i < 0 {
		return EventType{}, false
	}
	return EventTypes[i], true
}

// Event is something that happened, as subscribers receive it: the
// envelope of every event type.
type Event struct {
	// ID is the event's ID, also sent as webhook-id; a repeat carries the
	// same one.
	ID        string    `json:"id" format:"uuid" example:"0b6f2a3c-5d41-4e2a-9c7b-1f3e8d9a6b20"`
	Type      string    `json:"type" example:"appointment.booked"`
	CreatedAt time.Time `json:"created_at" format:"date-time" example:"2027-03-10T04:00:09Z"`
	// Data is the event type's data: the type EventTypes names for it.
	Data any `json:"data"`
	// unit is the facility, school or zone the event belongs to.
	unit string
} // @name WebhookEvent

// New returns an event of type typ belonging to unit, with data of the
// type EventTypes names for it.
func New(typ, unit string, data any, now time.Time) Event {
	return Event{ID: uuid.NewString(), Type: typ, CreatedAt: now, Data: data, unit: unit}
}

// AppointmentEventData is the data of appointment.booked and
// appointment.cancelled: the times and IDs a facility's systems need and
// nothing about the patient, who is the facility's to look up.
type AppointmentEventData struct {
	AppointmentID  string    `json:"appointment_id" format:"uuid" example:"6a1d3c2e-8f47-4b19-a0c5-3e7d9b2f4a61"`
	SlotID         string    `json:"slot_id" format:"uuid" example:"c4e8a1b7-2d93-4f60-b5a8-7d1e3c9f0b42"`
	FacilityID     string    `json:"facility_id" format:"uuid" example:"9f2b7d4a-1c86-4e3b-8a57-0d6c2e4f8b13"`
	PractitionerID string    `json:"practitioner_id" format:"uuid" example:"2e5c9a8d-7b14-4f2e-9d36-5a8b1c0e7f94"`
	StartsAt       time.Time `json:"starts_at" format:"date-time" example:"2027-03-11T04:30:00Z"`
	QueueNumber    int       `json:"queue_number" example:"2"`
	Status         string    `json:"status" enums:"booked,cancelled,cancelled_by_facility" example:"booked"`
} // @name AppointmentEventData

// PermitEventData is the data of permit.activated and permit.revoked: what
// an enforcement officer's system checks a parked car against.
type PermitEventData struct {
	PermitID   string `json:"permit_id" format:"uuid" example:"7d3f1b9e-4a62-4c8d-b2e5-9f0a6c3d1e87"`
	Plate      string `json:"plate" example:"ICT-ABC-123"`
	ZoneID     string `json:"zone_id" format:"uuid" example:"5b8e2c7f-3d19-4a6b-8e40-1c9f7a2d5b36"`
	PermitType string `json:"permit_type" enums:"resident,business,disabled" example:"resident"`
	ValidFrom  string `json:"valid_from" format:"date" example:"2027-01-01"`
	ValidTo    string `json:"valid_to" format:"date" example:"2027-03-31"`
} // @name PermitEventData

// ApplicationEventData is the data of application.decided: the
// application's new status, without the child.
type ApplicationEventData struct {
	ApplicationID string `json:"application_id" format:"uuid" example:"e1a7c5d3-9b28-4f6e-a3d0-8c2b5f7e1a49"`
	SchoolID      string `json:"school_id" format:"uuid" example:"3c9d6e1f-5a74-4b2c-9f8e-2d0b7a4c6e15"`
	Grade         int    `json:"grade" example:"6"`
	AcademicYear  string `json:"academic_year" example:"2027-28"`
	Status        string `json:"status" enums:"under_review,accepted,waitlisted,offered,rejected,enrolled,withdrawn" example:"accepted"`
} // @name ApplicationEventData

// LotteryEventData is the data of lottery.drawn: how the draw placed the
// grade's applications, never who.
type LotteryEventData struct {
	LotteryID    string `json:"lottery_id" format:"uuid" example:"2b7e4c1a-8d35-4f92-a6e0-5c3d9f1b7a28"`
	SchoolID     string `json:"school_id" format:"uuid" example:"3c9d6e1f-5a74-4b2c-9f8e-2d0b7a4c6e15"`
	Grade        int    `json:"grade" example:"1"`
	AcademicYear string `json:"academic_year" example:"2027-28"`
	// Accepted won seats; Offered won seats offered because the child
	// held one at another school; Waitlisted wait in rank order.
	Accepted   int `json:"accepted" example:"2"`
	Offered    int `json:"offered" example:"0"`
	Waitlisted int `json:"waitlisted" example:"4"`
} // @name LotteryEventData

// ChallanEventData is the data of the challan events: the challan as an
// enforcement or payment system tracks it, without its holder.
type ChallanEventData struct {
	ChallanID   string `json:"challan_id" format:"uuid" example:"8c2f5a1d-6e93-4b70-a1d8-3f9e7c2b5a64"`
	Number      string `json:"number" example:"ICT-2027-000123"`
	Plate       string `json:"plate" example:"ICT-ABC-123"`
	OffenceCode string `json:"offence_code" example:"OVERSPEED"`
	Status      string `json:"status" enums:"issued,contested,paid,cancelled" example:"issued"`
	// AmountPKR is what is owed (or was paid) when the event happened.
	AmountPKR int64  `json:"amount_pkr" example:"2000"`
	DueDate   string `json:"due_date" format:"date" example:"2027-03-24"`
} // @name ChallanEventData

// AdvisoryEventData is the data of advisory.published.
type AdvisoryEventData struct {
	AdvisoryID string    `json:"advisory_id" format:"uuid" example:"1f7c3e9a-2b58-4d61-9e0a-7c4b2d8f5e13"`
	Kind       string    `json:"kind" enums:"closure,diversion" example:"closure"`
	Title      string    `json:"title" example:"Jinnah Avenue closed for a state event"`
	Sectors    []string  `json:"sectors" example:"F-6,G-6"`
	StartsAt   time.Time `json:"starts_at" format:"date-time" example:"2027-03-23T03:00:00Z"`
	EndsAt     time.Time `json:"ends_at" format:"date-time" example:"2027-03-23T09:00:00Z"`
} // @name AdvisoryEventData

// OfferEventData is the data of the offer events: the place and its
// deadline, never the citizen.
type OfferEventData struct {
	OfferID string `json:"offer_id" format:"uuid" example:"4d2a7e1c-9b36-4f58-a0e1-6c3b8d5f2a97"`
	Service string `json:"service" enums:"health,education,parking" example:"health"`
	// UnitID is the facility, school or zone of the place.
	UnitID    string    `json:"unit_id" format:"uuid" example:"9f2b7d4a-1c86-4e3b-8a57-0d6c2e4f8b13"`
	Status    string    `json:"status" enums:"offered,accepted,lapsed" example:"offered"`
	ExpiresAt time.Time `json:"expires_at" format:"date-time" example:"2027-03-10T04:30:00Z"`
	// ResultID is the appointment, application or permit an accepted offer made.
	ResultID string `json:"result_id,omitempty" format:"uuid" example:"6a1d3c2e-8f47-4b19-a0c5-3e7d9b2f4a61"`
} // @name OfferEventData
