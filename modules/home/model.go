package home

import (
	"time"

	"github.com/islamabad-digital/citizenapi/platform/offers"
)

// AppointmentCard is an upcoming appointment on the overview.
type AppointmentCard struct {
	ID             string    `json:"id" format:"uuid"`
	Status         string    `json:"status"`
	PatientName    string    `json:"patient_name"`
	StartsAt       time.Time `json:"starts_at" format:"date-time"`
	FacilityID     string    `json:"facility_id" format:"uuid"`
	PractitionerID string    `json:"practitioner_id" format:"uuid"`
	// What the card shows beside the time.
	FacilityName     string `json:"facility_name" example:"Pakistan Institute of Medical Sciences (PIMS)"`
	PractitionerName string `json:"practitioner_name" example:"Dr. Ayesha Siddiqui"`
	Specialty        string `json:"specialty" example:"cardiology"`
	QueueNumber      int    `json:"queue_number"`
} // @name AppointmentCard

// ApplicationCard is a school application on the overview.
type ApplicationCard struct {
	ID           string    `json:"id" format:"uuid"`
	Status       string    `json:"status"`
	ChildName    string    `json:"child_name"`
	SchoolID     string    `json:"school_id" format:"uuid"`
	Grade        int       `json:"grade"`
	AcademicYear string    `json:"academic_year"`
	UpdatedAt    time.Time `json:"updated_at" format:"date-time"`
} // @name ApplicationCard

// PermitCard is a live parking permit on the overview.
type PermitCard struct {
	ID         string `json:"id" format:"uuid"`
	Status     string `json:"status"`
	Plate      string `json:"plate"`
	ZoneID     string `json:"zone_id" format:"uuid"`
	PermitType string `json:"permit_type"`
	EndDate    string `json:"end_date" format:"date"`
	// EndsSoon is true in the permit's last 7 days.
	EndsSoon bool `json:"ends_soon"`
} // @name PermitCard

// ChallanCard is an unpaid traffic challan on the overview.
type ChallanCard struct {
	ID        string `json:"id" format:"uuid"`
	Number    string `json:"number" example:"ICT-2027-000123"`
	Status    string `json:"status" enums:"issued,overdue,contested" example:"issued"`
	Plate     string `json:"plate" example:"ICT-ABC-123"`
	Offence   string `json:"offence" example:"Signal violation"`
	OffenceUr string `json:"offence_ur" example:"اشارہ توڑنا"`
	// AmountPKR is what paying it costs today.
	AmountPKR int64  `json:"amount_pkr" example:"2000"`
	DueDate   string `json:"due_date" format:"date"`
} // @name ChallanCard

// Overview is a citizen's home screen.
type Overview struct {
	// LiveOffers are places held for the citizen from a waitlist, soonest
	// to expire first: shown first, because they run out.
	LiveOffers           []offers.OfferView `json:"live_offers"`
	UpcomingAppointments []AppointmentCard  `json:"upcoming_appointments"`
	SchoolApplications   []ApplicationCard  `json:"school_applications"`
	Permits              []PermitCard       `json:"permits"`
	UnpaidChallans       []ChallanCard      `json:"unpaid_challans"`
	UnreadNotifications  int                `json:"unread_notifications"`
} // @name Overview

// AccessEntry is one use of a citizen's data by someone else.
type AccessEntry struct {
	At time.Time `json:"at" format:"date-time"`
	// By is "staff" or "client"; staff are shown by role and unit, never by name.
	By         string `json:"by" enums:"staff,client,anonymous"`
	Department string `json:"department,omitempty" example:"health"`
	Role       string `json:"role,omitempty" example:"health_staff"`
	UnitID     string `json:"unit_id,omitempty"`
	ClientID   string `json:"client_id,omitempty"`
	Action     string `json:"action" example:"health.appointment.checked_in"`
	Purpose    string `json:"purpose"`
} // @name AccessEntry

// departmentOf names the department of a staff role.
func departmentOf(role string) string {
	for _, d := range []string{"health", "education", "parking", "traffic"} {
		if len(role) > len(d) && role[:len(d)] == d {
			return d
		}
	}
	if role == "admin" {
		return "platform"
	}
	return ""
}
