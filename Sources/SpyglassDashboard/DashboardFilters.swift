public import Logging
import SpyglassCore
import SpyglassTracing

/// A query parameter the API cannot use: answered 400 with what was wrong and what is allowed.
package struct DashboardQueryError: Error, Encodable, Equatable {
    package let error: String

    package init(parameter: String, value: String, allowed: String) {
        error = "\(parameter)=\"\(value.prefix(64))\" is not allowed: expected \(allowed)"
    }
}

/// Reads typed query parameters, refusing unknown names so a typo is not silently ignored.
package struct DashboardQuery {
    private let parameters: [String: String]

    package init(_ parameters: [(String, String)], allowed: Set<String>) throws(DashboardQueryError) {
        var values: [String: String] = [:]
        for (name, value) in parameters {
            guard allowed.contains(name) else {
                let expected = allowed.isEmpty ? "no parameters" : "one of the parameters \(allowed.sorted().joined(separator: ", "))"
                throw DashboardQueryError(parameter: name, value: value, allowed: expected)
            }
            values[name] = value
        }
        self.parameters = values
    }

    package func text(_ name: String) -> String? {
        parameters[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    package func integer(_ name: String, default value: Int, in range: ClosedRange<Int>) throws(DashboardQueryError) -> Int {
        guard let text = text(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw DashboardQueryError(parameter: name, value: text, allowed: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    package func milliseconds(_ name: String) throws(DashboardQueryError) -> Double? {
        guard let text = text(name) else { return nil }
        guard let number = Double(text), number >= 0, number.isFinite else {
            throw DashboardQueryError(parameter: name, value: text, allowed: "a number of milliseconds, 0 or more")
        }
        return number
    }

    package func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, default value: Choice) throws(DashboardQueryError) -> Choice
    where Choice.RawValue == String {
        guard let text = text(name) else { return value }
        guard let choice = Choice(rawValue: text) else {
            throw DashboardQueryError(parameter: name, value: text, allowed: "one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return choice
    }

    package func traceID(_ name: String) throws(DashboardQueryError) -> (high: UInt64, low: UInt64)? {
        guard let text = text(name) else { return nil }
        guard let id = Hex.traceID(text) else {
            throw DashboardQueryError(parameter: name, value: text, allowed: "32 hexadecimal digits")
        }
        return id
    }
}

/// Which traces `GET /spyglass/api/traces` lists.
package struct TraceFilter: Sendable {
    package enum Order: String, CaseIterable, Sendable { case recent, slowest }
    package enum Status: String, CaseIterable, Sendable { case any, ok, error }

    package var endpoint: String?
    package var status: Status = .any
    package var minimumMilliseconds: Double?
    package var maximumMilliseconds: Double?
    package var order: Order = .recent
    package var limit = 50

    package init() {}

    package init(_ query: [(String, String)]) throws(DashboardQueryError) {
        let query = try DashboardQuery(query, allowed: ["endpoint", "status", "min_ms", "max_ms", "sort", "limit"])
        endpoint = query.text("endpoint")
        status = try query.choice("status", default: .any)
        minimumMilliseconds = try query.milliseconds("min_ms")
        maximumMilliseconds = try query.milliseconds("max_ms")
        order = try query.choice("sort", default: .recent)
        limit = try query.integer("limit", default: 50, in: 1...1000)
    }

    /// Whether a trace whose root is `name`, failed or not, taking `milliseconds`, is listed.
    package func accepts(name: String, isError: Bool, milliseconds: Double) -> Bool {
        if let endpoint, name != endpoint { return false }
        switch status {
        case .any: break
        case .ok: if isError { return false }
        case .error: if !isError { return false }
        }
        if let minimumMilliseconds, milliseconds < minimumMilliseconds { return false }
        if let maximumMilliseconds, milliseconds > maximumMilliseconds { return false }
        return true
    }
}

/// Which log lines `GET /spyglass/api/logs` returns.
package struct LogFilter: Sendable {
    package var after: UInt64 = 0
    /// The lowest level shown.
    package var level: Logger.Level = .trace
    /// Matched case-insensitively against the whole JSON line.
    package var text: [UInt8]?
    package var traceIDHigh: UInt64?
    package var traceIDLow: UInt64?
    package var requestID: String?
    package var limit = 200

    package init() {}

    package init(_ query: [(String, String)]) throws(DashboardQueryError) {
        let query = try DashboardQuery(query, allowed: ["after", "level", "text", "trace_id", "request_id", "limit"])
        if let text = query.text("after") {
            guard let sequence = UInt64(text) else {
                throw DashboardQueryError(parameter: "after", value: text, allowed: "a line's sequence number")
            }
            after = sequence
        }
        if let text = query.text("level") {
            guard let level = Logger.Level(name: text) else {
                throw DashboardQueryError(parameter: "level", value: text, allowed: "one of \(Logger.Level.allowedNames)")
            }
            self.level = level
        }
        text = query.text("text").map { Array($0.lowercased().utf8) }
        if let traceID = try query.traceID("trace_id") {
            traceIDHigh = traceID.high
            traceIDLow = traceID.low
        }
        requestID = query.text("request_id")
        limit = try query.integer("limit", default: 200, in: 1...10_000)
    }

    package func accepts(_ line: StoredLogLine) -> Bool {
        guard line.sequence > after, line.level >= level else { return false }
        if let traceIDHigh, let traceIDLow, line.traceIDHigh != traceIDHigh || line.traceIDLow != traceIDLow { return false }
        if let requestID, line.requestID != requestID { return false }
        if let text, !Self.contains(line.line, text) { return false }
        return true
    }

    /// Whether `haystack`, ASCII letters lowercased, contains `needle` (already lowercased).
    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        outer: for start in 0...(haystack.count - needle.count) {
            for offset in 0..<needle.count {
                var byte = haystack[start + offset]
                if byte >= 65 && byte <= 90 { byte += 32 }
                if byte != needle[offset] { continue outer }
            }
            return true
        }
        return false
    }
}
