import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import SpyglassCore
public import SpyglassHTTP
public import SpyglassMetrics
public import Tracing
public import Vapor

/// Everything Spyglass does for each HTTP request, as one Vapor middleware: request id, trace propagation and a
/// server span, RED metrics, and one `request_completed` log line; the same as Hummingbird's `SpyglassMiddleware`.
///
/// ```swift
/// app.middleware.use(SpyglassMiddleware(metrics: spyglass.metrics), at: .beginning)   // first, so it sees every request
/// app.http.server.configuration.reportMetrics = false   // Vapor's own http_requests_total has other labels
/// ```
///
/// `app.spyglass.use(spyglass)` (``SpyglassVapor/SpyglassApplication/use(_:setup:logger:tracer:)``) installs it
/// with every endpoint and the lifecycle in one call.
///
/// For every request not excluded by ``SpyglassHTTP/HTTPInstrumentationConfiguration/excludedPaths``:
/// - `X-Request-ID` is Vapor's `Request.id` (the caller's `X-Request-Id`, else a UUID) when it is 1–128 characters of
///   `[A-Za-z0-9._:-]`, anything else is replaced by a new id; it is bound in ``SpyglassContext``, set as the
///   request logger's `request-id`, and echoed on the response. A replaced id leaves `Request.id` as the caller
///   sent it (it cannot be changed): read ``SpyglassContext/requestID`` instead;
/// - W3C `traceparent`/`tracestate` are extracted and a server span named `{method} {route}` is started through
///   the installed tracer (also set as `Request.serviceContext`); `X-Trace-ID` carries its trace id;
/// - the five HTTP metrics are recorded with Vapor's matched route as `endpoint`, `/v1/jobs/:id` written
///   `/v1/jobs/{id}` (`unmatched` when no route matched): when the handler returns for bodies of known content,
///   after the last byte for streamed ones;
/// - `request_completed` is logged at info for 1xx–3xx, warning for 4xx and error for 5xx.
///
/// Errors thrown by handlers and later middleware are answered here as Vapor's `ErrorMiddleware` answers them
/// (an `AbortError`'s status, headers and reason, else 500 "Something went wrong.", as JSON
/// `{"error":true,"reason":…}`), so failed requests are timed, counted, logged with their error and still echo
/// their ids. Vapor's `ErrorMiddleware`, if it stays installed after this one, answers them first: they are
/// then recorded by status, without the error.
public struct SpyglassMiddleware: AsyncMiddleware {
    private let recorder: HTTPRequestRecorder

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - metrics: the registry the HTTP metrics are declared in.
    ///   - configuration: exclusions, status grouping, what is recorded.
    ///   - logger: where `request_completed` lines go.
    ///   - tracer: the tracer for server spans and trace propagation; `nil` (the default) uses the tracer
    ///     installed in `InstrumentationSystem` (found on the first request after it was installed, then kept).
    public init(
        metrics: MetricRegistry,
        configuration: HTTPInstrumentationConfiguration = HTTPInstrumentationConfiguration(),
        logger: Logger = Logger(label: "spyglass.http"),
        tracer: (any Tracer)? = nil
    ) {
        recorder = HTTPRequestRecorder(metrics: metrics, configuration: configuration, logger: logger, tracer: tracer)
    }

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let path = request.url.path
        let requestID = recorder.requestID(accepting: request.id)
        if let requestID, requestID != request.id { request.logger[metadataKey: "request-id"] = .string(requestID) }

        guard !recorder.excludes(path) else {
            guard let requestID else { return await Self.respond(to: request, next) }
            let response = await SpyglassContext.with({ $0.requestID = requestID }) {
                Self.bindServiceContext(to: request)
                return await Self.respond(to: request, next)
            }
            response.headers.replaceOrAdd(name: Self.requestIDHeader, value: requestID)
            return response
        }

        let headers = VaporHeaders(headers: request.headers)
        let recording = recorder.begin(
            method: request.method.rawValue,
            path: path,
            scheme: request.url.scheme,
            headers: headers,
            clientAddress: recorder.recordsRequestDetails ? request.remoteAddress?.ipAddress : nil,
            requestID: requestID
        )
        return await recording.withContext {
            Self.bindServiceContext(to: request)
            let response: Response
            var thrown: (any Error)?
            do {
                response = try await next.respond(to: request)
            } catch {
                response = Self.response(for: error, request: request)
                thrown = error
            }
            if let requestID = recording.requestID { response.headers.replaceOrAdd(name: Self.requestIDHeader, value: requestID) }
            if let traceID = recording.traceID { response.headers.replaceOrAdd(name: Self.traceIDHeader, value: traceID) }
            let status = Int(response.status.code)
            let endpoint = Self.endpoint(of: request)
            let declaredLength = response.body.count
            // A stream declares -1 when its length is unknown; only those bodies need counting as they are written.
            if declaredLength < 0,
                let counted = Self.counting(
                    response.body, recording: recording, status: status, endpoint: endpoint, thrown: thrown, requestHeaders: headers)
            {
                response.body = counted
            } else {
                recording.finish(
                    status: status, responseBytes: max(declaredLength, 0), endpoint: endpoint, error: thrown, requestHeaders: headers)
            }
            return response
        }
    }

    /// Hands the bound context (request id, span) to `request.serviceContext`: Vapor starts route handlers in
    /// tasks of their own, which see task-locals only through it (`Application.traceAutoPropagation`, which
    /// ``SpyglassApplication/useMiddleware(_:)`` turns on).
    private static func bindServiceContext(to request: Request) {
        if let context = ServiceContext.current { request.serviceContext = context }
    }

    /// `next`'s answer, or the answer to what it threw.
    private static func respond(to request: Request, _ next: any AsyncResponder) async -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return response(for: error, request: request)
        }
    }

    /// A streamed body recorded once written: the duration covers it and its bytes are counted.
    private static func counting(
        _ body: Response.Body, recording: RequestRecording, status: Int, endpoint: String?, thrown: (any Error)?,
        requestHeaders: VaporHeaders
    ) -> Response.Body? {
        let counter = ByteCounter()
        return StreamedBody.counting(body, counter: counter) { error in
            recording.finishInContext(
                status: status, responseBytes: counter.bytes, endpoint: endpoint, error: error ?? thrown, requestHeaders: requestHeaders)
        }
    }

    /// What Vapor's `ErrorMiddleware` answers for `error`, built here so the request's ids and metrics are kept.
    /// Other errors' descriptions are never sent: they can name internals; the `request_completed` line has them.
    static func response(for error: any Error, request: Request) -> Response {
        let status: HTTPResponseStatus
        let reason: String
        var headers: HTTPHeaders
        if let abort = error as? any AbortError {
            (status, reason, headers) = (abort.status, abort.reason, abort.headers)
        } else {
            (status, reason, headers) = (.internalServerError, "Something went wrong.", [:])
        }
        headers.replaceOrAdd(name: .contentType, value: "application/json; charset=utf-8")
        let body = (try? JSONEncoder().encode(ErrorBody(error: true, reason: reason))) ?? Data(#"{"error":true}"#.utf8)
        return Response(status: status, headers: headers, body: .init(data: body))
    }

    private struct ErrorBody: Encodable {
        let error: Bool
        let reason: String
    }

    /// The matched route's template, parameters written `{name}` as OpenTelemetry's `http.route` and the
    /// Hummingbird adapter write them; `nil` when no route matched.
    static func endpoint(of request: Request) -> String? {
        guard let route = request.route else { return nil }
        var template = ""
        for component in route.path {
            template += "/"
            switch component {
            case .constant(let text): template += text
            case .parameter(let name): template += "{" + name + "}"
            case .anything: template += "*"
            case .catchall: template += "**"
            }
        }
        return template.isEmpty ? "/" : template
    }

    private static let requestIDHeader = "X-Request-ID"
    private static let traceIDHeader = "X-Trace-ID"
}
