import Foundation

/// Writes a JSON log line for people: time, level, logger and message in columns, then the other fields as
/// `key=value`, the request and trace ids last.
struct LogLinePrinter {
    var colour: Bool

    private static let leading = ["timestamp", "level", "logger", "message"]
    /// Shown on every line of a service: left out, since they only repeat.
    private static let constant: Set = ["service", "environment", "version"]
    private static let trailing = ["request_id", "trace_id", "span_id"]

    func format(_ fields: [String: Any]) -> String {
        let time = (fields["timestamp"] as? String).map(Self.shortTime) ?? "-"
        let level = (fields["level"] as? String ?? "-").uppercased()
        let logger = fields["logger"] as? String ?? "-"
        let message = fields["message"] as? String ?? ""
        let skipped = Set(Self.leading).union(Self.constant).union(Self.trailing)
        let rest = fields.keys.filter { !skipped.contains($0) }.sorted() + Self.trailing.filter { fields[$0] != nil }
        let pairs = rest.map { key in "\(dim(key + "="))\(Self.text(fields[key]!))" }
        let levelColumn = level.padding(toLength: 8, withPad: " ", startingAt: 0)
        return ([dim(time), paint(levelColumn, Self.colourCode(level)), bold(logger), message] + pairs).joined(separator: " ")
    }

    /// `2026-12-01T10:30:45.123456Z` → `2026-12-01 10:30:45.123`.
    static func shortTime(_ text: String) -> String {
        guard text.count >= 19 else { return text }
        let date = text.prefix(10)
        let clock = text.dropFirst(11).prefix(12).replacingOccurrences(of: "Z", with: "")
        return "\(date) \(clock)"
    }

    static func text(_ value: Any) -> String {
        switch value {
        case let string as String: return string.contains(" ") || string.isEmpty ? "\"\(string)\"" : string
        case let number as NSNumber:
            // JSON booleans arrive as NSNumber too, of Objective-C type `c`.
            if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
            return number.stringValue
        default:
            let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }

    private static func colourCode(_ level: String) -> String {
        switch level {
        case "TRACE", "DEBUG": "2"
        case "NOTICE": "36"
        case "WARNING": "33"
        case "ERROR": "31"
        case "CRITICAL": "1;31"
        default: "32"
        }
    }

    private func paint(_ text: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    private func dim(_ text: String) -> String { paint(text, "2") }
    private func bold(_ text: String) -> String { paint(text, "1") }
}
