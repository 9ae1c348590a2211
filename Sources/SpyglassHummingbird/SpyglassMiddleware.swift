import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore
import SpyglassCore
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
/// For every request not excluded by ``HTTPInstrumentationConfiguration/excludedPaths``:
/// - a valid incoming `X-Request-ID` is kept, anything else is replaced by a new id; it is bound in
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
    private let metrics: HTTPMetrics
    private let configuration: HTTPInstrumentationConfiguration
    private let logger: Logger
    private let tracer: (any Tracer)?

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - metrics: the registry the HTTP metrics are declared in.
    ///   - configuration: exclusions, status grouping, tracing.
    ///   - logger: where `request_completed` lines go.
    ///   - tracer: the tracer for server spans and trace propagation; `nil` (the default) uses whichever tracer
    ///     is installed in `InstrumentationSystem` when the request arrives.
    public init(
        metrics: MetricRegistry,
        configuration: HTTPInstrumentationConfiguration = HTTPInstrumentationConfiguration(),
        logger: Logger = Logger(label: "spyglass.http"),
        tracer: (any Tracer)? = nil
    ) {
        self.metrics = HTTPMetrics(registry: metrics)
        self.configuration = configuration
        self.logger = logger
        self.tracer = tracer
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = RequestID.accepting(request.headers[HeaderNames.requestID])
        var serviceContext = ServiceContext.current ?? .topLevel
        var spyglass = serviceContext.spyglass ?? SpyglassContext()
        spyglass.requestID = requestID

        guard !configuration.excludes(request.uri.path) else {
            serviceContext.spyglass = spyglass
            var response = try await ServiceContext.withValue(serviceContext) { try await next(request, context) }
            response.headers[HeaderNames.requestID] = requestID
            return response
        }

        let start = ContinuousClock.now
        let method = request.method.rawValue
        let inProgress = metrics.inProgress.labels(method)
        inProgress.increment()

        let tracer = configuration.tracesRequests ? (self.tracer ?? InstrumentationSystem.tracer) : nil
        tracer?.extract(request.headers, into: &serviceContext, using: HTTPFieldsExtractor())
        serviceContext.spyglass = spyglass
        let span = tracer?.startAnySpan(method, context: serviceContext, ofKind: .server)
        if let span {
            span.updateAttributes { attributes in
                attributes["http.request.method"] = method
                attributes["url.path"] = request.uri.path
                attributes["url.scheme"] = request.uri.scheme?.rawValue ?? "http"
                attributes["user_agent.original"] = request.headers[.userAgent]
                attributes["client.address"] = Self.clientAddress(context)
            }
            serviceContext = span.context
        }
        let completion = Completion(
            middleware: self,
            request: request,
            context: context,
            start: start,
            span: span,
            inProgress: inProgress
        )

        // Everything below runs with the request's context bound, the access log line included.
        let requestContext = serviceContext
        return await ServiceContext.withValue(requestContext) {
            var response: Response
            do {
                response = try await next(request, context)
            } catch {
                response = Self.response(for: error, request: request, context: context)
                span?.recordError(error)
            }
            response.headers[HeaderNames.requestID] = requestID
            if let tracer, let span, let traceID = tracer.w3cTraceID(of: span.context) {
                response.headers[HeaderNames.traceID] = traceID
            }
            let status = Int(response.status.code)
            if let length = response.body.contentLength {
                // A body of known length is (nearly always) already in memory: record now, and leave
                // Hummingbird's single-write path for buffers alone.
                completion.finish(status: status, responseBytes: length)
            } else {
                // A stream: recorded once written, so the duration covers it and its bytes are counted. The
                // body is written after this scope has ended, so the context is bound again for the log line.
                let body = response.body
                response.body = ResponseBody { writer in
                    let counter = ByteCounter()
                    do {
                        try await body.write(CountingResponseBodyWriter(parent: writer, counter: counter))
                        ServiceContext.withValue(requestContext) { completion.finish(status: status, responseBytes: counter.count) }
                    } catch {
                        ServiceContext.withValue(requestContext) {
                            completion.finish(status: status, responseBytes: counter.count, writeError: error)
                        }
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

    static var unmatched: String { "unmatched" }

    /// The route template that handled the request; `unmatched` when none did (Hummingbird's router then
    /// records `NotFound`, which no template can be: templates start with `/`).
    static func endpoint(of context: Context) -> String {
        guard let path = context.endpointPath, path.hasPrefix("/") else { return unmatched }
        return path
    }

    static func clientAddress(_ context: Context) -> String? {
        guard let address = (context as? any RemoteAddressRequestContext)?.remoteAddress else { return nil }
        return address.ipAddress ?? address.pathname
    }

    /// Records a request once its response is complete; runs with the request's context bound.
    private struct Completion: Sendable {
        let middleware: SpyglassMiddleware
        let request: Request
        let context: Context
        let start: ContinuousClock.Instant
        let span: (any Span)?
        let inProgress: GaugeSeries

        func finish(status: Int, responseBytes: Int, writeError: (any Error)? = nil) {
            let elapsed = ContinuousClock.now - start
            let configuration = middleware.configuration
            let metrics = middleware.metrics
            let method = request.method.rawValue
            let endpoint = SpyglassMiddleware.endpoint(of: context)
            let statusLabel = configuration.statusLabel(status)
            let requestBytes = request.headers[.contentLength].flatMap { Int($0) } ?? 0

            metrics.requests.labels(method, endpoint, statusLabel).increment()
            metrics.duration.labels(method, endpoint, statusLabel).observe(elapsed)
            metrics.requestSize.labels(method, endpoint).observe(Double(requestBytes))
            metrics.responseSize.labels(method, endpoint, statusLabel).observe(Double(responseBytes))
            inProgress.decrement()

            if let span {
                span.operationName = "\(method) \(endpoint)"
                span.updateAttributes { attributes in
                    if endpoint != SpyglassMiddleware.unmatched { attributes["http.route"] = endpoint }
                    attributes["http.response.status_code"] = status
                    attributes["http.response.body.size"] = responseBytes
                }
                if status >= 500 { span.setStatus(SpanStatus(code: .error)) }
                if let writeError { span.recordError(writeError) }
                span.end()
            }

            guard configuration.logsRequests else { return }
            let (seconds, attoseconds) = elapsed.components
            let level: Logger.Level = status >= 500 ? .error : status >= 400 ? .warning : .info
            var metadata: Logger.Metadata = [
                "method": "\(method)",
                "endpoint": "\(endpoint)",
                "path": "\(request.uri.path)",
                "status": .stringConvertible(status),
                "duration_ms": .stringConvertible(Double(seconds) * 1000 + Double(attoseconds) / 1e15),
                "request_size": .stringConvertible(requestBytes),
                "response_size": .stringConvertible(responseBytes),
            ]
            if let userAgent = request.headers[.userAgent] { metadata["user_agent"] = "\(userAgent)" }
            if let client = SpyglassMiddleware.clientAddress(context) { metadata["client_address"] = "\(client)" }
            if let writeError { metadata["error"] = "\(writeError)" }
            middleware.logger.log(level: level, "request_completed", metadata: metadata)
        }
    }
}

/// Counts the bytes of a streamed response body.
private final class ByteCounter: @unchecked Sendable {
    // Written only by the one task writing the body, read after it finished.
    var count = 0
}

private struct CountingResponseBodyWriter: ResponseBodyWriter {
    var parent: any ResponseBodyWriter
    let counter: ByteCounter

    mutating func write(_ buffer: ByteBuffer) async throws {
        counter.count += buffer.readableBytes
        try await parent.write(buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await parent.finish(trailingHeaders)
    }
}

/// Header names, parsed once (generic types cannot hold stored statics).
private enum HeaderNames {
    static let requestID = HTTPField.Name(RequestID.headerName)!
    static let traceID = HTTPField.Name("X-Trace-ID")!
}
