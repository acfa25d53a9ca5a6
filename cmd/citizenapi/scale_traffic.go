package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/traffic"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/serial"
)

// challansPerVehicle is how many challans there are for each vehicle. Each
// is on a vehicle drawn at random, so a vehicle has none, one or several.
const challansPerVehicle = 2

// challanDueLead is how many days before its due date the reminder job
// tells a challan's holder it is due.
const challanDueLead = 3

// trafficPlan is what the challans are made of: the sectors and offence
// schedule in the database, the earliest time of an offence (after every
// vehicle was registered), and how many of each year's numbers were
// issued before the load.
type trafficPlan struct {
	sectors  []trafficSector
	offences []trafficOffence
	from     time.Time
	numbered map[int]int64
}

type trafficSector struct {
	ID   pgtype.UUID
	Name string
}

type trafficOffence struct {
	Code       string
	Fine, Late int64
	DueDays    int
}

// loadTrafficCatalog loads seed demo's traffic sectors and offence
// schedule into a database that has none.
func loadTrafficCatalog(ctx context.Context, d *db.DB) error {
	if _, err := traffic.NewService(traffic.Deps{DB: d, Clock: domain.SystemClock{}}).LoadDemo(ctx); err != nil {
		return fmt.Errorf("load the traffic sectors and offences: %w", err)
	}
	return nil
}

// planTraffic reads the sectors and the offence schedule, and moves each
// year's series of challan numbers past the challans to load, as if each
// had been issued in turn.
func (g *scaleGen) planTraffic(ctx context.Context, tx pgx.Tx) error {
	t := &g.traffic
	rows, _ := tx.Query(ctx, "SELECT id, name FROM traffic_sectors ORDER BY code")
	sectors, err := pgx.CollectRows(rows, pgx.RowToStructByPos[trafficSector])
	if err != nil {
		return err
	}
	rows, _ = tx.Query(ctx, "SELECT code, fine_pkr, late_fine_pkr, due_days FROM traffic_offences ORDER BY code")
	offences, err := pgx.CollectRows(rows, pgx.RowToStructByPos[trafficOffence])
	if err != nil {
		return err
	}
	if g.challanCount() > 0 && (len(sectors) == 0 || len(offences) == 0) {
		return errors.New("the database has no traffic sectors or offences to issue challans in")
	}
	t.sectors, t.offences = sectors, offences
	t.from = g.registered(g.sizes.citizens).Add(31 * 24 * time.Hour)
	perYear := map[int]int64{}
	for i := range g.challanCount() {
		perYear[domain.LocalDate(g.challanOf(i).issued).Year()]++
	}
	t.numbered = map[int]int64{}
	for year, n := range perYear {
		var before int64
		err := tx.QueryRow(ctx, `INSERT INTO serials (series, last_issued) VALUES ($1, $2)
			ON CONFLICT (series) DO UPDATE SET last_issued = serials.last_issued + $2 RETURNING last_issued - $2`,
			challanSeries(year), n).Scan(&before)
		if err != nil {
			return err
		}
		t.numbered[year] = before
	}
	return nil
}

func challanSeries(year int) string { return "ICT-" + strconv.Itoa(year) }

func (g *scaleGen) challanCount() int64 { return challansPerVehicle * g.sizes.vehicles }

// challan is synthetic challan i. contested is when it was contested;
// settled when it was paid or its contest decided.
type challan struct {
	vehicle                  int64
	offence, sector, officer int
	road                     string
	status                   string
	occurred, issued, due    time.Time
	contested, settled       time.Time
	paid                     int64
}

var roads = []string{"Jinnah Avenue", "Kashmir Highway", "Faisal Avenue", "7th Avenue", "9th Avenue", "Margalla Road",
	"Ibn-e-Sina Road", "Club Road", "Service Road East", "Service Road West"}

// challanOf makes challan i: 15% issued and still within their due date,
// 18% issued and overdue, 3% contested, 3% cancelled on contest, the rest
// paid. Those within their due date and the contested ones are recent;
// the others occurred any time from t.from, when every vehicle was
// registered, until two hours ago.
func (g *scaleGen) challanOf(i int64) challan {
	t := &g.traffic
	h, ht := pick(i, saltChallan), pick(i, saltChallanTime)
	c := challan{vehicle: int64(h % uint64(g.sizes.vehicles)), offence: int(h >> 16 % uint64(len(t.offences))),
		sector: int(h >> 24 % uint64(len(t.sectors))), officer: int(h >> 48 % 500), road: roads[h>>8%uint64(len(roads))]}
	o := t.offences[c.offence]
	day := 24 * time.Hour
	dueDays := time.Duration(o.DueDays) * day
	within := func(lo, hi time.Duration) time.Duration { return lo + time.Duration(ht%uint64(hi-lo+1)) }
	recent, anytime := within(2*time.Hour, 2*time.Hour+dueDays-day), within(2*time.Hour, g.now.Sub(t.from))
	var ago time.Duration
	switch r := h >> 32 % 100; {
	case r < 15:
		c.status, ago = traffic.StatusIssued, recent
	case r < 33:
		c.status, ago = traffic.StatusIssued, within(dueDays+2*day, g.now.Sub(t.from))
	case r < 36:
		c.status, ago = traffic.StatusContested, recent
	case r < 39:
		c.status, ago = traffic.StatusCancelled, anytime
	default:
		c.status, ago = traffic.StatusPaid, anytime
	}
	c.occurred = g.now.Add(-ago).Truncate(time.Second)
	c.issued = c.occurred.Add(time.Duration(2+h>>40%58) * time.Minute)
	c.due = traffic.DueDate(c.issued, o.DueDays)
	since := min(g.now.Sub(c.issued), dueDays)
	switch c.status {
	case traffic.StatusContested:
		c.contested = c.issued.Add(since / 2).Truncate(time.Second)
	case traffic.StatusCancelled:
		c.contested, c.settled = c.issued.Add(since/3).Truncate(time.Second), c.issued.Add(2*since/3).Truncate(time.Second)
	case traffic.StatusPaid:
		after := 10*time.Minute + time.Duration(h>>56%uint64(o.DueDays+10))*day + time.Duration(h>>8%1440)*time.Minute
		c.settled = c.issued.Add(after)
		if last := g.now.Add(-time.Minute).Truncate(time.Second); c.settled.After(last) {
			c.settled = last
		}
		c.paid = traffic.AmountDue(o.Fine, o.Late, c.due, c.settled)
	}
	return c
}

// reminders are when the reminder job told the holder of an unpaid
// challan that it was due soon and that it was overdue, or nil when it
// is yet to: the job finds no backlog in the loaded challans.
func (g *scaleGen) reminders(c challan) (soon, overdue any) {
	if c.status != traffic.StatusIssued {
		return nil, nil
	}
	sent := func(day time.Time) time.Time {
		if t := at(day, 0); t.After(c.issued) {
			return t
		}
		return c.issued
	}
	if lead := c.due.AddDate(0, 0, -challanDueLead); !g.today.Before(lead) {
		soon = sent(lead)
	}
	if g.today.After(c.due) {
		overdue = sent(c.due.AddDate(0, 0, 1))
	}
	return soon, overdue
}

func (g *scaleGen) challans() table {
	cols := []string{"id", "number", "plate", "vehicle_id", "account_id", "offence_code", "fine_pkr", "late_fine_pkr", "sector_id",
		"place", "occurred_at", "issued_at", "due_date", "contest_until", "status", "issuer_id", "statement", "decision_note",
		"paid_pkr", "paid_at", "due_reminded_at", "overdue_reminded_at", "updated_at"}
	numbered := map[int]int64{}
	return counted("traffic_challans", cols, g.challanCount(), func(i int64, v []any) {
		c := g.challanOf(i)
		o, s := g.traffic.offences[c.offence], g.traffic.sectors[c.sector]
		year := domain.LocalDate(c.issued).Year()
		numbered[year]++
		v[0], v[1], v[2], v[3], v[4] = g.id(kindChallan, i), serial.Format(challanSeries(year), g.traffic.numbered[year]+numbered[year]),
			scalePlate(c.vehicle), g.id(kindVehicle, c.vehicle), g.id(kindAccount, g.owner(c.vehicle))
		v[5], v[6], v[7], v[8], v[9] = o.Code, o.Fine, o.Late, s.ID, c.road+", "+s.Name
		v[10], v[11], v[12], v[13], v[14], v[15] = c.occurred, c.issued, c.due, c.due, c.status, officerID(c.officer)
		v[16], v[17], v[18], v[19], v[22] = "", "", nil, nil, c.issued
		v[20], v[21] = g.reminders(c)
		switch c.status {
		case traffic.StatusContested:
			v[16], v[22] = contestStatement, c.contested
		case traffic.StatusCancelled:
			v[16], v[17], v[22] = contestStatement, decisionNote, c.settled
		case traffic.StatusPaid:
			v[18], v[19], v[22] = c.paid, c.settled, c.settled
		}
	})
}

const (
	contestStatement = "My car was parked at home at that time; the plate in the photo is not mine."
	decisionNote     = "The photo shows another vehicle; cancelled."
)

func officerID(n int) string { return fmt.Sprintf("scale-officer-%03d", n) }

// challanHistory is how many events each status's history has: issued,
// then contested and cancelled, or paid.
var challanHistory = map[string]int64{traffic.StatusIssued: 1, traffic.StatusContested: 2, traffic.StatusCancelled: 3, traffic.StatusPaid: 2}

func (g *scaleGen) challanEvents() table {
	cols := []string{"id", "challan_id", "at", "action", "actor_kind", "actor_id", "note"}
	return nested("traffic_challan_events", cols, g.challanCount(), func(i int64) int64 { return challanHistory[g.challanOf(i).status] },
		func(i, k int64, v []any) {
			c := g.challanOf(i)
			holder := uuidText(g.id(kindAccount, g.owner(c.vehicle)))
			v[0], v[1], v[6] = g.id(kindChallanEvent, 4*i+k), g.id(kindChallan, i), ""
			switch {
			case k == 0:
				v[2], v[3], v[4], v[5] = c.issued, "issued", domain.KindStaff, officerID(c.officer)
			case c.status == traffic.StatusPaid:
				v[2], v[3], v[4], v[5] = c.settled, "paid", domain.KindCitizen, holder
			case k == 1:
				v[2], v[3], v[4], v[5] = c.contested, "contested", domain.KindCitizen, holder
			default:
				v[2], v[3], v[4], v[5], v[6] = c.settled, "cancelled", domain.KindStaff, "scale-traffic-admin", decisionNote
			}
		})
}

// challanPayments are the paid challans' charges.
func (g *scaleGen) challanPayments() table {
	cols := []string{"id", "challan_id", "account_id", "provider", "provider_ref", "amount_pkr", "status", "created_at"}
	paid := func(i int64) int64 {
		if g.challanOf(i).status == traffic.StatusPaid {
			return 1
		}
		return 0
	}
	return nested("traffic_payments", cols, g.challanCount(), paid, func(i, _ int64, v []any) {
		c, id := g.challanOf(i), g.id(kindChallanPayment, i)
		v[0], v[1], v[2], v[3], v[4] = id, g.id(kindChallan, i), g.id(kindAccount, g.owner(c.vehicle)), "sandbox", "sbx_ch_"+uuidText(id)
		v[5], v[6], v[7] = c.paid, "succeeded", c.settled
	})
}

// nested is a table of count(i) rows for each of the items 0 to n-1 in
// turn; row fills the k-th row of item i.
func nested(name string, cols []string, n int64, count func(i int64) int64, row func(i, k int64, v []any)) table {
	var total, i, k int64
	for j := range n {
		total += count(j)
	}
	return table{name, cols, total, func(v []any) bool {
		for i < n && k >= count(i) {
			i, k = i+1, 0
		}
		if i == n {
			return false
		}
		row(i, k, v)
		k++
		return true
	}}
}
