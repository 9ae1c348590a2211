import SpyglassCore
import Tracing

/// The attributes of an HTTP server span (OpenTelemetry's HTTP semantic conventions), held as typed fields.
///
/// The HTTP middleware sets them once, when the request ends, on every request. Building a `SpanAttributes`
/// dictionary for them hashes eight keys and copies each value twice (the span's copy, the record's), and nearly
/// every span is evicted from the store unread; so they stay fields until someone reads the span's attributes.
package struct HTTPServerAttributes: Sendable, Equatable {
    /// `http.request.method`.
    package var method: String
    /// `http.route`; `nil` when no route matched.
    package var route: String?
    /// `url.path`.
    package var path: String
    /// `url.scheme`.
    package var scheme: String
    /// `http.response.status_code`.
    package var statusCode: Int
    /// `http.response.body.size`.
    package var responseBodySize: Int
    /// `user_agent.original`.
    package var userAgent: String?
    /// `client.address`.
    package var clientAddress: String?

    package init(
        method: String,
        route: String?,
        path: String,
        scheme: String,
        statusCode: Int,
        responseBodySize: Int,
        userAgent: String?,
        clientAddress: String?
    ) {
        self.method = method
        self.route = route
        self.path = path
        self.scheme = scheme
        self.statusCode = statusCode
        self.responseBodySize = responseBodySize
        self.userAgent = userAgent
        self.clientAddress = clientAddress
    }

    /// The fields as attributes, each under its semantic-convention key.
    func forEach(_ body: (_ key: String, _ value: SpanAttribute) -> Void) {
        body("http.request.method", .string(method))
        if let route { body("http.route", .string(route)) }
        body("url.path", .string(path))
        body("url.scheme", .string(scheme))
        body("http.response.status_code", .int64(Int64(statusCode)))
        body("http.response.body.size", .int64(Int64(responseBodySize)))
        if let userAgent { body("user_agent.original", .string(userAgent)) }
        if let clientAddress { body("client.address", .string(clientAddress)) }
    }

    /// Sets every field in `attributes`, replacing a value already there under the same key.
    func add(to attributes: inout SpanAttributes) {
        forEach { key, value in attributes.set(key, value: value) }
    }

    /// The field stored under `key`, `nil` for a key that is not one of them or a field not set.
    func attribute(_ key: String) -> SpanAttribute? {
        switch key {
        case "http.request.method": .string(method)
        case "http.route": route.map { .string($0) }
        case "url.path": .string(path)
        case "url.scheme": .string(scheme)
        case "http.response.status_code": .int64(Int64(statusCode))
        case "http.response.body.size": .int64(Int64(responseBodySize))
        case "user_agent.original": userAgent.map { .string($0) }
        case "client.address": clientAddress.map { .string($0) }
        default: nil
        }
    }

    /// The fields with credentials removed from their text, as ``Redactor/redact(_:)`` removes
    /// them from every string attribute.
    func redacted(by redactor: Redactor) -> HTTPServerAttributes {
        var result = self
        result.method = redactor.redact(method)
        result.route = route.map(redactor.redact)
        result.path = redactor.redact(path)
        result.scheme = redactor.redact(scheme)
        result.userAgent = userAgent.map(redactor.redact)
        result.clientAddress = clientAddress.map(redactor.redact)
        return result
    }

    /// What ``SpanRecord/estimatedBytes`` counts for the fields: the same as for them as attributes, counted
    /// without making them attributes (every stored span is counted).
    var estimatedBytes: Int {
        func entry(_ key: StaticString, _ text: String?) -> Int {
            guard let text else { return 0 }
            return 64 + key.utf8CodeUnitCount + text.utf8.count
        }
        func entry(_ key: StaticString) -> Int { 64 + key.utf8CodeUnitCount }
        return entry("http.request.method", method) + entry("http.route", route) + entry("url.path", path)
            + entry("url.scheme", scheme) + entry("http.response.status_code") + entry("http.response.body.size")
            + entry("user_agent.original", userAgent) + entry("client.address", clientAddress)
    }
}
