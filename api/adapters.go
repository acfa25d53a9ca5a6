package api

import (
	"context"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/home"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/parking"
	"github.com/islamabad-digital/citizenapi/modules/traffic"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// The adapters below answer the small interfaces one module declares with
// another module's service, so that no module imports another.

// units answers identity's question whether a facility or school exists
// from the health and education modules.
type units struct {
	health    *health.Service
	education *education.Service
	traffic   *traffic.Service
}

func (u units) UnitExists(ctx context.Context, kind, id string) (bool, error) {
	var err error
	switch kind {
	case identity.UnitFacility:
		_, err = u.health.Facility(ctx, id)
	case identity.UnitSchool:
		_, err = u.education.School(ctx, id)
	case identity.UnitSector:
		return u.traffic.SectorExists(ctx, id)
	default:
		return false, nil
	}
	if domain.IsKind(err, domain.NotFound) {
		return false, nil
	}
	return err == nil, err
}

// patients answers health's question who a patient is from identity.
type patients struct {
	people *identity.People
}

func (p patients) Citizen(ctx context.Context, accountID string) (health.Patient, error) {
	// The booking citizen's account was just read to authenticate them.
	acc, err := p.people.RecentAccount(ctx, accountID)
	if err != nil {
		return health.Patient{}, err
	}
	return health.Patient{Kind: "self", ID: acc.ID, FullName: acc.FullName, PersonID: acc.PersonID}, nil
}

func (p patients) Dependant(ctx context.Context, ownerID, dependantID string) (health.Patient, error) {
	d, err := p.people.Dependant(ctx, ownerID, dependantID)
	if err != nil {
		return health.Patient{}, err
	}
	return health.Patient{Kind: "dependant", ID: d.ID, FullName: d.FullName, PersonID: d.PersonID}, nil
}

// children answers education's question about a parent's children from
// identity, which says who is a child.
type children struct {
	people *identity.People
}

func (c children) Child(ctx context.Context, ownerID, childID string) (education.Child, error) {
	d, err := c.people.Child(ctx, ownerID, childID)
	if err != nil {
		return education.Child{}, err
	}
	return education.Child{ID: d.ID, FullName: d.FullName, DateOfBirth: d.DateOfBirth, PersonID: d.PersonID}, nil
}

// parkingVehicles answers parking's vehicle registry from identity's,
// where citizens' vehicles are kept with their accounts.
type parkingVehicles struct {
	vehicles *identity.Vehicles
}

func (r parkingVehicles) Register(ctx context.Context, accountID string, v parking.Vehicle) (parking.Vehicle, error) {
	out, err := r.vehicles.Register(ctx, accountID, identity.Vehicle{Plate: v.Plate, Make: v.Make, Model: v.Model, Colour: v.Colour})
	return parkingVehicle(out), err
}

func (r parkingVehicles) Owned(ctx context.Context, accountID, id string) (parking.Vehicle, error) {
	v, err := r.vehicles.Owned(ctx, accountID, id)
	return parkingVehicle(v), err
}

func (r parkingVehicles) List(ctx context.Context, accountID string, p page.Request) (page.Page[parking.Vehicle], error) {
	list, err := r.vehicles.List(ctx, accountID, p)
	out := make([]parking.Vehicle, len(list.Items))
	for i, v := range list.Items {
		out[i] = parkingVehicle(v)
	}
	return page.Page[parking.Vehicle]{Items: out, NextCursor: list.NextCursor}, err
}

func (r parkingVehicles) Remove(ctx context.Context, accountID, id string) error {
	return r.vehicles.Remove(ctx, accountID, id)
}

func parkingVehicle(v identity.Vehicle) parking.Vehicle {
	return parking.Vehicle{ID: v.ID, Plate: v.Plate, Make: v.Make, Model: v.Model, Colour: v.Colour, CreatedAt: v.CreatedAt}
}

// recipients answers the dispatcher's question where a citizen gets
// messages, from identity.
type recipients struct {
	people *identity.People
}

func (r recipients) Recipients(ctx context.Context, accountIDs []string) (map[string]notify.Recipient, error) {
	accounts, err := r.people.Contacts(ctx, accountIDs)
	out := make(map[string]notify.Recipient, len(accounts))
	for _, acc := range accounts {
		out[acc.ID] = notify.Recipient{Phone: acc.Phone, Email: acc.Email, Language: acc.PreferredLanguage}
	}
	return out, err
}

// upcoming answers the overview from health.
type upcoming struct{ health *health.Service }

func (u upcoming) Upcoming(ctx context.Context, accountID string, limit int) ([]home.AppointmentCard, error) {
	list, err := u.health.Upcoming(ctx, accountID, limit)
	out := make([]home.AppointmentCard, len(list))
	for i, a := range list {
		out[i] = home.AppointmentCard{ID: a.ID, Status: a.Status, PatientName: a.Patient.FullName, StartsAt: a.Slot.StartsAt,
			FacilityID: a.Slot.FacilityID, PractitionerID: a.Slot.PractitionerID, FacilityName: a.Slot.FacilityName,
			PractitionerName: a.Slot.PractitionerName, Specialty: a.Slot.Specialty, QueueNumber: a.QueueNumber}
	}
	return out, err
}

// recent answers the overview from education.
type recent struct{ education *education.Service }

func (r recent) Recent(ctx context.Context, accountID string, limit int) ([]home.ApplicationCard, error) {
	list, err := r.education.Recent(ctx, accountID, limit)
	out := make([]home.ApplicationCard, len(list))
	for i, a := range list {
		out[i] = home.ApplicationCard{ID: a.ID, Status: a.Status, ChildName: a.Child.FullName, SchoolID: a.SchoolID,
			Grade: a.Grade, AcademicYear: a.AcademicYear, UpdatedAt: a.UpdatedAt}
	}
	return out, err
}

// live answers the overview from parking.
type live struct{ parking *parking.Service }

func (l live) Live(ctx context.Context, accountID string, limit int) ([]home.PermitCard, error) {
	list, err := l.parking.Live(ctx, accountID, limit)
	out := make([]home.PermitCard, len(list))
	for i, p := range list {
		out[i] = home.PermitCard{ID: p.ID, Status: p.Status, Plate: p.Plate, ZoneID: p.ZoneID, PermitType: p.PermitType,
			EndDate: p.EndDate, EndsSoon: p.EndsSoon}
	}
	return out, err
}

// plates answers traffic's question who held a plate, from identity's
// vehicle registry.
type plates struct{ vehicles *identity.Vehicles }

func (p plates) HolderAt(ctx context.Context, plate string, at time.Time) (string, string, error) {
	v, err := p.vehicles.HolderAt(ctx, plate, at)
	return v.ID, v.AccountID, err
}

// unpaid answers home's question which challans a citizen owes, from
// traffic.
type unpaid struct{ traffic *traffic.Service }

func (u unpaid) Unpaid(ctx context.Context, accountID string, limit int) ([]home.ChallanCard, error) {
	list, err := u.traffic.Unpaid(ctx, accountID, limit)
	out := make([]home.ChallanCard, len(list))
	for i, c := range list {
		out[i] = home.ChallanCard{ID: c.ID, Number: c.Number, Status: c.Status, Plate: c.Plate, Offence: c.Offence.Title,
			OffenceUr: c.Offence.TitleUr, AmountPKR: c.AmountPKR, DueDate: c.DueDate}
	}
	return out, err
}
