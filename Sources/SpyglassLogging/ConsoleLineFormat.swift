import Logging
import SpyglassCore

/// Writes a ``LogRecord`` for people reading a terminal:
///
/// `10:30:45.123 INFO     api           request_completed               request_id=abc status=200`
///
/// Level, logger and message sit in fixed-width columns so the `key=value` pairs line up; context ids and the
/// trace id come first, then metadata sorted by key. Colour is used only when the output is a terminal.
final class ConsoleLineFormat: LineFormat {
    let policy: TextPolicy
    let colour: Bool
    let includeSource: Bool

    init(policy: TextPolicy, colour: Bool, includeSource: Bool) {
        self.policy = policy
        self.colour = colour
        self.includeSource = includeSource
    }

    static let labelWidth = 14
    static let messageWidth = 32

    func write(_ record: LogRecord, into line: inout LineBuffer) {
        line.append(timestamp: record.timestamp, fractionDigits: 3)
        line.append(UInt8(ascii: " "))
        if colour { line.append(ascii: Self.colour(for: record.level)) }
        let levelName = record.level.rawValue.uppercased()
        line.append(utf8: levelName)
        if colour { line.append(ascii: "\u{1B}[0m") }
        padding(&line, written: levelName.utf8.count, width: 9)
        let labelStart = line.count
        line.append(text: record.label, policy: policy, escaping: .consoleBare)
        padding(&line, written: line.count - labelStart, width: Self.labelWidth)
        let messageStart = line.count
        line.append(text: record.message, policy: policy, escaping: .consoleBare)

        var fields: [(String, Logger.MetadataValue)] = []
        if let context = record.context {
            for (key, value) in [
                ("request_id", context.requestID), ("session_id", context.sessionID), ("job_id", context.jobID),
                ("user_id", context.userID), ("workspace_id", context.workspaceID),
            ] {
                if let value { fields.append((key, .string(value))) }
            }
        }
        if let traceID = record.traceID ?? record.span.map({ .string($0.traceIDHex) }) { fields.append(("trace_id", traceID)) }
        if let spanID = record.spanID ?? record.span.map({ .string($0.spanIDHex) }) { fields.append(("span_id", spanID)) }
        var metadata: [(String, Logger.MetadataValue)] = []
        record.forEachMetadata { key, value in
            metadata.append((record.isReserved(key) ? "metadata." + key : key, value))
        }
        fields += metadata.sorted { $0.0 < $1.0 }
        if let error = record.error {
            fields.append(("error.type", .string(qualifiedTypeName(of: error))))
            fields.append(("error.message", .string(String(describing: error))))
        }
        if includeSource {
            fields.append(("source", .string("\(record.file):\(record.line) \(record.function)")))
        }
        guard !fields.isEmpty else { return }
        padding(&line, written: line.count - messageStart, width: Self.messageWidth)
        for (index, (key, value)) in fields.enumerated() {
            if index > 0 { line.append(UInt8(ascii: " ")) }
            if colour { line.append(ascii: "\u{1B}[2m") }
            line.append(text: key, policy: policy, escaping: .consoleBare)
            line.append(UInt8(ascii: "="))
            if colour { line.append(ascii: "\u{1B}[0m") }
            if policy.redactor.isSensitiveKey(key) {
                line.append(utf8: RedactionConfiguration.replacement)
            } else {
                appendValue(value, into: &line)
            }
        }
    }

    private func appendValue(_ value: Logger.MetadataValue, into line: inout LineBuffer) {
        switch value {
        case .string(let text):
            appendScalar(text, into: &line)
        case .stringConvertible(let convertible):
            appendScalar(convertible.description, into: &line)
        case .array, .dictionary:
            line.appendJSON(value, policy: policy)
        }
    }

    /// Bare when unambiguous, otherwise double-quoted with escapes.
    private func appendScalar(_ text: String, into line: inout LineBuffer) {
        let needsQuotes = text.isEmpty || text.utf8.contains { $0 <= 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "=") || $0 == 0x7F }
        if needsQuotes { line.append(UInt8(ascii: "\"")) }
        line.append(text: text, policy: policy, escaping: needsQuotes ? .consoleQuoted : .consoleBare)
        if needsQuotes { line.append(UInt8(ascii: "\"")) }
    }

    /// At least one space, and enough to fill a column of `width`. Columns count bytes, which matches
    /// characters for the ASCII that labels and event names use.
    private func padding(_ line: inout LineBuffer, written: Int, width: Int) {
        for _ in 0..<max(1, width - written) { line.append(UInt8(ascii: " ")) }
    }

    private static func colour(for level: Logger.Level) -> StaticString {
        switch level {
        case .trace, .debug: "\u{1B}[90m"
        case .info: "\u{1B}[32m"
        case .notice: "\u{1B}[36m"
        case .warning: "\u{1B}[33m"
        case .error: "\u{1B}[31m"
        case .critical: "\u{1B}[1;31m"
        }
    }
}
