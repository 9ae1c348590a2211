/// An error from an API that carries the HTTP status it answered (429, 500…), which becomes `error.type`.
public protocol HTTPStatusError: Error {
    /// The status the API answered; `nil` when it answered 200 and failed later (an error event in a stream).
    var statusCode: Int? { get }
}

/// `error.type` for `error`, as OpenTelemetry's conventions name it: the HTTP status when the error carries one,
/// else the error's type name.
package func errorType(of error: any Error) -> String {
    if let status = (error as? any HTTPStatusError)?.statusCode { return String(status) }
    return String(describing: type(of: error))
}

/// The fully qualified name of `error`'s type (`String(reflecting:)`, `SpyglassDemo.DemoAgents.SourceUnavailable`),
/// as log lines, error groups, spans and error reports name it.
///
/// Made once per type: `String(reflecting:)` demangles the type's metadata on every call, about 0.9 µs, and one error
/// line names its type in the line, its error group and its span. A process has a bounded set of error types; past
/// ``TypeNames/capacity`` (generic types instantiated without end) names are made without being kept.
package func qualifiedTypeName(of error: any Error) -> String {
    TypeNames.shared.name(of: type(of: error))
}

final class TypeNames: Sendable {
    static let shared = TypeNames()
    /// The most names kept.
    static let capacity = 1_024
    private let names = Locked<[ObjectIdentifier: String]>([:])

    func name(of type: any Any.Type) -> String {
        let key = ObjectIdentifier(type)
        if let known = names.withLock({ $0[key] }) { return known }
        let name = String(reflecting: type)
        names.withLock { names in
            if names.count < Self.capacity { names[key] = name }
        }
        return name
    }
}
