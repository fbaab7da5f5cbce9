/// The national public holidays of metropolitan France (Code du travail, art. L3133-1), which
/// push a time limit ending on one of them to the next working day (Code de procédure civile,
/// art. 642, applied by the CNDA and the legal-aid office).
///
/// Out of scope: Alsace-Moselle's Good Friday and 26 December (local law) and the overseas
/// departments' abolition-of-slavery days. The portal counts for the CNDA in Montreuil, whose
/// calendar is the national one; a person elsewhere is never told a later day than the law's.
public enum PublicHoliday: String, CaseIterable, Sendable {
    case newYear = "new_year"
    case easterMonday = "easter_monday"
    case labourDay = "labour_day"
    case victory1945 = "victory_1945"
    case ascension
    case whitMonday = "whit_monday"
    case bastilleDay = "bastille_day"
    case assumption
    case allSaints = "all_saints"
    case armistice
    case christmas
}

public enum FrenchPublicHolidays {
    /// Easter Sunday in the Gregorian calendar, by the anonymous algorithm (Meeus/Jones/Butcher),
    /// valid for every year `CivilDate` holds after 1582.
    public static func easterSunday(year: Int) -> CivilDate {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        // Always 22 March to 25 April, so the date exists.
        return CivilDate(year: year, month: month, day: day)!
    }

    public static func holiday(on day: CivilDate) -> PublicHoliday? {
        switch (day.month, day.day) {
        case (1, 1): return .newYear
        case (5, 1): return .labourDay
        case (5, 8): return .victory1945
        case (7, 14): return .bastilleDay
        case (8, 15): return .assumption
        case (11, 1): return .allSaints
        case (11, 11): return .armistice
        case (12, 25): return .christmas
        case (3...6, _):
            switch easterSunday(year: day.year).days(until: day) {
            case 1: return .easterMonday
            case 39: return .ascension
            case 50: return .whitMonday
            default: return nil
            }
        default: return nil
        }
    }

    /// Not a Saturday, a Sunday or a public holiday.
    public static func isWorkingDay(_ day: CivilDate) -> Bool {
        !day.weekday.isWeekend && holiday(on: day) == nil
    }

    /// `day` itself when it is a working day, else the first one after it.
    public static func nextWorkingDay(onOrAfter day: CivilDate) -> CivilDate {
        var candidate = day
        // At most four days off in a row: Ascension on 30 April or 7 May, then 1 or 8 May and a weekend.
        while !isWorkingDay(candidate) { candidate = candidate.adding(days: 1) }
        return candidate
    }
}
