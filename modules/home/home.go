package home

import (
	"context"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// overviewLimit bounds each list on the overview, and so its queries.
const overviewLimit = 20

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

// Overview is a citizen's home screen.
type Overview struct {
	UpcomingAppointments []AppointmentCard `json:"upcoming_appointments"`
	SchoolApplications   []ApplicationCard `json:"school_applications"`
	Permits              []PermitCard      `json:"permits"`
	UnreadNotifications  int               `json:"unread_notifications"`
} // @name Overview

// Appointments gives a citizen's upcoming appointments, their own and
// their dependants'; the health module answers it.
type Appointments interface {
	Upcoming(ctx context.Context, accountID string, limit int) ([]AppointmentCard, error)
}

// Applications gives a citizen's school applications, open and decided;
// the education module answers it.
type Applications interface {
	Recent(ctx context.Context, accountID string, limit int) ([]ApplicationCard, error)
}

// Permits gives a citizen's live parking permits; the parking module
// answers it.
type Permits interface {
	Live(ctx context.Context, accountID string, limit int) ([]PermitCard, error)
}

// Deps are what the home service reads from.
type Deps struct {
	Clock        domain.Clock
	Appointments Appointments
	Applications Applications
	Permits      Permits
	Inbox        *notify.Inbox
	Audit        *audit.Log
}

// Service is the home module's use cases.
type Service struct {
	Deps
}

// NewService returns the home service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

// Overview gathers the citizen's home screen with a fixed number of
// queries, however much the citizen has.
func (s *Service) Overview(ctx context.Context, p domain.Principal) (Overview, error) {
	var out Overview
	var err error
	if out.UpcomingAppointments, err = s.Appointments.Upcoming(ctx, p.Subject, overviewLimit); err != nil {
		return Overview{}, err
	}
	if out.SchoolApplications, err = s.Applications.Recent(ctx, p.Subject, overviewLimit); err != nil {
		return Overview{}, err
	}
	if out.Permits, err = s.Permits.Live(ctx, p.Subject, overviewLimit); err != nil {
		return Overview{}, err
	}
	out.UnreadNotifications, err = s.Inbox.Unread(ctx, p.Subject)
	return out, err
}

// Notifications lists the citizen's notifications in lang, unread first.
func (s *Service) Notifications(ctx context.Context, p domain.Principal, lang string, pg page.Request) (page.Page[notify.Notification], error) {
	return s.Inbox.List(ctx, p.Subject, lang, pg)
}

// MarkRead marks one of the citizen's notifications read. Errors: NotFound.
func (s *Service) MarkRead(ctx context.Context, p domain.Principal, id, lang string) (notify.Notification, error) {
	return s.Inbox.MarkRead(ctx, p.Subject, id, lang)
}

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

// AccessLog lists who else read or changed the citizen's and their
// dependants' records, newest first.
func (s *Service) AccessLog(ctx context.Context, p domain.Principal, lang string, pg page.Request) (page.Page[AccessEntry], error) {
	entries, err := s.Audit.List(ctx, audit.Filter{SubjectID: p.Subject, ExcludeActorID: p.Subject}, pg)
	if err != nil {
		return page.Page[AccessEntry]{}, err
	}
	out := page.Page[AccessEntry]{Items: make([]AccessEntry, len(entries.Items)), NextCursor: entries.NextCursor}
	for i, e := range entries.Items {
		a := AccessEntry{At: e.At, By: e.ActorKind, Role: e.ActorRoles, UnitID: e.ActorUnit, Action: e.Action, Purpose: e.Action}
		if i18n.Has("purpose." + e.Action) {
			a.Purpose = i18n.T(lang, "purpose."+e.Action, nil)
		}
		if e.ActorKind == "client" {
			a.ClientID = e.ActorID
		}
		a.Department = departmentOf(e.ActorRoles)
		out.Items[i] = a
	}
	return out, nil
}

// departmentOf names the department of a staff role.
func departmentOf(role string) string {
	for _, d := range []string{"health", "education", "parking"} {
		if len(role) > len(d) && role[:len(d)] == d {
			return d
		}
	}
	if role == "admin" {
		return "platform"
	}
	return ""
}
