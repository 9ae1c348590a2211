#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A wall-clock instant with microsecond precision, rendered as RFC 3339 in UTC.
struct LogTimestamp {
    let secondsSinceEpoch: Int
    let nanoseconds: Int

    static func now() -> LogTimestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return LogTimestamp(secondsSinceEpoch: Int(spec.tv_sec), nanoseconds: Int(spec.tv_nsec))
    }

    var nanosecondsSinceEpoch: UInt64 {
        UInt64(clamping: secondsSinceEpoch) &* 1_000_000_000 &+ UInt64(nanoseconds)
    }
}

extension LineBuffer {
    /// Appends `2026-11-22T10:30:45.123456Z` (or milliseconds only, for people).
    mutating func append(timestamp: LogTimestamp, fractionDigits: Int = 6) {
        let days = timestamp.secondsSinceEpoch.floorDivided(by: 86_400)
        let secondOfDay = timestamp.secondsSinceEpoch - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        append(twoDigits: year / 100)
        append(twoDigits: year % 100)
        append(UInt8(ascii: "-"))
        append(twoDigits: month)
        append(UInt8(ascii: "-"))
        append(twoDigits: day)
        append(UInt8(ascii: "T"))
        append(twoDigits: secondOfDay / 3600)
        append(UInt8(ascii: ":"))
        append(twoDigits: (secondOfDay / 60) % 60)
        append(UInt8(ascii: ":"))
        append(twoDigits: secondOfDay % 60)
        append(UInt8(ascii: "."))
        let microseconds = timestamp.nanoseconds / 1_000
        append(twoDigits: microseconds / 10_000)
        append(twoDigits: (microseconds / 100) % 100)
        if fractionDigits == 6 { append(twoDigits: microseconds % 100) } else { removeLast(1) }
        append(UInt8(ascii: "Z"))
    }
}

/// Year, month and day of the proleptic Gregorian calendar for a day count since 1970-01-01
/// (Howard Hinnant's `civil_from_days`), without touching the C library's time-zone state.
func civilDate(daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
    let shifted = daysSinceEpoch + 719_468
    let era = shifted.floorDivided(by: 146_097)
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

extension Int {
    func floorDivided(by divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
