package traffic

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/serial"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// maxOffenceAge is how long after an offence a challan may still be
// issued for it; clockSkew how far ahead of ours a device's clock may be.
const (
	maxOffenceAge = 90 * 24 * time.Hour
	clockSkew     = 5 * time.Minute
)

// Issue issues a challan for a plate, as a traffic officer in their own
// sector or a camera system's client. A device_ref the issuer sent before
// returns the first challan and false, also when the two requests race;
// a new challan returns true. The challan belongs to whoever held the
// plate when the offence occurred. Errors: Invalid naming the field
// (plate, offence_code, sector, occurred_at); Forbidden for an officer of
// another sector.
func (s *Service) Issue(ctx context.Context, p domain.Principal, in IssueRequest) (Challan, bool, error) {
	if in.DeviceRef != "" {
		if r, err := s.store.ChallanByDevice(ctx, p.Subject, in.DeviceRef); err == nil {
			return s.replay(ctx, r)
		} else if !domain.IsKind(err, domain.NotFound) {
			return Challan{}, false, err
		}
	}
	row, err := s.newChallan(ctx, p, in)
	if err != nil {
		return Challan{}, false, err
	}
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		// The number locks the year's series until commit, so nothing slow
		// follows it in this transaction.
		if row.Number, err = serial.Next(ctx, s.db, "ICT-"+strconv.Itoa(domain.LocalDate(row.IssuedAt).Year())); err != nil {
			return err
		}
		if err := s.store.CreateChallan(ctx, row); err != nil {
			return err
		}
		if err := s.record(ctx, p, row.ID, "issued", ""); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, audit.Entry{Action: "traffic.challan.issue", TargetType: "challan", TargetID: row.ID, SubjectID: row.holder()}); err != nil {
			return err
		}
		return s.tell(ctx, row, "challan.issued", "")
	})
	if errors.Is(err, errDuplicateDevice) {
		// A concurrent retry of the same device_ref won the race.
		r, err := s.store.ChallanByDevice(ctx, p.Subject, in.DeviceRef)
		if err != nil {
			return Challan{}, false, err
		}
		return s.replay(ctx, r)
	}
	if err != nil {
		return Challan{}, false, err
	}
	c, err := s.presentOne(ctx, row)
	return c, true, err
}

// replay answers a device's retry with the challan it issued, as it may
// stand since: contested or decided, seen from the roadside.
func (s *Service) replay(ctx context.Context, r challanRow) (Challan, bool, error) {
	c, err := s.presentOne(ctx, r)
	return roadside(c), false, err
}

// CheckIssue names the fields of an issue request that the schedule, the
// sectors or the clock refuse: an unknown offence or sector, an offence in
// the future or too long ago. The handler adds them to the fields the
// request's own checks name, so that one answer names every one.
func (s *Service) CheckIssue(ctx context.Context, in IssueRequest) error {
	_, _, err := s.checkIssue(ctx, in)
	return err
}

// checkIssue is CheckIssue, returning the sector and offence it found.
func (s *Service) checkIssue(ctx context.Context, in IssueRequest) (sectorRow, offenceRow, error) {
	var errs domain.FieldErrors
	offence, err := s.store.Offence(ctx, in.OffenceCode)
	if domain.IsKind(err, domain.NotFound) {
		errs.Add(domain.FieldInvalid("offence_code", "validation.offence.unknown", nil))
	} else {
		errs.Add(err)
	}
	sector, err := s.store.SectorByCode(ctx, in.Sector)
	if domain.IsKind(err, domain.NotFound) {
		errs.Add(domain.FieldInvalid("sector", "validation.sector.unknown", nil))
	} else {
		errs.Add(err)
	}
	now := s.clock.Now()
	if in.OccurredAt.After(now.Add(clockSkew)) || in.OccurredAt.Before(now.Add(-maxOffenceAge)) {
		errs.Add(domain.FieldInvalid("occurred_at", "validation.challan.occurred_at", nil))
	}
	return sector, offence, errs.Err()
}

// newChallan checks an issue request and makes the challan's row, with
// the plate's holder at the time of the offence.
func (s *Service) newChallan(ctx context.Context, p domain.Principal, in IssueRequest) (challanRow, error) {
	var errs domain.FieldErrors
	errs.Add(in.Check())
	sector, offence, err := s.checkIssue(ctx, in)
	errs.Add(err)
	if err := errs.Err(); err != nil {
		return challanRow{}, err
	}
	if !issuesIn(p, sector.ID) {
		return challanRow{}, domain.Errorf(domain.Forbidden, "you issue challans in your own sector only")
	}
	now := s.clock.Now()
	row := challanRow{ID: uuid.NewString(), Plate: in.Plate, OffenceCode: offence.Code, FinePKR: offence.FinePKR, LateFinePKR: offence.LateFinePKR,
		SectorID: sector.ID, Place: in.Place, OccurredAt: in.OccurredAt.UTC(), IssuedAt: now, DueDate: DueDate(now, offence.DueDays),
		ContestUntil: DueDate(now, offence.DueDays), Status: StatusIssued, IssuerID: p.Subject, EvidenceURL: in.EvidenceURL, UpdatedAt: now}
	if in.DeviceRef != "" {
		row.DeviceRef = &in.DeviceRef
	}
	vehicleID, accountID, err := s.plates.HolderAt(ctx, in.Plate, row.OccurredAt)
	switch {
	case err == nil:
		row.VehicleID, row.AccountID = &vehicleID, &accountID
	case !domain.IsKind(err, domain.NotFound):
		return challanRow{}, err
	}
	return row, nil
}

// issuesIn reports whether p may issue in a sector: traffic admins and
// unbound clients anywhere, officers and bound clients in their own.
func issuesIn(p domain.Principal, sectorID string) bool {
	if p.Kind == domain.KindClient {
		return p.UnitID == "" || p.UnitID == sectorID
	}
	return Roles.Manages(p, sectorID)
}

// record writes a change of a challan to its history.
func (s *Service) record(ctx context.Context, p domain.Principal, challanID, action, note string) error {
	return s.store.AddEvent(ctx, eventRow{ID: uuid.NewString(), ChallanID: challanID, At: s.clock.Now(), Action: action,
		ActorKind: p.Kind, ActorID: p.Subject, Note: note})
}

// challanEvents names the webhook event a notice kind is also sent as;
// reminders go to the holder only.
var challanEvents = map[string]string{"challan.issued": "challan.issued", "challan.paid": "challan.paid",
	"challan.contested": "challan.contested", "challan.upheld": "challan.decided", "challan.cancelled": "challan.decided"}

// tell notifies a challan's holder, if it has one, and its integrators.
func (s *Service) tell(ctx context.Context, r challanRow, kind, note string) error {
	if event := challanEvents[kind]; event != "" {
		err := s.events.Publish(ctx, webhook.New(event, r.SectorID, webhook.ChallanEventData{
			ChallanID: r.ID, Number: r.Number, Plate: r.Plate, OffenceCode: r.OffenceCode, Status: r.Status,
			AmountPKR: AmountDue(r.FinePKR, r.LateFinePKR, r.DueDate, s.clock.Now()), DueDate: r.DueDate.Format(time.DateOnly),
		}, s.clock.Now()))
		if err != nil {
			return err
		}
	}
	if r.AccountID == nil {
		return nil
	}
	return s.inbox.Add(ctx, notify.Notice{AccountID: *r.AccountID, Kind: kind, Params: map[string]string{
		"number": r.Number, "plate": r.Plate, "offence": r.OffenceCode,
		"amount":      strconv.FormatInt(AmountDue(r.FinePKR, r.LateFinePKR, r.DueDate, s.clock.Now()), 10),
		"late_amount": strconv.FormatInt(r.LateFinePKR, 10), "due": r.DueDate.Format("2 Jan 2006"),
		"status": r.Status, "note": note, "challan_id": r.ID,
	}})
}

// present makes stored challans what their readers see, with their
// histories loaded in one query, and offences and sectors from the
// catalogue.
func (s *Service) present(ctx context.Context, rows []challanRow) ([]Challan, error) {
	if len(rows) == 0 {
		return []Challan{}, nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	cat, err := s.catalogue(ctx, rows)
	if err != nil {
		return nil, err
	}
	history, err := s.store.events(ctx, ids)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	out := make([]Challan, len(rows))
	for i, r := range rows {
		o := cat.offences[r.OffenceCode].offence()
		// The challan's own fines, fixed when it was issued.
		o.FinePKR, o.LateFinePKR = r.FinePKR, r.LateFinePKR
		c := Challan{ID: r.ID, Number: r.Number, Plate: r.Plate, Offence: o, Sector: cat.sectors[r.SectorID], Place: r.Place,
			OccurredAt: r.OccurredAt.UTC(), IssuedAt: r.IssuedAt.UTC(), DueDate: r.DueDate.Format(time.DateOnly),
			ContestUntil: r.ContestUntil.Format(time.DateOnly), AmountPKR: AmountDue(r.FinePKR, r.LateFinePKR, r.DueDate, now),
			Status: EffectiveStatus(r.Status, r.DueDate, now), EvidenceURL: r.EvidenceURL, Statement: r.Statement,
			DecisionNote: r.DecisionNote, History: history[r.ID]}
		if c.History == nil {
			c.History = []Event{}
		}
		if r.PaidPKR != nil {
			c.AmountPKR = *r.PaidPKR
		}
		if r.PaidAt != nil {
			t := r.PaidAt.UTC()
			c.PaidAt = &t
		}
		out[i] = c
	}
	return out, nil
}

// catalogueAge is how long an instance answers from the catalogue it read;
// an offence renamed on another instance shows within it.
const catalogueAge = time.Second

// catalogue returns the schedule and sectors, read again when older than
// catalogueAge, changed by this instance, or lacking what rows name.
func (s *Service) catalogue(ctx context.Context, rows []challanRow) (catalogue, error) {
	now := s.clock.Now()
	if c, ok := s.catalogueCache.Get(struct{}{}, now); ok && c.has(rows) {
		return c, nil
	}
	c, err := s.store.catalogue(ctx)
	if err != nil {
		return catalogue{}, err
	}
	s.catalogueCache.Put(struct{}{}, c, now.Add(catalogueAge), now)
	return c, nil
}

// presentOne presents one challan as present does.
func (s *Service) presentOne(ctx context.Context, r challanRow) (Challan, error) {
	out, err := s.present(ctx, []challanRow{r})
	if err != nil {
		return Challan{}, err
	}
	return out[0], nil
}

// presentPage presents a page of stored challans.
func (s *Service) presentPage(ctx context.Context, rows page.Page[challanRow]) (page.Page[Challan], error) {
	items, err := s.present(ctx, rows.Items)
	return page.Page[Challan]{Items: items, NextCursor: rows.NextCursor}, err
}

// Challans lists the challans of the caller's vehicles from the day each
// was registered to them, newest first.
func (s *Service) Challans(ctx context.Context, p domain.Principal, pg page.Request) (page.Page[Challan], error) {
	rows, err := s.store.ListChallans(ctx, p.Subject, ChallanFilter{}, pg, s.clock.Now())
	if err != nil {
		return page.Page[Challan]{}, err
	}
	return s.presentPage(ctx, rows)
}

// Challan returns one of the caller's challans. Errors: NotFound, also for
// anyone else's.
func (s *Service) Challan(ctx context.Context, p domain.Principal, id string) (Challan, error) {
	r, err := s.store.OwnChallan(ctx, p.Subject, id)
	if err != nil {
		return Challan{}, err
	}
	return s.presentOne(ctx, r)
}

// Unpaid returns up to limit of accountID's unpaid challans (issued,
// overdue or contested), newest first, for the home screen.
func (s *Service) Unpaid(ctx context.Context, accountID string, limit int) ([]Challan, error) {
	rows, err := s.store.ListChallans(ctx, accountID, ChallanFilter{Status: "unpaid"}, page.Request{Limit: limit}, s.clock.Now())
	if err != nil {
		return nil, err
	}
	return s.present(ctx, rows.Items)
}

// Pay pays one of the caller's challans through the chosen provider: the
// fine, or the late fine after the due date. The challan is moved to paid
// before the provider is called, in the same transaction, so concurrent
// payments never both charge. Errors: NotFound; Invalid for an unknown
// method or a declined charge; Conflict for a challan that is contested,
// paid or cancelled.
func (s *Service) Pay(ctx context.Context, p domain.Principal, id string, in PaymentRequest) (Challan, error) {
	provider, ok := s.providers[in.Method]
	if !ok {
		return Challan{}, domain.FieldInvalid("method", "validation.payment.method", nil)
	}
	row, err := s.store.OwnChallan(ctx, p.Subject, id)
	if err != nil {
		return Challan{}, err
	}
	now := s.clock.Now()
	amount := AmountDue(row.FinePKR, row.LateFinePKR, row.DueDate, now)
	var declined bool
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		moved, err := s.store.MoveChallan(ctx, id, []string{StatusIssued}, nil,
			map[string]any{"status": StatusPaid, "paid_pkr": amount, "paid_at": now, "updated_at": now})
		if err != nil {
			return err
		}
		if !moved {
			return i18n.Err(domain.Conflict, "error.challan.not_payable", map[string]string{"status": EffectiveStatus(row.Status, row.DueDate, now)})
		}
		ref, approved, err := provider.Charge(ctx, row.ID, amount, in.PaymentToken)
		if err != nil {
			return domain.Wrap(domain.Unavailable, err, "the payment provider is not answering; try again")
		}
		if !approved {
			declined = true
			return domain.FieldInvalid("payment_token", "validation.payment.declined", nil)
		}
		if err := s.store.AddPayment(ctx, paymentRow{ID: uuid.NewString(), ChallanID: id, AccountID: p.Subject, Provider: in.Method,
			ProviderRef: ref, AmountPKR: amount, Status: "succeeded", CreatedAt: now}); err != nil {
			return err
		}
		if err := s.record(ctx, p, id, "paid", ""); err != nil {
			return err
		}
		row.Status, row.PaidPKR = StatusPaid, &amount
		return s.tell(ctx, row, "challan.paid", "")
	})
	if declined {
		// The declined attempt is kept on record; the challan stays unpaid.
		_ = s.store.AddPayment(context.WithoutCancel(ctx), paymentRow{ID: uuid.NewString(), ChallanID: id, AccountID: p.Subject,
			Provider: in.Method, AmountPKR: amount, Status: "declined", CreatedAt: now})
	}
	if err != nil {
		return Challan{}, err
	}
	return s.Challan(ctx, p, id)
}

// Contest contests one of the caller's challans with a statement, until
// its last day to contest; payment waits for the decision. A challan is
// contested once. Errors: NotFound; Conflict when it is not issued, was
// contested and decided before, or the days to contest are over.
func (s *Service) Contest(ctx context.Context, p domain.Principal, id string, in ContestRequest) (Challan, error) {
	row, err := s.store.OwnChallan(ctx, p.Subject, id)
	if err != nil {
		return Challan{}, err
	}
	now := s.clock.Now()
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		// A challan is contested once: an upheld one, issued again, keeps
		// its statement, and the decision stands.
		moved, err := s.store.MoveChallan(ctx, id, []string{StatusIssued}, map[string]any{"contest_until >= ?": domain.LocalDate(now), "statement = ?": ""},
			map[string]any{"status": StatusContested, "statement": in.Statement, "updated_at": now})
		if err != nil {
			return err
		}
		if !moved {
			switch {
			case row.Status == StatusIssued && row.Statement != "":
				return i18n.Err(domain.Conflict, "error.challan.decided", nil)
			case row.Status == StatusIssued:
				return i18n.Err(domain.Conflict, "error.challan.contest_closed", map[string]string{"date": row.ContestUntil.Format(time.DateOnly)})
			}
			return i18n.Err(domain.Conflict, "error.challan.not_contestable", map[string]string{"status": row.Status})
		}
		if err := s.record(ctx, p, id, "contested", ""); err != nil {
			return err
		}
		row.Status = StatusContested
		return s.tell(ctx, row, "challan.contested", "")
	})
	if err != nil {
		return Challan{}, err
	}
	return s.Challan(ctx, p, id)
}

// Decide upholds or cancels a contested challan, for a traffic admin. An
// upheld challan is due again as many days after the decision as it was
// first given. Errors: NotFound; Conflict when it is not contested.
func (s *Service) Decide(ctx context.Context, p domain.Principal, id string, in DecisionRequest) (Challan, error) {
	row, err := s.store.Challan(ctx, id)
	if err != nil {
		return Challan{}, err
	}
	now := s.clock.Now()
	fields := map[string]any{"status": StatusCancelled, "decision_note": in.Note, "updated_at": now}
	if in.Decision == DecisionUpheld {
		days := int(row.DueDate.Sub(domain.LocalDate(row.IssuedAt)).Hours() / 24)
		row.DueDate = domain.LocalDate(now).AddDate(0, 0, days)
		fields["status"], fields["due_date"], fields["due_reminded_at"], fields["overdue_reminded_at"] = StatusIssued, row.DueDate, nil, nil
	}
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		moved, err := s.store.MoveChallan(ctx, id, []string{StatusContested}, nil, fields)
		if err != nil {
			return err
		}
		if !moved {
			return i18n.Err(domain.Conflict, "error.challan.not_contested", map[string]string{"status": EffectiveStatus(row.Status, row.DueDate, now)})
		}
		if err := s.record(ctx, p, id, in.Decision, in.Note); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, audit.Entry{Action: "traffic.challan." + in.Decision, TargetType: "challan", TargetID: id, SubjectID: row.holder()}); err != nil {
			return err
		}
		row.Status, row.DecisionNote = fields["status"].(string), in.Note
		return s.tell(ctx, row, "challan."+in.Decision, in.Note)
	})
	if err != nil {
		return Challan{}, err
	}
	row, err = s.store.Challan(ctx, id)
	if err != nil {
		return Challan{}, err
	}
	return s.presentOne(ctx, row)
}

// StaffChallans lists challans for traffic staff, newest first: an
// officer's own sector's, an admin's of every sector or of the one asked
// for. Each citizen whose challan is read sees it in their access log.
// Errors: Invalid for an unknown sector or plate; Forbidden for an
// officer asking for another sector.
func (s *Service) StaffChallans(ctx context.Context, p domain.Principal, sectorCode string, f ChallanFilter, pg page.Request) (page.Page[Challan], error) {
	if sectorCode != "" {
		sector, err := s.store.SectorByCode(ctx, sectorCode)
		if domain.IsKind(err, domain.NotFound) {
			return page.Page[Challan]{}, domain.FieldInvalid("sector", "validation.sector.unknown", nil)
		} else if err != nil {
			return page.Page[Challan]{}, err
		}
		f.SectorID = sector.ID
	}
	if !p.HasRole(domain.RoleTrafficAdmin) {
		if f.SectorID != "" && f.SectorID != p.UnitID {
			return page.Page[Challan]{}, domain.Errorf(domain.Forbidden, "you read your own sector's challans only")
		}
		f.SectorID = p.UnitID
	}
	return s.readChallans(ctx, "traffic.challans.list", f, pg)
}

// PlateChallans is the roadside look-up of a plate's unpaid challans
// (issued, overdue or contested) in every sector, newest first, for
// officers and clients; each holder sees the read in their access log.
// Errors: Invalid naming plate.
func (s *Service) PlateChallans(ctx context.Context, plate string, pg page.Request) (page.Page[Challan], error) {
	if plate == "" {
		return page.Page[Challan]{}, domain.FieldInvalid("plate", "validation.required", nil)
	}
	plate, err := domain.NormalizePlate("plate", plate)
	if err != nil {
		return page.Page[Challan]{}, err
	}
	out, err := s.readChallans(ctx, "traffic.plate.lookup", ChallanFilter{Plate: plate, Status: "unpaid"}, pg)
	for i := range out.Items {
		out.Items[i] = roadside(out.Items[i])
	}
	return out, err
}

// roadside is a challan as an officer or a client sees it at the roadside
// or on a device's retry: what is owed, not what the holder wrote nor the
// decision on it, which the history's notes repeat.
func roadside(c Challan) Challan {
	c.Statement, c.DecisionNote = "", ""
	c.History = slices.Clone(c.History)
	for i := range c.History {
		c.History[i].Note = ""
	}
	return c
}

// readChallans lists challans for staff or a client and records the read
// for each citizen concerned.
func (s *Service) readChallans(ctx context.Context, action string, f ChallanFilter, pg page.Request) (page.Page[Challan], error) {
	rows, err := s.store.ListChallans(ctx, "", f, pg, s.clock.Now())
	if err != nil {
		return page.Page[Challan]{}, err
	}
	holders := make([]string, 0, len(rows.Items))
	for _, r := range rows.Items {
		holders = append(holders, r.holder())
	}
	target := f.Plate
	if target == "" {
		target = f.SectorID
	}
	if err := s.audit.RecordReads(ctx, action, "challans", target, holders); err != nil {
		return page.Page[Challan]{}, err
	}
	return s.presentPage(ctx, rows)
}

// OverdueChallan returns the number of an overdue challan accountID owes
// on plate, or "" when there is none: what parking asks before selling a
// permit. It asks by plate and holder, not by vehicle, so that removing a
// vehicle and registering its plate again does not lift the bar, while the
// plate's next owner never owes the last one's challans.
func (s *Service) OverdueChallan(ctx context.Context, accountID, plate string) (string, error) {
	return s.store.OverdueNumber(ctx, accountID, plate, s.clock.Now())
}
