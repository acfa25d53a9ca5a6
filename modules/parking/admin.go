package parking

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// ZoneInput describes a zone as the parking authority enters it.
type ZoneInput struct {
	Name        string   `json:"name" validate:"required,min=2,max=100"`
	Sector      string   `json:"sector" validate:"required,max=50"`
	PermitQuota int      `json:"permit_quota" validate:"min=0,max=100000"`
	Tariffs     []Tariff `json:"tariffs" validate:"max=12,dive"`
} // @name ZoneInput

// ZoneChange holds the zone fields to change. Tariffs listed are set (new
// permits pay them; sold permits keep their price); others stay.
type ZoneChange struct {
	Name        *string  `json:"name,omitempty" validate:"omitempty,min=2,max=100" extensions:"x-nullable"`
	Sector      *string  `json:"sector,omitempty" validate:"omitempty,max=50" extensions:"x-nullable"`
	PermitQuota *int     `json:"permit_quota,omitempty" validate:"omitempty,min=0,max=100000" extensions:"x-nullable"`
	Tariffs     []Tariff `json:"tariffs,omitempty" validate:"max=12,dive"`
} // @name ZoneChange

// Check names every tariff at fault.
func (in ZoneInput) Check() error { return checkTariffs(in.Tariffs) }

// Check names every tariff at fault.
func (in ZoneChange) Check() error { return checkTariffs(in.Tariffs) }

// Verdict is the parking authority's reason for a decision.
type Verdict struct {
	Reason string `json:"reason" validate:"max=300" example:"Disability certificate verified"`
} // @name Verdict

// Verification answers an officer's plate check.
type Verification struct {
	Valid  bool          `json:"valid"`
	Permit *PermitFigure `json:"permit,omitempty"`
} // @name Verification

// PermitFigure is what an officer sees of a valid permit.
type PermitFigure struct {
	ID         string `json:"id" format:"uuid"`
	Plate      string `json:"plate" example:"ICT-ABC-123"`
	ZoneID     string `json:"zone_id" format:"uuid"`
	PermitType string `json:"permit_type" enums:"resident,business,disabled"`
	ValidFrom  string `json:"valid_from" format:"date"`
	ValidTo    string `json:"valid_to" format:"date"`
} // @name PermitFigure

// CreateZone adds a zone with its tariffs. Errors: Conflict for a known name.
func (s *Service) CreateZone(ctx context.Context, in ZoneInput) (Zone, error) {
	if err := in.Check(); err != nil {
		return Zone{}, err
	}
	z := Zone{ID: uuid.NewString(), Name: in.Name, Sector: in.Sector, PermitQuota: in.PermitQuota, Tariffs: in.Tariffs}
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateZone(ctx, z, s.clock.Now()); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "parking.zone.create", TargetType: "zone", TargetID: z.ID})
	})
	if err != nil {
		return Zone{}, err
	}
	return s.store.Zone(ctx, z.ID, s.clock.Now())
}

// UpdateZone changes a zone and sets tariffs; places a raised quota adds
// are offered to the zone's line at once. Errors: NotFound, Conflict.
func (s *Service) UpdateZone(ctx context.Context, id string, in ZoneChange) (Zone, error) {
	if err := in.Check(); err != nil {
		return Zone{}, err
	}
	fields := map[string]any{"updated_at": s.clock.Now()}
	if in.Name != nil {
		fields["name"] = *in.Name
	}
	if in.Sector != nil {
		fields["sector"] = *in.Sector
	}
	if in.PermitQuota != nil {
		fields["permit_quota"] = *in.PermitQuota
	}
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateZone(ctx, id, fields, in.Tariffs); err != nil {
			return err
		}
		if in.PermitQuota != nil {
			// In the same transaction, so that the new places go to the
			// line before anyone can buy them.
			if _, err := s.refill(ctx, id); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, audit.Entry{Action: "parking.zone.update", TargetType: "zone", TargetID: id})
	})
	if err != nil {
		return Zone{}, err
	}
	return s.store.Zone(ctx, id, s.clock.Now())
}

// checkTariffs names every tariff without a price or pricing a permit type
// and duration that an earlier one prices already.
func checkTariffs(tariffs []Tariff) error {
	var errs domain.FieldErrors
	seen := map[Tariff]bool{}
	for i, t := range tariffs {
		if t.AmountPKR == nil {
			errs.Add(domain.FieldInvalid(fmt.Sprintf("tariffs[%d].amount_pkr", i), "validation.required", nil))
		}
		key := Tariff{PermitType: t.PermitType, Months: t.Months}
		if seen[key] {
			errs.Add(domain.FieldInvalid(fmt.Sprintf("tariffs[%d]", i), "validation.tariff.twice", nil))
		}
		seen[key] = true
	}
	return errs.Err()
}

// AdminPermits lists every citizen's permits by status and zone, newest
// first. Errors: Malformed as PermitFilter.Check.
func (s *Service) AdminPermits(ctx context.Context, f PermitFilter, pg page.Request) (page.Page[Permit], error) {
	if err := f.Check(); err != nil {
		return page.Page[Permit]{}, err
	}
	rows, err := s.store.ListPermits(ctx, f, pg, s.clock.Now())
	if err != nil {
		return page.Page[Permit]{}, err
	}
	return s.permitPage(ctx, rows)
}

// Approve activates a paid disabled permit. Errors: NotFound, Conflict.
func (s *Service) Approve(ctx context.Context, id string, in Verdict) (Permit, error) {
	return s.decide(ctx, id, StatusPendingApproval, StatusActive, in.Reason, "permit.approved")
}

// Reject refuses a paid disabled permit and refunds it in full; its place
// is offered to the zone's line at once. Errors: NotFound, Conflict.
func (s *Service) Reject(ctx context.Context, id string, in Verdict) (Permit, error) {
	return s.decide(ctx, id, StatusPendingApproval, StatusRejected, in.Reason, "permit.rejected")
}

// Revoke ends an active permit at once, with a reason; its place is
// offered to the zone's line at once. Errors: NotFound, Conflict.
func (s *Service) Revoke(ctx context.Context, id string, in Verdict) (Permit, error) {
	if in.Reason == "" {
		return Permit{}, domain.FieldInvalid("reason", "validation.reason.revoke", nil)
	}
	return s.decide(ctx, id, StatusActive, StatusRevoked, in.Reason, "permit.revoked")
}

func (s *Service) decide(ctx context.Context, id, from, to, reason, kind string) (Permit, error) {
	row, err := s.store.Permit(ctx, id)
	if err != nil {
		return Permit{}, err
	}
	now := s.clock.Now()
	if status := EffectiveStatus(row.Status, row.EndDate, row.HoldUntil, now); status != from {
		return Permit{}, domain.Errorf(domain.Conflict, "the permit is %s, not %s", status, from)
	}
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		if to == StatusActive {
			moved, err := s.store.MovePermit(ctx, id, from, nil, map[string]any{"status": to, "reason": reason, "updated_at": now})
			if err != nil {
				return err
			}
			if !moved {
				return domain.Errorf(domain.Conflict, "the permit changed meanwhile; reload it")
			}
		} else {
			refund := int64(0)
			if to == StatusRejected {
				refund = row.AmountPKR
			}
			if err := s.close(ctx, row, to, reason, refund); err != nil {
				return err
			}
			// In the same transaction: the freed place goes to the line
			// before anyone can buy it.
			if _, err := s.refill(ctx, row.ZoneID); err != nil {
				return err
			}
		}
		if err := s.notice(ctx, row, kind, reason); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "parking.permit." + to, TargetType: "permit", TargetID: id, SubjectID: row.AccountID})
	})
	if err != nil {
		return Permit{}, err
	}
	row, err = s.store.Permit(ctx, id)
	if err != nil {
		return Permit{}, err
	}
	return s.presentOne(ctx, row)
}

// Verify tells an officer whether a plate has a valid permit in a zone
// today; revocation, cancellation and expiry show at once. Errors: Invalid
// plate.
func (s *Service) Verify(ctx context.Context, plate, zoneID string) (Verification, error) {
	plate, err := domain.NormalizePlate("plate", plate)
	if err != nil {
		return Verification{}, err
	}
	today := domain.LocalDate(s.clock.Now())
	r, found, err := s.store.ValidPermit(ctx, plate, zoneID, today)
	if err != nil || !found {
		return Verification{Valid: false}, err
	}
	return Verification{Valid: true, Permit: &PermitFigure{ID: r.ID, Plate: r.Plate, ZoneID: r.ZoneID, PermitType: r.PermitType,
		ValidFrom: r.StartDate.UTC().Format(time.DateOnly), ValidTo: r.EndDate.UTC().Format(time.DateOnly)}}, nil
}
