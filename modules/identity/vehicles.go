package identity

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// Vehicle is a vehicle registered to a citizen's account: its plate was
// the account's from CreatedAt until the vehicle was removed.
type Vehicle struct {
	ID        string
	AccountID string
	Plate     string
	Make      string
	Model     string
	Colour    string
	CreatedAt time.Time
}

type vehicleRow struct {
	ID        string
	AccountID string
	Plate     string
	Make      string
	Model     string
	Colour    string
	CreatedAt time.Time
	// DeletedAt is when the vehicle was removed. The row is kept: permits
	// name it, and it says who held the plate until then.
	DeletedAt *time.Time
}

func (vehicleRow) TableName() string { return "vehicles" }

func (r vehicleRow) vehicle() Vehicle {
	return Vehicle{ID: r.ID, AccountID: r.AccountID, Plate: r.Plate, Make: r.Make, Model: r.Model, Colour: r.Colour,
		CreatedAt: r.CreatedAt.UTC()}
}

// Vehicles is the registry of citizens' vehicles: which account holds a
// plate, and which held it at a given time. The services that deal with
// vehicles (parking permits, traffic fines) share it; it needs no other
// module, so it is built before them.
type Vehicles struct {
	db    *db.DB
	clock domain.Clock
}

// NewVehicles returns the registry on d.
func NewVehicles(d *db.DB, clock domain.Clock) *Vehicles {
	return &Vehicles{db: d, clock: clock}
}

// Register registers v, with its plate normalised, to accountID. Errors:
// Invalid naming plate; Conflict naming plate when an account holds the
// plate, this one included.
func (v *Vehicles) Register(ctx context.Context, accountID string, in Vehicle) (Vehicle, error) {
	plate, err := domain.NormalizePlate("plate", in.Plate)
	if err != nil {
		return Vehicle{}, err
	}
	r := vehicleRow{ID: uuid.NewString(), AccountID: accountID, Plate: plate, Make: in.Make, Model: in.Model, Colour: in.Colour,
		CreatedAt: v.clock.Now().UTC()}
	err = v.db.Conn(ctx).Create(&r).Error
	if db.IsUniqueViolation(err) {
		return Vehicle{}, &domain.Error{Kind: domain.Conflict, Message: "this plate is registered to an account already",
			Fields: []domain.FieldError{{Field: "plate", Key: "validation.taken"}}, Err: err}
	}
	if err != nil {
		return Vehicle{}, db.Translate(err, "")
	}
	return r.vehicle(), nil
}

// Owned returns one of accountID's vehicles that is not removed. Errors:
// NotFound, also for another account's.
func (v *Vehicles) Owned(ctx context.Context, accountID, id string) (Vehicle, error) {
	var r vehicleRow
	err := v.db.Conn(ctx).Where("id = ? AND account_id = ? AND deleted_at IS NULL", id, accountID).Take(&r).Error
	if err != nil {
		return Vehicle{}, db.Translate(err, "vehicle not found")
	}
	return r.vehicle(), nil
}

// vehicleOrder reads an account's vehicles oldest first.
var vehicleOrder = page.Ascending(page.Time("created_at"), page.ID("id"))

// List returns a page of accountID's vehicles that are not removed, oldest
// first.
func (v *Vehicles) List(ctx context.Context, accountID string, p page.Request) (page.Page[Vehicle], error) {
	q := v.db.Conn(ctx).Model(&vehicleRow{}).Where("account_id = ? AND deleted_at IS NULL", accountID)
	q, err := vehicleOrder.Seek(q, p)
	if err != nil {
		return page.Page[Vehicle]{}, err
	}
	var rows []vehicleRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[Vehicle]{}, db.Translate(err, "")
	}
	out := make([]Vehicle, len(rows))
	for i, r := range rows {
		out[i] = r.vehicle()
	}
	return page.Build(vehicleOrder, out, p, func(v Vehicle) []any { return []any{v.CreatedAt, v.ID} }), nil
}

// Remove removes one of accountID's vehicles: from now on the plate is
// free for anyone to register. Errors: NotFound, also for another
// account's.
func (v *Vehicles) Remove(ctx context.Context, accountID, id string) error {
	res := v.db.Conn(ctx).Model(&vehicleRow{}).Where("id = ? AND account_id = ? AND deleted_at IS NULL", id, accountID).
		Update("deleted_at", v.clock.Now().UTC())
	if res.Error != nil {
		return db.Translate(res.Error, "")
	}
	if res.RowsAffected == 0 {
		return domain.Errorf(domain.NotFound, "vehicle not found")
	}
	return nil
}

// HolderAt returns the vehicle that carried plate at time at: registered
// by then (a registration counts from the start of its second, as times
// written to the second are) and not yet removed; when a plate changed
// hands within that second, the new holder. Its AccountID is who held the
// plate. A removed vehicle's plate is kept for 92 days only (see
// AnonymisePlates). Errors: Invalid naming plate; NotFound when nobody
// held it.
func (v *Vehicles) HolderAt(ctx context.Context, plate string, at time.Time) (Vehicle, error) {
	plate, err := domain.NormalizePlate("plate", plate)
	if err != nil {
		return Vehicle{}, err
	}
	// In UTC, as stored: SQLite compares times as text.
	at = at.UTC()
	var r vehicleRow
	err = v.db.Conn(ctx).Where("plate = ? AND created_at < ? AND (deleted_at IS NULL OR deleted_at > ?)", plate, at.Truncate(time.Second).Add(time.Second), at).
		Order("created_at DESC").Take(&r).Error
	if err != nil {
		return Vehicle{}, db.Translate(err, "no vehicle carried this plate then")
	}
	return r.vehicle(), nil
}
