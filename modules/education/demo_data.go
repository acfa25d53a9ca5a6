package education

type demoSchool struct {
	Name, Level, Gender, Sector, EMIS string // Level: primary | middle | secondary | higher_secondary; Gender: boys | girls | co
	Grades                            []demoGrade
}

type demoGrade struct {
	Grade int
	Seats int
}

// demoSchools is a seed list of Federal Directorate of Education institutions
// in Islamabad with their admission entry grades and available seats.
var demoSchools = []demoSchool{
	{
		Name: "Islamabad Model College for Girls, F-7/2", Level: "higher_secondary", Gender: "girls", Sector: "F-7/2", EMIS: "41021",
		Grades: []demoGrade{{Grade: 6, Seats: 80}, {Grade: 9, Seats: 60}, {Grade: 11, Seats: 120}},
	},
	{
		Name: "Islamabad Model College for Boys, F-8/4", Level: "higher_secondary", Gender: "boys", Sector: "F-8/4", EMIS: "41034",
		Grades: []demoGrade{{Grade: 6, Seats: 90}, {Grade: 9, Seats: 60}, {Grade: 11, Seats: 110}},
	},
	{
		Name: "Islamabad Model College for Girls, F-6/2", Level: "higher_secondary", Gender: "girls", Sector: "F-6/2", EMIS: "41047",
		Grades: []demoGrade{{Grade: 6, Seats: 70}, {Grade: 9, Seats: 40}, {Grade: 11, Seats: 100}},
	},
	{
		Name: "Islamabad Model College for Boys, G-6/3", Level: "higher_secondary", Gender: "boys", Sector: "G-6/3", EMIS: "41052",
		Grades: []demoGrade{{Grade: 6, Seats: 80}, {Grade: 9, Seats: 50}, {Grade: 11, Seats: 90}},
	},
	{
		Name: "Islamabad Model School for Girls, G-7/2", Level: "secondary", Gender: "girls", Sector: "G-7/2", EMIS: "41066",
		Grades: []demoGrade{{Grade: 1, Seats: 50}, {Grade: 6, Seats: 40}, {Grade: 9, Seats: 30}},
	},
	{
		Name: "Islamabad Model School for Boys, G-8/1", Level: "middle", Gender: "boys", Sector: "G-8/1", EMIS: "41073",
		Grades: []demoGrade{{Grade: 1, Seats: 45}, {Grade: 6, Seats: 40}},
	},
	{
		Name: "Islamabad Model School for Boys, G-9/4", Level: "secondary", Gender: "boys", Sector: "G-9/4", EMIS: "41088",
		Grades: []demoGrade{{Grade: 6, Seats: 60}, {Grade: 9, Seats: 45}},
	},
	{
		Name: "Islamabad Model College for Girls, G-10/2", Level: "higher_secondary", Gender: "girls", Sector: "G-10/2", EMIS: "41091",
		Grades: []demoGrade{{Grade: 6, Seats: 70}, {Grade: 9, Seats: 50}, {Grade: 11, Seats: 100}},
	},
	{
		Name: "Islamabad Model College for Boys, G-11/1", Level: "higher_secondary", Gender: "boys", Sector: "G-11/1", EMIS: "41105",
		Grades: []demoGrade{{Grade: 6, Seats: 75}, {Grade: 9, Seats: 45}, {Grade: 11, Seats: 95}},
	},
	{
		Name: "Islamabad Model College for Boys, F-10/4", Level: "higher_secondary", Gender: "boys", Sector: "F-10/4", EMIS: "41118",
		Grades: []demoGrade{{Grade: 9, Seats: 60}, {Grade: 11, Seats: 120}},
	},
	{
		Name: "Islamabad Model School for Girls, F-11/1", Level: "secondary", Gender: "girls", Sector: "F-11/1", EMIS: "41123",
		Grades: []demoGrade{{Grade: 1, Seats: 40}, {Grade: 6, Seats: 50}, {Grade: 9, Seats: 35}},
	},
	{
		Name: "Islamabad Model School (I-V), I-8/1", Level: "primary", Gender: "co", Sector: "I-8/1", EMIS: "41137",
		Grades: []demoGrade{{Grade: 1, Seats: 60}, {Grade: 3, Seats: 20}},
	},
	{
		Name: "Islamabad Model College for Boys, I-8/3", Level: "higher_secondary", Gender: "boys", Sector: "I-8/3", EMIS: "41142",
		Grades: []demoGrade{{Grade: 6, Seats: 85}, {Grade: 9, Seats: 55}, {Grade: 11, Seats: 110}},
	},
	{
		Name: "Islamabad Model School (VI-X), I-10/1", Level: "secondary", Gender: "co", Sector: "I-10/1", EMIS: "41156",
		Grades: []demoGrade{{Grade: 6, Seats: 70}, {Grade: 9, Seats: 40}},
	},
	{
		Name: "Islamabad Model School for Boys, Tarlai Kalan", Level: "middle", Gender: "boys", Sector: "Tarlai Kalan", EMIS: "41169",
		Grades: []demoGrade{{Grade: 1, Seats: 35}, {Grade: 6, Seats: 30}},
	},
	{
		Name: "Islamabad Model College for Girls, Bhara Kahu", Level: "higher_secondary", Gender: "girls", Sector: "Bhara Kahu", EMIS: "41174",
		Grades: []demoGrade{{Grade: 6, Seats: 60}, {Grade: 9, Seats: 40}, {Grade: 11, Seats: 80}},
	},
}
