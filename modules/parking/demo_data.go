package parking

type demoZone struct {
	Name, Sector string
	Quota        int
	Tariffs      []demoTariff
}

type demoTariff struct {
	PermitType string // resident | business | disabled
	Months     int    // 1, 3, 6, 12
	AmountPKR  int64
}

// demoZones is a seed list of Islamabad commercial parking zones with their
// permit quotas and permit tariffs in Pakistani rupees.
var demoZones = []demoZone{
	{
		Name:   "Blue Area (Jinnah Avenue)",
		Sector: "F-6",
		Quota:  600,
		Tariffs: []demoTariff{
			{PermitType: "resident", Months: 1, AmountPKR: 2500},
			{PermitType: "resident", Months: 3, AmountPKR: 7100},
			{PermitType: "resident", Months: 6, AmountPKR: 13500},
			{PermitType: "resident", Months: 12, AmountPKR: 25500},
			{PermitType: "business", Months: 1, AmountPKR: 6000},
			{PermitType: "business", Months: 3, AmountPKR: 17100},
			{PermitType: "business", Months: 6, AmountPKR: 32400},
			{PermitType: "business", Months: 12, AmountPKR: 61200},
			{PermitType: "disabled", Months: 1, AmountPKR: 800},
			{PermitType: "disabled", Months: 3, AmountPKR: 2300},
			{PermitType: "disabled", Months: 6, AmountPKR: 4300},
			{PermitType: "disabled", Months: 12, AmountPKR: 8200},
		},
	},
	{
		Name:   "Jinnah Super Market",
		Sector: "F-7",
		Quota:  450,
		Tariffs: []demoTariff{
			{PermitType: "resident", Months: 1, AmountPKR: 2500},
			{PermitType: "resident", Months: 3, AmountPKR: 7100},
			{PermitType: "resident", Months: 6, AmountPKR: 13500},
			{PermitType: "resident", Months: 12, AmountPKR: 25500},
			{PermitType: "business", Months: 1, AmountPKR: 5500},
			{PermitType: "business", Months: 3, AmountPKR: 15700},
			{PermitType: "business", Months: 6, AmountPKR: 29700},
			{PermitType: "business", Months: 12, AmountPKR: 56100},
			{PermitType: "disabled", Months: 1, AmountPKR: 800},
			{PermitType: "disabled", Months: 3, AmountPKR: 2300},
			{PermitType: "disabled", Months: 6, AmountPKR: 4300},
			{PermitType: "disabled", Months: 12, AmountPKR: 8200},
		},
	},
	{
		Name:   "Super Market",
		Sector: "F-6",
		Quota:  400,
		Tariffs: []demoTariff{
			{PermitType: "resident", Months: 1, AmountPKR: 2000},
			{PermitType: "resident", Months: 3, AmountPKR: 5700},
			{PermitType: "resident", Months: 6, AmountPKR: 10800},
			{PermitType: "resident", Months: 12, AmountPKR: 20400},
			{PermitType: "business", Months: 1, AmountPKR: 5000},
			{PermitType: "business", Months: 3, AmountPKR: 14250},
			{PermitType: "business", Months: 6, AmountPKR: 27000},
			{PermitType: "business", Months: 12, AmountPKR: 51000},
			{PermitType: "disabled", Months: 1, AmountPKR: 700},
			{PermitType: "disabled", Months: 3, AmountPKR: 2000},
			{PermitType: "disabled", Months: 6, AmountPKR: 3800},
			{PermitType: "disabled", Months: 12, AmountPKR: 7100},
		},
	},
	{
		Name:   "The Centaurus",
		Sector: "F-8",
		Quota:  500,
		Tariffs: []demoTariff{
			{PermitType: "resident", Months: 1, AmountPKR: 3000},
			{PermitType: "resident", Months: 3, AmountPKR: 8550},
			{PermitType: "resident", Months: 6, AmountPKR: 16200},
			{PermitType: "resident", Months: 12, AmountPKR: 30600},
			{PermitType: "business", Months: 1, AmountPKR: 7000},
			{PermitType: "business", Months: 3, AmountPKR: 19950},
			{PermitType: "business", Months: 6, AmountPKR: 37800},
			{PermitType: "business", Months: 12, AmountPKR: 71400},
			{PermitType: "disabled", Months: 1, AmountPKR: 1000},
			{PermitType: "disabled", Months: 3, AmountPKR: 2850},
			{PermitType: "disabled", Months: 6, AmountPKR: 5400},
			{PermitType: "disabled", Months: 12, AmountPKR: 10200},
		},
	},
	{
		Name:   "Aabpara Market",
		Sector: "G-6",
		Quota:  300,
		Tariffs: []demoTariff{
			{PermitType: "resident", Months: 1, AmountPKR: 1500},
			{PermitType: "resident", Months: 3, AmountPKR: 4250},
			{PermitType: "resident", Months: 6, AmountPKR: 8100},
			{PermitType: "resident", Months: 12, AmountPKR: 15300},
			{PermitType: "business", Months: 1, AmountPKR: 4000},
			{PermitType: "business", Months: 3, AmountPKR: 11400},
			{PermitType: "business", Months: 6, AmountPKR: 21600},
			{PermitType: "business", Months: 12, AmountPKR: 40800},
			{PermitType: "disabled", Months: 1, AmountPKR: 500},
			{PermitType: "disabled", Months: 3, AmountPKR: 1400},
			{PermitType: "disabled", Months: 6, AmountPKR: 2700},
			{PermitType: "disabled", Months: 12, AmountPKR: 5100},
		},
	},
	{
		Name:   "G-9 Markaz (Karachi Company)",
		Sector: "G-9",
		Quota:  350,
		Tariffs: []demoTariff{
			{PermitType: "resident", Months: 1, AmountPKR: 1500},
			{PermitType: "resident", Months: 3, AmountPKR: 4250},
			{PermitType: "resident", Months: 6, AmountPKR: 8100},
			{PermitType: "resident", Months: 12, AmountPKR: 15300},
			{PermitType: "business", Months: 1, AmountPKR: 3500},
			{PermitType: "business", Months: 3, AmountPKR: 9950},
			{PermitType: "business", Months: 6, AmountPKR: 18900},
			{PermitType: "business", Months: 12, AmountPKR: 35700},
			{PermitType: "disabled", Months: 1, AmountPKR: 500},
			{PermitType: "disabled", Months: 3, AmountPKR: 1400},
			{PermitType: "disabled", Months: 6, AmountPKR: 2700},
			{PermitType: "disabled", Months: 12, AmountPKR: 5100},
		},
	},
}
