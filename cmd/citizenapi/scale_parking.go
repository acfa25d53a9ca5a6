package main

import (
	"fmt"
	"time"

	"github.com/islamabad-digital/citizenapi/modules/parking"
)

func zoneQuota(z int64) int64 { return 300 + int64(pick(z, saltZone)%1201) }

var (
	permitTypes  = []string{parking.TypeResident, parking.TypeBusiness, parking.TypeDisabled}
	permitMonths = []int{1, 3, 6, 12}
)

// tariff is a zone's price in rupees: a base for a resident month, more for
// business, less for disabled drivers, cheaper by the month for longer permits.
func tariff(z int64, permitType, months int) int64 {
	base := 1500 + 100*int64(pick(z, saltZone)>>16%21)
	price := base * int64(permitMonths[months]) * []int64{100, 240, 32}[permitType] * []int64{100, 95, 90, 85}[months] / 10000
	return max(10, (price+5)/10*10)
}

func (g *scaleGen) zones() table {
	cols := []string{"id", "name", "sector", "permit_quota", "created_at", "updated_at"}
	created := g.now.AddDate(-3, 0, 0)
	return counted("parking_zones", cols, g.sizes.zones, func(z int64, v []any) {
		sector := sectors[z%int64(len(sectors))]
		v[0], v[1], v[2], v[3], v[4], v[5] = g.id(kindZone, z), fmt.Sprintf("%s Markaz, zone %d", sector, z+1), sector, zoneQuota(z), created, created
	})
}

func (g *scaleGen) tariffs() table {
	n := int64(len(permitTypes) * len(permitMonths))
	cols := []string{"zone_id", "permit_type", "months", "amount_pkr"}
	return counted("parking_tariffs", cols, g.sizes.zones*n, func(i int64, v []any) {
		z, t, m := i/n, int(i%n)/len(permitMonths), int(i%n)%len(permitMonths)
		v[0], v[1], v[2], v[3] = g.id(kindZone, z), permitTypes[t], permitMonths[m], tariff(z, t, m)
	})
}

var (
	vehicleModels = [][2]string{{"Suzuki", "Alto"}, {"Suzuki", "Cultus"}, {"Suzuki", "Mehran"}, {"Toyota", "Corolla"},
		{"Toyota", "Yaris"}, {"Honda", "City"}, {"Honda", "Civic"}, {"Kia", "Sportage"}, {"Hyundai", "Tucson"}, {"Changan", "Alsvin"}}
	colours = []string{"white", "silver", "black", "grey", "red", "blue"}
)

// owner is the citizen vehicle v belongs to.
func (g *scaleGen) owner(v int64) int64 { return g.scatter(v, 2) }

func (g *scaleGen) vehicles() table {
	cols := []string{"id", "account_id", "plate", "make", "model", "colour", "created_at"}
	return counted("vehicles", cols, g.sizes.vehicles, func(v int64, vals []any) {
		h, c := pick(v, saltVehicle), g.owner(v)
		m := vehicleModels[h%uint64(len(vehicleModels))]
		vals[0], vals[1], vals[2], vals[3], vals[4] = g.id(kindVehicle, v), g.id(kindAccount, c), scalePlate(v), m[0], m[1]
		vals[5], vals[6] = colours[h>>8%uint64(len(colours))], g.registered(c).Add(time.Duration(1+h>>16%30)*24*time.Hour)
	})
}

// permit is vehicle v's one permit.
type permit struct {
	zone               int64
	permitType, months int
	start, end         time.Time
	status             string
	amount, refund     int64
	created, updated   time.Time
	live               bool
}

// permitOf places vehicle v in zone v mod zones. The first 90% of each
// zone's quota hold live permits, covering today; the other vehicles' permits
// ended in the last 400 days, or were cancelled then, and their plates are
// anonymised as the retention job would have.
func (g *scaleGen) permitOf(v int64) permit {
	h := pick(v, saltPermit)
	p := permit{zone: v % g.sizes.zones, months: int(h % 4), status: parking.StatusActive}
	if r := h >> 8 % 100; r >= 95 {
		p.permitType = 2
	} else if r >= 85 {
		p.permitType = 1
	}
	months := permitMonths[p.months]
	p.amount = tariff(p.zone, p.permitType, p.months)
	p.live = v/g.sizes.zones < zoneQuota(p.zone)*9/10
	if p.live {
		p.start = g.today.AddDate(0, 0, -int(h>>16%uint64(months*28)))
		if p.permitType == 2 && h>>32%10 < 3 {
			p.status = parking.StatusPendingApproval
		}
	} else {
		p.start = g.today.AddDate(0, 0, -(months*31 + 5 + int(h>>16%uint64(395-months*31))))
	}
	_, p.end = parking.PermitDates(p.start, months)
	p.created = at(p.start, -time.Duration(1+h>>40%48)*time.Hour)
	p.updated = p.created.Add(5 * time.Minute)
	if !p.live && h>>32%100 < 15 {
		cancelled := p.start.AddDate(0, 0, int(h>>48%uint64(months*14+1)))
		p.status, p.updated = parking.StatusCancelled, at(cancelled, 10*time.Hour)
		p.refund = parking.Refund(p.amount, months, parking.RemainingMonths(cancelled, p.end))
	}
	return p
}

func (g *scaleGen) permits() table {
	cols := []string{"id", "account_id", "vehicle_id", "zone_id", "plate", "permit_type", "months", "start_date", "end_date",
		"amount_pkr", "status", "hold_until", "created_at", "updated_at"}
	return counted("parking_permits", cols, g.sizes.vehicles, func(v int64, vals []any) {
		p := g.permitOf(v)
		plate := parking.Anonymised
		if p.live {
			plate = scalePlate(v)
		}
		vals[0], vals[1], vals[2], vals[3], vals[4], vals[5], vals[6] = g.id(kindPermit, v), g.id(kindAccount, g.owner(v)), g.id(kindVehicle, v),
			g.id(kindZone, p.zone), plate, permitTypes[p.permitType], permitMonths[p.months]
		vals[7], vals[8], vals[9], vals[10], vals[11], vals[12], vals[13] = p.start, p.end, p.amount, p.status, p.created.Add(30*time.Minute), p.created, p.updated
	})
}

// payments are every permit's charge, and the refund of a cancelled one.
func (g *scaleGen) payments() table {
	var v, k, total int64
	for i := range g.sizes.vehicles {
		total++
		if g.permitOf(i).refund > 0 {
			total++
		}
	}
	cols := []string{"id", "permit_id", "account_id", "kind", "provider", "provider_ref", "amount_pkr", "status", "created_at"}
	return table{"parking_payments", cols, total, func(vals []any) bool {
		if k == 1 && g.permitOf(v).refund == 0 {
			v, k = v+1, 0
		}
		if v == g.sizes.vehicles {
			return false
		}
		p, id := g.permitOf(v), g.id(kindPayment, 2*v+k)
		vals[0], vals[1], vals[2], vals[4], vals[7] = id, g.id(kindPermit, v), g.id(kindAccount, g.owner(v)), "sandbox", "succeeded"
		if k == 0 {
			vals[3], vals[5], vals[6], vals[8] = "charge", "sbx_ch_"+uuidText(id), p.amount, p.created.Add(5*time.Minute)
			k = 1
		} else {
			vals[3], vals[5], vals[6], vals[8] = "refund", "sbx_re_"+uuidText(id), p.refund, p.updated
			v, k = v+1, 0
		}
		return true
	}}
}

var (
	firstNames = [2][]string{
		{"Ahmed", "Ali", "Bilal", "Hamza", "Usman", "Imran", "Faisal", "Zeeshan", "Asad", "Kamran", "Tariq", "Shahid",
			"Adnan", "Omer", "Hassan", "Hussain", "Junaid", "Waqas", "Saad", "Fahad"},
		{"Ayesha", "Fatima", "Zainab", "Maryam", "Sana", "Hira", "Amna", "Rabia", "Nadia", "Saima", "Farah", "Mehwish",
			"Iqra", "Sidra", "Khadija", "Noor", "Aliya", "Bushra", "Samina", "Uzma"},
	}
	surnames = []string{"Khan", "Ahmed", "Malik", "Qureshi", "Siddiqui", "Abbasi", "Butt", "Chaudhry", "Raja", "Awan", "Shah",
		"Hussain", "Iqbal", "Mirza", "Sheikh", "Javed", "Rehman", "Anwar", "Bhatti", "Kiani", "Satti", "Janjua", "Gillani", "Hashmi"}
)
