/// A mistake in a stack specification: where it is and what is allowed.
///
/// `deploy/spyglass-stack.yml:14: slos[1].threshold_seconds 0.3 is not a bucket bound of
/// http_request_duration_seconds; allowed: 0.005, 0.01, …`
public struct StackSpecificationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (or `specification` when it came from code).
    public var source: String
    /// The line in the file, when known.
    public var line: Int?
    /// The field's path, such as `slos[1].objective`.
    public var field: String
    public var problem: String

    public init(source: String, line: Int? = nil, field: String, problem: String) {
        self.source = source
        self.line = line
        self.field = field
        self.problem = problem
    }

    public var description: String {
        "\(source)\(line.map { ":\($0)" } ?? ""): \(field.isEmpty ? "" : field + " ")\(problem)"
    }
}
