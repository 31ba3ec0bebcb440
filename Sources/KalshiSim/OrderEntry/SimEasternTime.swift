import FixCodec

/// US Eastern time, which Kalshi's trading day follows: DAY orders expire at 11:59:59.999 pm ET
/// and ClearingBusinessDate (715) is the Eastern date of the trade (FACTS §9.1, §9.5).
/// DST: second Sunday of March 2:00 to first Sunday of November 2:00 (the rule since 2007).
enum SimEasternTime {
    /// UTC offset in seconds at `utcSeconds` (−4 h in summer, −5 h in winter).
    static func offset(atUTC utcSeconds: Int64) -> Int64 {
        let year = FixTimestamp(secondsSinceEpoch: utcSeconds).year
        // DST starts 2:00 EST (07:00 UTC) and ends 2:00 EDT (06:00 UTC).
        let start = days(year: year, month: 3, day: nthSunday(2, year: year, month: 3)) * 86_400 + 7 * 3_600
        let end = days(year: year, month: 11, day: nthSunday(1, year: year, month: 11)) * 86_400 + 6 * 3_600
        return (utcSeconds >= start && utcSeconds < end) ? -4 * 3_600 : -5 * 3_600
    }

    /// The Eastern calendar date at `nanoseconds` since the Unix epoch.
    static func date(atUTCNanoseconds nanoseconds: Int64) -> FixLocalMktDate? {
        let seconds = nanoseconds / 1_000_000_000
        let local = FixTimestamp(secondsSinceEpoch: seconds + offset(atUTC: seconds))
        return FixLocalMktDate(year: local.year, month: local.month, day: local.day)
    }

    /// 11:59:59.999 pm Eastern of the Eastern day containing `nanoseconds`, as UTC nanoseconds.
    static func endOfDay(atUTCNanoseconds nanoseconds: Int64) -> Int64 {
        let seconds = nanoseconds / 1_000_000_000
        let offset = offset(atUTC: seconds)
        let localMidnight = (seconds + offset).floorDivided(by: 86_400) * 86_400
        let localEnd = localMidnight + 86_400  // next local midnight
        return (localEnd - offset) * 1_000_000_000 - 1_000_000
    }

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The day of month of the `n`th Sunday.
    private static func nthSunday(_ n: Int, year: Int, month: Int) -> Int {
        let first = days(year: year, month: month, day: 1)
        let weekday = Int((first + 4).floorModulo(7))  // 0 = Sunday; 1970-01-01 was a Thursday
        return 1 + (7 - weekday) % 7 + (n - 1) * 7
    }
}

extension Int64 {
    fileprivate func floorDivided(by d: Int64) -> Int64 { (self >= 0 ? self : self - d + 1) / d }
    fileprivate func floorModulo(_ d: Int64) -> Int64 { ((self % d) + d) % d }
}
