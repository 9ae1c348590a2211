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
