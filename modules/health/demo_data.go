package health

type demoFacility struct {
	Name, Kind, Sector, Address string // Kind: hospital | clinic | bhu | lab
	Lat, Lng                    float64
	Specialties                 []string
	Doctors                     []demoDoctor
}

type demoDoctor struct {
	FullName, Specialty, PMDC string
}

// demoFacilities is a seed list of public health facilities in Islamabad
// Capital Territory with their specialties and duty doctors (synthetic PMDC numbers).
var demoFacilities = []demoFacility{
	{
		Name:        "Pakistan Institute of Medical Sciences (PIMS)",
		Kind:        "hospital",
		Sector:      "G-8/3",
		Address:     "Ibn-e-Sina Road, G-8/3, Islamabad",
		Lat:         33.7006,
		Lng:         73.0502,
		Specialties: []string{"general-medicine", "cardiology", "paediatrics", "gynaecology", "orthopaedics", "psychiatry"},
		Doctors: []demoDoctor{
			{FullName: "Dr. Ayesha Siddiqui", Specialty: "cardiology", PMDC: "10001-P"},
			{FullName: "Dr. Imran Qureshi", Specialty: "general-medicine", PMDC: "10002-P"},
			{FullName: "Dr. Farah Naz", Specialty: "paediatrics", PMDC: "10003-P"},
			{FullName: "Dr. Saima Rehman", Specialty: "gynaecology", PMDC: "10004-P"},
			{FullName: "Dr. Tariq Mehmood", Specialty: "orthopaedics", PMDC: "10005-P"},
			{FullName: "Dr. Usman Ghani", Specialty: "psychiatry", PMDC: "10006-P"},
		},
	},
	{
		Name:        "Federal Government Services Hospital",
		Kind:        "hospital",
		Sector:      "G-6/2",
		Address:     "Sector G-6/2, Islamabad",
		Lat:         33.7163,
		Lng:         73.0827,
		Specialties: []string{"general-medicine", "cardiology", "gynaecology", "paediatrics", "ophthalmology"},
		Doctors: []demoDoctor{
			{FullName: "Dr. Khalid Mahmood Awan", Specialty: "general-medicine", PMDC: "10011-P"},
			{FullName: "Dr. Nadia Hussain", Specialty: "gynaecology", PMDC: "10012-P"},
			{FullName: "Dr. Shahid Iqbal", Specialty: "cardiology", PMDC: "10013-P"},
			{FullName: "Dr. Rabia Anwar", Specialty: "paediatrics", PMDC: "10014-P"},
			{FullName: "Dr. Asad Raza", Specialty: "ophthalmology", PMDC: "10015-P"},
		},
	},
	{
		Name:        "Federal Government Polyclinic (OPD)",
		Kind:        "clinic",
		Sector:      "G-6/2",
		Address:     "Outpatient Block, Federal Government Polyclinic, G-6/2, Islamabad",
		Lat:         33.7158,
		Lng:         73.0834,
		Specialties: []string{"general-medicine", "dermatology", "ent", "dentistry", "physiotherapy"},
		Doctors: []demoDoctor{
			{FullName: "Dr. Sana Javed", Specialty: "general-medicine", PMDC: "10021-P"},
			{FullName: "Dr. Bilal Ahmed Khan", Specialty: "ent", PMDC: "10022-P"},
			{FullName: "Dr. Hira Malik", Specialty: "dermatology", PMDC: "10023-P"},
			{FullName: "Dr. Kamran Abbasi", Specialty: "dentistry", PMDC: "10024-P"},
		},
	},
	{
		Name:        "Capital Hospital CDA",
		Kind:        "hospital",
		Sector:      "G-6/2",
		Address:     "CDA Hospital, Sector G-6/2, Islamabad",
		Lat:         33.7189,
		Lng:         73.0896,
		Specialties: []string{"general-medicine", "paediatrics", "gynaecology", "orthopaedics", "ent"},
		Doctors: []demoDoctor{
			{FullName: "Dr. Zahid Hussain Shah", Specialty: "general-medicine", PMDC: "10031-P"},
			{FullName: "Dr. Amna Batool", Specialty: "gynaecology", PMDC: "10032-P"},
			{FullName: "Dr. Faisal Nawaz", Specialty: "orthopaedics", PMDC: "10033-P"},
			{FullName: "Dr. Mehwish Akhtar", Specialty: "paediatrics", PMDC: "10034-P"},
		},
	},
	{
		Name:        "National Institute of Rehabilitation Medicine (NIRM)",
		Kind:        "hospital",
		Sector:      "G-8/2",
		Address:     "Sector G-8/2, Islamabad",
		Lat:         33.6968,
		Lng:         73.0559,
		Specialties: []string{"physiotherapy", "orthopaedics", "general-medicine"},
		Doctors: []demoDoctor{
			{FullName: "Dr. Naveed Akhtar Chaudhry", Specialty: "physiotherapy", PMDC: "10041-P"},
			{FullName: "Dr. Samina Kausar", Specialty: "physiotherapy", PMDC: "10042-P"},
			{FullName: "Dr. Adeel Butt", Specialty: "orthopaedics", PMDC: "10043-P"},
		},
	},
	{
		Name:        "Federal General Hospital Chak Shahzad",
		Kind:        "hospital",
		Sector:      "Chak Shahzad",
		Address:     "Park Road, Chak Shahzad, Islamabad",
		Lat:         33.6712,
		Lng:         73.1329,
		Specialties: []string{"general-medicine", "paediatrics", "gynaecology", "dentistry"},
		Doctors: []demoDoctor{
			{FullName: "Dr. Waqas Ahmed Satti", Specialty: "general-medicine", PMDC: "10051-P"},
			{FullName: "Dr. Maryam Zafar", Specialty: "gynaecology", PMDC: "10052-P"},
			{FullName: "Dr. Hamza Yousaf", Specialty: "paediatrics", PMDC: "10053-P"},
		},
	},
	{
		Name:        "National Institute of Health Diagnostic Laboratory",
		Kind:        "lab",
		Sector:      "Chak Shahzad",
		Address:     "Park Road, Chak Shahzad, Islamabad",
		Lat:         33.6795,
		Lng:         73.1352,
		Specialties: []string{"pathology", "general-medicine"},
		Doctors: []demoDoctor{
			{FullName: "Dr. Sadia Parveen", Specialty: "pathology", PMDC: "10061-P"},
			{FullName: "Dr. Ali Raza Bukhari", Specialty: "pathology", PMDC: "10062-P"},
		},
	},
	{
		Name:        "CDA Dispensary G-7/2",
		Kind:        "clinic",
		Sector:      "G-7/2",
		Address:     "Sector G-7/2, Islamabad",
		Lat:         33.7024,
		Lng:         73.0735,
		Specialties: []string{"general-medicine", "paediatrics"},
		Doctors: []demoDoctor{
			{FullName: "Dr. Rukhsana Yasmin", Specialty: "general-medicine", PMDC: "10071-P"},
			{FullName: "Dr. Junaid Aslam", Specialty: "paediatrics", PMDC: "10072-P"},
		},
	},
	{
		Name:        "BHU Tarlai Kalan",
		Kind:        "bhu",
		Sector:      "Tarlai Kalan",
		Address:     "Union Council Tarlai Kalan, Lehtrar Road, Islamabad",
		Lat:         33.6452,
		Lng:         73.1418,
		Specialties: []string{"general-medicine"},
		Doctors: []demoDoctor{
			{FullName: "Dr. Shazia Kiani", Specialty: "general-medicine", PMDC: "10081-P"},
			{FullName: "Dr. Muhammad Arshad", Specialty: "general-medicine", PMDC: "10082-P"},
		},
	},
	{
		Name:        "BHU Sihala",
		Kind:        "bhu",
		Sector:      "Sihala",
		Address:     "Union Council Sihala, Kahuta Road, Islamabad",
		Lat:         33.5401,
		Lng:         73.1795,
		Specialties: []string{"general-medicine"},
		Doctors: []demoDoctor{
			{FullName: "Dr. Naeem Abbasi", Specialty: "general-medicine", PMDC: "10091-P"},
		},
	},
	{
		Name:        "BHU Bhara Kahu",
		Kind:        "bhu",
		Sector:      "Bhara Kahu",
		Address:     "Union Council Bhara Kahu, Murree Road, Islamabad",
		Lat:         33.7362,
		Lng:         73.1849,
		Specialties: []string{"general-medicine", "gynaecology"},
		Doctors: []demoDoctor{
			{FullName: "Dr. Uzma Gillani", Specialty: "gynaecology", PMDC: "10101-P"},
			{FullName: "Dr. Fahad Mughal", Specialty: "general-medicine", PMDC: "10102-P"},
		},
	},
	{
		Name:        "BHU Koral",
		Kind:        "bhu",
		Sector:      "Koral",
		Address:     "Union Council Koral, near Islamabad Expressway, Islamabad",
		Lat:         33.6287,
		Lng:         73.1124,
		Specialties: []string{"general-medicine"},
		Doctors: []demoDoctor{
			{FullName: "Dr. Iqra Sultana", Specialty: "general-medicine", PMDC: "10111-P"},
		},
	},
}
