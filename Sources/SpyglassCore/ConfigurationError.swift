/// A configuration value Spyglass cannot use.
///
/// Its ``description`` is one line naming the variable, the rejected value and what is allowed, so a service
/// that fails to start says exactly what to fix:
///
/// `SPYGLASS_LOG_LEVEL="verbose" is invalid: expected one of trace, debug, info, notice, warning, error, critical`
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The environment variable, or the configuration property when the value came from code.
    public var variable: String
    /// The rejected value, verbatim.
    public var value: String
    /// What would have been accepted.
    public var allowed: String

    /// Creates an error for `variable` holding `value`, explaining what is `allowed`.
    public init(variable: String, value: String, allowed: String) {
        self.variable = variable
        self.value = value
        self.allowed = allowed
    }

    public var description: String {
        "\(variable)=\(quoted(value)) is invalid: expected \(allowed)"
    }

    private func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
