import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore
import SpyglassCore
public import SpyglassHTTP
public import SpyglassMetrics
public import Tracing

/// Everything Spyglass does for each HTTP request, as one Hummingbird middleware: request id, trace
/// propagation and a server span, RED metrics, and one `request_completed` log line.
///
/// ```swift
/// let router = Router()
/// router.add(middleware: SpyglassMiddleware(metrics: spyglass.metrics))   // first, so it sees every request
/// router.addMetricsEndpoint(spyglass.metrics)
/// ```
///
/// `router.addSpyglass(spyglass)` (``Hummingbird/Router/addSpyglass(_:setup:logger:tracer:)``) installs it with every
/// endpoint in one call.
///
/// For every request not excluded by ``HTTPInstrumentationConfiguration/excludedPaths``:
/// - a valid incoming `X-Request-ID` (the first, when several are sent) is kept, anything else is replaced by a new id; it is bound in
///   ``SpyglassContext`` for every log line of the request and echoed on the response;
/// - W3C `traceparent`/`tracestate` are extracted and a server span named `{method} {route}` is started through
///   the installed tracer, with OpenTelemetry HTTP attributes; `X-Trace-ID` carries its trace id;
/// - `http_requests_total`, `http_request_duration_seconds`, `http_request_size_bytes`,
///   `http_response_size_bytes` and `http_requests_in_progress` are recorded with the route template as
///   `endpoint` (`unmatched` when no route matched): when the handler returns for bodies of known length,
///   after the last byte for streamed ones;
/// - `request_completed` is logged at info for 1xx–3xx, warning for 4xx and error for 5xx.
///
/// A handler that throws is answered here (with the status an `HTTPResponseError` carries, else 500), so
/// failed requests are timed, counted, logged and still echo their ids.
public struct SpyglassMiddleware<Context: RequestContext>: RouterMiddleware {
    private let recorder: HTTPRequestRecorder
    /// Whether the client address is read: the context can hold one and a span or log line wants it. Decided once,
    /// because a failed cast to a protocol costs a conformance lookup on every request.
    private let readsClientAddress: Bool

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
        readsClientAddress = Context.self is any RemoteAddressRequestContext.Type && recorder.recordsRequestDetails
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let headers = HummingbirdHeaders(fields: request.headers)
        let requestID = recorder.requestID(from: headers)

        guard !recorder.excludes(path) else {
            guard let requestID else { return try await next(request, context) }
            var response = try await SpyglassContext.with({ $0.requestID = requestID }) { try await next(request, context) }
            response.headers[HummingbirdHeaders.requestID] = requestID
            return response
        }

        let recording = recorder.begin(
            method: request.method.rawValue,
            path: path,
            scheme: request.uri.scheme?.rawValue,
            headers: headers,
            clientAddress: readsClientAddress ? Self.clientAddress(context) : nil,
            requestID: requestID
        )
        // Everything below runs with the request's context bound, the access log line included.
        return await recording.withContext {
            var response: Response
            var thrown: (any Error)?
            do {
                response = try await next(request, context)
            } catch {
                response = Self.response(for: error, request: request, context: context)
                thrown = error
            }
            if let requestID = recording.requestID { response.headers[HummingbirdHeaders.requestID] = requestID }
            if let traceID = recording.traceID { response.headers[HummingbirdHeaders.traceID] = traceID }
            let status = Int(response.status.code)
            let endpoint = Self.endpoint(of: context)
            if let length = response.body.contentLength {
                // A body of known length is (nearly always) already in memory: record now, and leave
                // Hummingbird's single-write path for buffers alone.
                recording.finish(status: status, responseBytes: length, endpoint: endpoint, error: thrown, requestHeaders: headers)
            } else {
                // A stream: recorded once written, so the duration covers it and its bytes are counted. The
                // body is written after this scope has ended.
                let body = response.body
                let thrown = thrown
                response.body = ResponseBody { writer in
                    let counter = ByteCounter()
                    do {
                        try await body.write(CountingResponseBodyWriter(parent: writer, counter: counter))
                        recording.finishInContext(
                            status: status, responseBytes: counter.bytes, endpoint: endpoint, error: thrown, requestHeaders: headers)
                    } catch {
                        recording.finishInContext(
                            status: status, responseBytes: counter.bytes, endpoint: endpoint, error: error, requestHeaders: headers)
                        throw error
                    }
                }
            }
            return response
        }
    }

    /// What Hummingbird would answer for `error`, built here so the request's ids and metrics are kept.
    private static func response(for error: any Error, request: Request, context: Context) -> Response {
        if let error = error as? any HTTPResponseError, let response = try? error.response(from: request, context: context) {
            return response
        }
        return Response(status: .internalServerError)
    }

    /// The route template that handled the request; `nil` when none did (Hummingbird's router then records
    /// `NotFound`, which no template can be: templates start with `/`).
    static func endpoint(of context: Context) -> String? {
        guard let path = context.endpointPath, path.hasPrefix("/") else { return nil }
        return path
    }

    static func clientAddress(_ context: Context) -> String? {
        guard let address = (context as? any RemoteAddressRequestContext)?.remoteAddress else { return nil }
        return address.ipAddress ?? address.pathname
    }
}

private struct CountingResponseBodyWriter: ResponseBodyWriter {
    var parent: any ResponseBodyWriter
    let counter: ByteCounter

    mutating func write(_ buffer: ByteBuffer) async throws {
        counter.add(buffer.readableBytes)
        try await parent.write(buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await parent.finish(trailingHeaders)
    }
}
