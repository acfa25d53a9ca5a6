package parking

// Permit types.
const (
	TypeResident = "resident"
	TypeBusiness = "business"
	TypeDisabled = "disabled"
)

// Zone is a parking zone with a quota of permits and its tariffs.
type Zone struct {
	ID          string `json:"id" format:"uuid"`
	Name        string `json:"name" example:"Jinnah Super Market (F-7)"`
	Sector      string `json:"sector" example:"F-7"`
	PermitQuota int    `json:"permit_quota" example:"400"`
	// ActivePermits counts the places held: active, pending-approval and unpaid permits.
	ActivePermits int      `json:"active_permits" example:"37"`
	Tariffs       []Tariff `json:"tariffs"`
} // @name Zone

// Tariff is the current price of a permit type for a number of months.
type Tariff struct {
	PermitType string `json:"permit_type" enums:"resident,business,disabled"`
	Months     int    `json:"months" enums:"1,3,6,12"`
	AmountPKR  int64  `json:"amount_pkr" example:"2500"`
} // @name Tariff
