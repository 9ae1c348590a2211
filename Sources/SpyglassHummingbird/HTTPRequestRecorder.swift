import HTTPTypes
import Hummingbird
import Logging
@_spi(Locking) import SpyglassCore
import SpyglassMetrics
import SpyglassTracing
import Tracing

/// What ``SpyglassMiddleware`` does around each request, kept free of the router's `Context` type: generic code
/// that Hummingbird calls through a protocol is not specialised, so every generic type it touches costs runtime
/// metadata lookups per request.
final class HTTPRequestRecorder: Sendable {
    let metrics: HTTPMetrics
    let configuration: HTTPInstrumentationConfiguration
    let logger: Logger
    /// The tracer given to the middleware, or the one found installed in `InstrumentationSystem`.
    private let tracer: Locked<(any Tracer)?>

    init(metrics: HTTPMetrics, configuration: HTTPInstrumentationConfiguration, logger: Logger, tracer: (any Tracer)?) {
        self.metrics = metrics
        self.configuration = configuration
        self.logger = logger
        self.tracer = Locked(tracer)
    }

    /// The tracer for this request. `InstrumentationSystem` can be bootstrapped only once, so the first real
    /// tracer found there is kept: searching its instruments costs dynamic casts on every request. Until one is
    /// installed, requests look again.
    private func currentTracer() -> any Tracer {
        if let tracer = tracer.withLock({ $0 }) { return tracer }
        let installed = InstrumentationSystem.tracer
        if !(installed is NoOpTracer) { tracer.withLock { $0 = installed } }
        return installed
    }

    /// Starts recording a request: the clock, the in-progress gauge, and the request's context and span.
    func begin(request: Request, path: String, clientAddress: String?, requestID: String?) -> RequestRecording {
        let start = ContinuousClock.now
        let inProgress = metrics.inProgress.labels(request.method.rawValue)
        inProgress.increment()
        let tracer = configuration.tracesRequests ? currentTracer() : nil
        let (serviceContext, span) = startContext(request: request, requestID: requestID, tracer: tracer)
        return RequestRecording(
            recorder: self,
            request: request,
            path: path,
            clientAddress: clientAddress,
            userAgent: configuration.tracesRequests || configuration.logsRequests ? request.headers.firstValue(.userAgent) : nil,
            requestID: requestID,
            tracer: tracer,
            serviceContext: serviceContext,
            span: span,
            start: start,
            inProgress: inProgress
        )
    }

    /// The context the request runs in (its id, the caller's trace, its span) and the span; `nil` when there is
    /// nothing to bind (ids and tracing off), so no task-local is pushed for nothing.
    private func startContext(request: Request, requestID: String?, tracer: (any Tracer)?) -> (ServiceContext?, (any Span)?) {
        guard requestID != nil || tracer != nil else { return (nil, nil) }
        var serviceContext = ServiceContext.current ?? .topLevel
        if let requestID {
            var spyglass = serviceContext.spyglass ?? SpyglassContext()
            spyglass.requestID = requestID
            serviceContext.spyglass = spyglass
        }
        guard let tracer else { return (serviceContext, nil) }
        tracer.extract(request.headers, into: &serviceContext, using: HTTPFieldsExtractor())
        // Attributes are set once, when the request ends: each update of an existing span copies its attributes.
        let span = tracer.startAnySpan(request.method.rawValue, context: serviceContext, ofKind: .server)
        return (span.context, span)
    }
}

/// One request being recorded, from ``HTTPRequestRecorder/begin(request:path:clientAddress:requestID:)`` to
/// ``finish(status:responseBytes:endpoint:error:)``.
struct RequestRecording: Sendable {
    let recorder: HTTPRequestRecorder
    let request: Request
    let path: String
    let clientAddress: String?
    /// `User-Agent`, read once for the span and the log line (a header lookup scans every field).
    let userAgent: String?
    let requestID: String?
    let tracer: (any Tracer)?
    /// The context bound while the request runs; `nil` when there is none to bind.
    let serviceContext: ServiceContext?
    let span: (any Span)?
    let start: ContinuousClock.Instant
    let inProgress: GaugeSeries

    /// Runs `operation` with the request's context bound, or as it is when there is none (binding `nil` would
    /// hide the caller's context).
    func withContext<Result>(_ operation: () async -> Result) async -> Result {
        guard let serviceContext else { return await operation() }
        return await ServiceContext.withValue(serviceContext, operation: operation)
    }

    /// Adds `X-Request-ID` and `X-Trace-ID` to `headers`.
    func echoIDs(into headers: inout HTTPFields) {
        if let requestID {
            headers[HTTPHeaderNames.requestID] = requestID
        }
        if let tracer, let span, let traceID = tracer.w3cTraceID(of: span.context) {
            headers[HTTPHeaderNames.traceID] = traceID
        }
    }

    /// ``finish(status:responseBytes:endpoint:error:)`` from outside the request's scope (a streamed body is
    /// written after it ended), with the request's context bound again for the log line.
    func finishInContext(status: Int, responseBytes: Int, endpoint: String, error: (any Error)? = nil) {
        guard let serviceContext else {
            return finish(status: status, responseBytes: responseBytes, endpoint: endpoint, error: error)
        }
        ServiceContext.withValue(serviceContext) {
            finish(status: status, responseBytes: responseBytes, endpoint: endpoint, error: error)
        }
    }

    /// Records the completed request: metrics, the span's end, the `request_completed` line.
    ///
    /// - Parameter error: what the handler threw, or what writing the body failed with. It is recorded on the
    ///   span and logged with `error.source` set to the route (`GET /v1/jobs/{id}`): Swift errors carry no throw
    ///   site, so the route is where the dashboard's error groups place it.
    func finish(status: Int, responseBytes: Int, endpoint: String, error: (any Error)? = nil) {
        let elapsed = ContinuousClock.now - start
        let configuration = recorder.configuration
        let method = request.method.rawValue
        let statusLabel = configuration.statusLabel(status)
        let requestBytes = request.headers.firstValue(.contentLength).flatMap { Int($0) } ?? 0

        let series = recorder.metrics.series(method: method, endpoint: endpoint, status: statusLabel)
        series.requests.increment()
        series.duration.observe(elapsed)
        series.requestSize.observe(Double(requestBytes))
        series.responseSize.observe(Double(responseBytes))
        inProgress.decrement()

        if let span {
            span.operationName = "\(method) \(endpoint)"
            // Built at its final size from `SpanAttribute` values, then stored in one update: assigning through
            // `SpanAttributeConvertible` boxes each value, and growing the dictionary rehashes it.
            var attributes = SpanAttributes([String: SpanAttribute](minimumCapacity: 8))
            attributes.set("http.request.method", value: .string(method))
            if endpoint != HTTPMetrics.unmatchedEndpoint { attributes.set("http.route", value: .string(endpoint)) }
            attributes.set("url.path", value: .string(path))
            attributes.set("url.scheme", value: .string(request.uri.scheme?.rawValue ?? "http"))
            attributes.set("http.response.status_code", value: .int64(Int64(status)))
            attributes.set("http.response.body.size", value: .int64(Int64(responseBytes)))
            if let userAgent { attributes.set("user_agent.original", value: .string(userAgent)) }
            if let clientAddress { attributes.set("client.address", value: .string(clientAddress)) }
            span.updateAttributes { existing in
                if existing.isEmpty { existing = attributes } else { existing.merge(attributes) }
            }
            if status >= 500 { span.setStatus(SpanStatus(code: .error)) }
            if let error { span.recordError(error) }
            span.end()
        }

        guard configuration.logsRequests else { return }
        let level: Logger.Level = status >= 500 ? .error : status >= 400 ? .warning : .info
        // Sized for every field up front: growing a dictionary rehashes it.
        var metadata = Logger.Metadata(minimumCapacity: 10)
        metadata["method"] = .string(method)
        metadata["endpoint"] = .string(endpoint)
        metadata["path"] = .string(path)
        metadata["status"] = .stringConvertible(status)
        metadata["duration_ms"] = .stringConvertible(elapsed.roundedMilliseconds)
        metadata["request_size"] = .stringConvertible(requestBytes)
        metadata["response_size"] = .stringConvertible(responseBytes)
        if let userAgent { metadata["user_agent"] = .string(userAgent) }
        if let clientAddress { metadata["client_address"] = .string(clientAddress) }
        if error != nil { metadata["error.source"] = .string(method + " " + endpoint) }
        recorder.logger.log(level: level, "request_completed", error: error, metadata: metadata)
    }
}

/// Header names, parsed once.
enum HTTPHeaderNames {
    static let requestID = HTTPField.Name(RequestID.headerName)!
    static let traceID = HTTPField.Name("X-Trace-ID")!
}
