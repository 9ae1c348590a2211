/// The variables a deployment sets, as every module's configuration reads them.
///
/// Each module parses its own variables with this (`LoggingConfiguration.applyingEnvironment(_:)` and its
/// siblings); the checks they share live here, so every variable refuses a bad value the same way: one
/// ``ConfigurationError`` naming the variable, the value and what is allowed. An empty value counts as unset, as
/// shells and container runtimes often leave them.
public struct EnvironmentVariables: Sendable {
    /// One variable that is set.
    public struct Variable: Sendable {
        /// The variable's name.
        public let name: String
        /// Its value as set, never empty.
        public let value: String

        /// The value without surrounding spaces and tabs.
        public var trimmed: String { value.trimmingWhitespace() }

        /// The error for this variable's value: `allowed` says what would have been accepted.
        public func error(allowed: String) -> ConfigurationError {
            ConfigurationError(variable: name, value: value, allowed: allowed)
        }

        /// The value as a whole number of `unit` in `range`. Every number has an upper bound: a store sized
        /// from one is allocated at start, and a delay or timeout past it would never end.
        ///
        /// - Parameter lowest: how the error names the lower bound, when the number alone would not say what it
        ///   means (`0 (keep none)`).
        public func integer(_ unit: String, in range: ClosedRange<Int>, lowest: String? = nil) throws(ConfigurationError) -> Int {
            guard let number = Int(trimmed), range.contains(number) else {
                throw error(allowed: "a whole number of \(unit) from \(lowest ?? String(range.lowerBound)) to \(range.upperBound)")
            }
            return number
        }

        /// The value as a switch: `1`, `true`, `yes`, `on` or `0`, `false`, `no`, `off`, in any case.
        public func boolean() throws(ConfigurationError) -> Bool {
            switch trimmed.lowercased() {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw error(allowed: "one of true, false, 1, 0, yes, no, on, off")
            }
        }

        /// The value as one of `choices`' keys, compared in lower case.
        public func choice<Choice>(_ choices: KeyValuePairs<String, Choice>) throws(ConfigurationError) -> Choice {
            let key = trimmed.lowercased()
            guard let match = choices.first(where: { $0.key == key }) else {
                throw error(allowed: choices.count == 2 ? "\(choices[0].key) or \(choices[1].key)" : "one of \(choices.map(\.key).joined(separator: ", "))")
            }
            return match.value
        }

        /// The comma-separated items of the value, trimmed, empty ones left out.
        public func list() -> [String] {
            value.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        }
    }

    /// Every variable, by name.
    public let values: [String: String]

    /// Reads `values`.
    public init(_ values: [String: String]) { self.values = values }

    /// The first of `names` that is set to a non-empty value.
    public func first(_ names: String...) -> Variable? {
        for name in names {
            if let value = values[name], !value.isEmpty { return Variable(name: name, value: value) }
        }
        return nil
    }
}
