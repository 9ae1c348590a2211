#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A wall-clock instant with microsecond precision, rendered as RFC 3339 in UTC.
struct LogTimestamp: Sendable {
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
    /// Appends `2026-11-22T10:30:45.123456Z`, or with milliseconds only (for people).
    mutating func append(timestamp: LogTimestamp, fractionDigits: Int = 6) {
        let days = timestamp.secondsSinceEpoch.floorDivided(by: 86_400)
        let secondOfDay = timestamp.secondsSinceEpoch - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let microseconds = timestamp.nanoseconds / 1_000
        // Filled in place and appended once: one capacity check instead of one per character.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 27) { text in
            func digits(_ value: Int, at offset: Int) {
                text[offset] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / 10)
                text[offset + 1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
            }
            digits(year / 100, at: 0)
            digits(year % 100, at: 2)
            text[4] = UInt8(ascii: "-")
            digits(month, at: 5)
            text[7] = UInt8(ascii: "-")
            digits(day, at: 8)
            text[10] = UInt8(ascii: "T")
            digits(secondOfDay / 3600, at: 11)
            text[13] = UInt8(ascii: ":")
            digits((secondOfDay / 60) % 60, at: 14)
            text[16] = UInt8(ascii: ":")
            digits(secondOfDay % 60, at: 17)
            text[19] = UInt8(ascii: ".")
            digits(microseconds / 10_000, at: 20)
            digits((microseconds / 100) % 100, at: 22)
            digits(microseconds % 100, at: 24)
            let end = fractionDigits == 6 ? 26 : 23
            text[end] = UInt8(ascii: "Z")
            append(UnsafeBufferPointer(rebasing: text[...end]))
        }
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
