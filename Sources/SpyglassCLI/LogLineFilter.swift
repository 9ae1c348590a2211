import Foundation
import Logging
import SpyglassLogging

/// Which JSON log lines `spyglass logs` shows.
struct LogLineFilter {
    /// The least severe level shown; `nil`: all.
    var minimumLevel: Logger.Level?
    /// A logger label: it and the labels under it (`api` takes `api.jobs`).
    var logger: String?
    var traceID: String?
    var requestID: String?
    /// Text the line must contain, ignoring case.
    var text: String?
    var since: Date?
    var until: Date?

    /// Whether any filter looks at a line's fields (which a line that is not JSON does not have).
    var readsFields: Bool {
        minimumLevel != nil || logger != nil || traceID != nil || requestID != nil || since != nil || until != nil
    }

    func accepts(raw line: String, fields: [String: Any]?) -> Bool {
        if let text, line.range(of: text, options: .caseInsensitive) == nil { return false }
        guard readsFields else { return true }
        guard let fields else { return false }
        if let minimumLevel {
            guard let level = (fields["level"] as? String).flatMap({ Logger.Level(name: $0) }), level >= minimumLevel else { return false }
        }
        if let logger {
            guard let label = fields["logger"] as? String, label == logger || label.hasPrefix(logger + ".") else { return false }
        }
        if let traceID, fields["trace_id"] as? String != traceID { return false }
        if let requestID, fields["request_id"] as? String != requestID { return false }
        if since != nil || until != nil {
            guard let time = (fields["timestamp"] as? String).flatMap(Self.parseTimestamp) else { return false }
            if let since, time < since { return false }
            if let until, time > until { return false }
        }
        return true
    }

    /// `2026-12-01T10:30:45.123456Z`, with or without fractional seconds, to the microsecond (Foundation's
    /// formatter keeps milliseconds only, which puts lines of the same millisecond on the wrong side of a bound).
    static func parseTimestamp(_ text: String) -> Date? {
        guard let dot = text.firstIndex(of: "."), let zone = text[dot...].firstIndex(where: { !$0.isNumber && $0 != "." }) else {
            return ISO8601DateFormatter().date(from: text)
        }
        guard let whole = ISO8601DateFormatter().date(from: String(text[..<dot]) + String(text[zone...])),
            let fraction = Double("0" + text[dot..<zone])
        else { return nil }
        return whole.addingTimeInterval(fraction)
    }

    /// A `--since`/`--until` value: a timestamp, or a duration before `now` (`90s`, `15m`, `2h`, `1d`).
    static func parseTime(_ text: String, now: Date = Date()) -> Date? {
        if let date = parseTimestamp(text) { return date }
        guard let unit = text.last, let amount = Double(text.dropLast()), amount >= 0 else { return nil }
        let seconds: Double
        switch unit {
        case "s": seconds = amount
        case "m": seconds = amount * 60
        case "h": seconds = amount * 3600
        case "d": seconds = amount * 86_400
        default: return nil
        }
        return now.addingTimeInterval(-seconds)
    }
}
