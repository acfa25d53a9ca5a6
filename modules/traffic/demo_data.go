package traffic

// demoSectors are sectors of Islamabad that the traffic police patrol.
var demoSectors = []struct{ Code, Name, NameUr string }{
	{"BLUE-AREA", "Blue Area", "بلیو ایریا"},
	{"F-6", "Sector F-6 (Supermarket)", "سیکٹر ایف سکس"},
	{"F-7", "Sector F-7 (Jinnah Super)", "سیکٹر ایف سیون"},
	{"F-8", "Sector F-8 (Kacheri)", "سیکٹر ایف ایٹ"},
	{"F-10", "Sector F-10 (Markaz)", "سیکٹر ایف ٹین"},
	{"G-6", "Sector G-6 (Aabpara)", "سیکٹر جی سکس"},
	{"G-9", "Sector G-9 (Karachi Company)", "سیکٹر جی نائن"},
	{"G-11", "Sector G-11", "سیکٹر جی الیون"},
	{"I-8", "Sector I-8", "سیکٹر آئی ایٹ"},
	{"H-8", "Sector H-8", "سیکٹر ایچ ایٹ"},
	{"E-7", "Sector E-7", "سیکٹر ای سیون"},
	{"SRINAGAR-HWY", "Srinagar Highway", "سری نگر ہائی وے"},
	{"EXPRESSWAY", "Islamabad Expressway", "اسلام آباد ایکسپریس وے"},
}

// demoOffences is a schedule of the kind Islamabad's traffic police
// publish: fines in rupees for cars and motorcycles alike, doubled after
// the due date.
var demoOffences = []OffenceInput{
	{Code: "OVERSPEED", Title: "Over-speeding", TitleUr: "تیز رفتاری", FinePKR: 2000, LateFinePKR: 4000, DueDays: 14},
	{Code: "SIGNAL", Title: "Signal violation", TitleUr: "اشارہ توڑنا", FinePKR: 2000, LateFinePKR: 4000, DueDays: 14},
	{Code: "NO_HELMET", Title: "Riding without a helmet", TitleUr: "ہیلمٹ کے بغیر موٹر سائیکل چلانا", FinePKR: 1000, LateFinePKR: 2000, DueDays: 14},
	{Code: "NO_SEATBELT", Title: "Driving without a seat belt", TitleUr: "سیٹ بیلٹ کے بغیر گاڑی چلانا", FinePKR: 1000, LateFinePKR: 2000, DueDays: 14},
	{Code: "WRONG_PARKING", Title: "Wrong parking", TitleUr: "غلط پارکنگ", FinePKR: 500, LateFinePKR: 1000, DueDays: 14},
	{Code: "ONE_WAY", Title: "One-way violation", TitleUr: "ون وے کی خلاف ورزی", FinePKR: 2000, LateFinePKR: 4000, DueDays: 14},
	{Code: "MOBILE_PHONE", Title: "Using a mobile phone while driving", TitleUr: "گاڑی چلاتے ہوئے موبائل فون کا استعمال", FinePKR: 1500, LateFinePKR: 3000, DueDays: 14},
	{Code: "LANE", Title: "Lane violation", TitleUr: "لین کی خلاف ورزی", FinePKR: 1000, LateFinePKR: 2000, DueDays: 14},
	{Code: "TINTED_GLASS", Title: "Tinted glass without permission", TitleUr: "بغیر اجازت کالے شیشے", FinePKR: 1500, LateFinePKR: 3000, DueDays: 14},
	{Code: "NO_LICENCE", Title: "Driving without a licence", TitleUr: "لائسنس کے بغیر گاڑی چلانا", FinePKR: 5000, LateFinePKR: 10000, DueDays: 30},
	{Code: "UNDERAGE", Title: "Under-age driving", TitleUr: "کم عمری میں گاڑی چلانا", FinePKR: 5000, LateFinePKR: 10000, DueDays: 30},
	{Code: "SMOKE", Title: "Smoke-emitting vehicle", TitleUr: "دھواں چھوڑنے والی گاڑی", FinePKR: 2000, LateFinePKR: 4000, DueDays: 30},
	{Code: "NO_PLATE", Title: "Missing or fancy number plate", TitleUr: "نمبر پلیٹ کا نہ ہونا یا فینسی نمبر پلیٹ", FinePKR: 1500, LateFinePKR: 3000, DueDays: 14},
}
