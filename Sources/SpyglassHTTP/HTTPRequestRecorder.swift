package import Logging
@_spi(Locking) import SpyglassCore
package import SpyglassMetrics
import SpyglassTracing
package import Tracing

/// What a framework's Spyglass middleware does around each request, whatever the framework: the request id, the
/// span and trace propagation, the RED metrics and the `request_completed` line. An adapter converts its request
/// and response to the values this takes and returns.
///
/// Nothing here is generic over the framework's types: generic code a framework calls through a protocol is not
/// specialised, so every generic type it touches costs runtime metadata lookups per request.
package final class HTTPRequestRecorder: Sendable {
    let metrics: HTTPMetrics
    package let configuration: HTTPInstrumentationConfiguration
    let accessLine: AccessLine
    private let excludedPaths: ExcludedPaths
    /// The tracer given to the middleware, or the one found installed in `InstrumentationSystem`.
    private let tracer: Locked<RequestTracer?>

    package init(metrics: MetricRegistry, configuration: HTTPInstrumentationConfiguration, logger: Logger, tracer: (any Tracer)?) {
        self.metrics = HTTPMetrics(registry: metrics)
        self.configuration = configuration
        accessLine = AccessLine(logger: logger)
        excludedPaths = ExcludedPaths(configuration.excludedPaths)
        self.tracer = Locked(tracer.map(RequestTracer.init))
    }

    /// The request's id when ids are assigned: the caller's `X-Request-ID` (the first, when several are sent) when
    /// valid, else a new one.
    package func requestID(from headers: some HTTPHeaderLookup) -> String? {
        configuration.assignsRequestIDs ? RequestID.accepting(headers.firstValue(named: HTTPHeaderName.requestID)) : nil
    }

    /// The request's id when ids are assigned: `candidate` when valid (a framework's own id, made from the same
    /// header or fresh), else a new one.
    package func requestID(accepting candidate: String) -> String? {
        configuration.assignsRequestIDs ? RequestID.accepting(candidate) : nil
    }

    /// Whether `path` gets no metrics, span or log line (``HTTPInstrumentationConfiguration/excludedPaths``).
    package func excludes(_ path: String) -> Bool {
        excludedPaths.contains(path)
    }

    /// Whether a span or log line records the request's details (client address, `User-Agent`), so an adapter reads
    /// the client's address only then.
    package var recordsRequestDetails: Bool {
        configuration.tracesRequests || configuration.logsRequests
    }

    /// The tracer for this request. `InstrumentationSystem` can be bootstrapped only once, so the first real
    /// tracer found there is kept: searching its instruments costs dynamic casts on every request. Until one is
    /// installed, requests look again.
    private func currentTracer() -> RequestTracer {
        if let tracer = tracer.withLock({ $0 }) { return tracer }
        let installed = RequestTracer(InstrumentationSystem.tracer)
        if !(installed.tracer is NoOpTracer) { tracer.withLock { $0 = installed } }
        return installed
    }

    /// Starts recording a request: the clock, the in-progress gauge, and the request's context and span.
    ///
    /// - Parameters:
    ///   - method: the request method as sent (`GET`).
    ///   - path: the path without its query.
    ///   - scheme: `http` or `https`; `nil` is `http`.
    ///   - headers: the request's headers, for trace context, `User-Agent` and `Content-Length`.
    ///   - clientAddress: the peer's address when the adapter knows it.
    ///   - requestID: from ``requestID(from:)``.
    package func begin(
        method: String,
        path: String,
        scheme: String?,
        headers: some HTTPHeaderLookup,
        clientAddress: String?,
        requestID: String?
    ) -> RequestRecording {
        let start = ContinuousClock.now
        let inProgress = metrics.inProgress(method: method)
        inProgress.increment()
        let tracer = configuration.tracesRequests ? currentTracer() : nil
        let (serviceContext, span) = startContext(method: method, headers: headers, requestID: requestID, tracer: tracer)
        return RequestRecording(
            recorder: self,
            method: method,
            path: path,
            scheme: scheme ?? "http",
            requestBytes: headers.firstValue(named: HTTPHeaderName.contentLength).flatMap { Int($0) } ?? 0,
            clientAddress: clientAddress,
            userAgent: recordsRequestDetails ? headers.firstValue(named: HTTPHeaderName.userAgent) : nil,
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
    private func startContext(
        method: String,
        headers: some HTTPHeaderLookup,
        requestID: String?,
        tracer: RequestTracer?
    ) -> (ServiceContext?, RequestSpan?) {
        guard requestID != nil || tracer != nil else { return (nil, nil) }
        var serviceContext = ServiceContext.current ?? .topLevel
        var spyglassContext = serviceContext.spyglass
        if let requestID {
            spyglassContext = spyglassContext ?? SpyglassContext()
            spyglassContext?.requestID = requestID
        }
        guard let tracer else {
            if requestID != nil { serviceContext.spyglass = spyglassContext }
            return (serviceContext, nil)
        }
        tracer.extract(headers, into: &serviceContext)
        // Attributes are set once, when the request ends: each update of an existing span copies its attributes.
        let span: RequestSpan
        if let spyglass = tracer.spyglass {
            // The span carries the request's context: one entry in the service context instead of two. One the
            // caller bound would take precedence over it, so it is taken out (the span's holds what it held).
            if requestID != nil, spyglassContext != nil { serviceContext.spyglass = nil }
            span = .spyglass(spyglass.startHTTPServerSpan(method, context: serviceContext, spyglass: spyglassContext))
        } else {
            if requestID != nil { serviceContext.spyglass = spyglassContext }
            span = .other(tracer.tracer.startAnySpan(method, context: serviceContext, ofKind: .server))
        }
        return (span.context, span)
    }
}

/// The tracer requests are traced with, and Spyglass's own when it is that one. A class: each request holds it,
/// and a reference copies for one retain where the `any Tracer` existential copies through its value witness.
final class RequestTracer: Sendable {
    let tracer: any Tracer
    /// Cast once here, not on every request.
    let spyglass: SpyglassTracer?

    init(_ tracer: any Tracer) {
        self.tracer = tracer
        spyglass = tracer as? SpyglassTracer
    }

    /// Extracts the caller's trace context from `headers` into `context`.
    func extract(_ headers: some HTTPHeaderLookup, into context: inout ServiceContext) {
        if let spyglass {
            spyglass.extract(
                traceparent: headers.firstValue(named: .traceparent),
                tracestate: { headers.firstValue(named: .tracestate) },
                into: &context
            )
        } else {
            tracer.extract(headers, into: &context, using: HeaderLookupExtractor())
        }
    }
}

/// A request's server span: Spyglass's, which takes its attributes typed, or another tracer's.
enum RequestSpan: Sendable {
    case spyglass(SpyglassSpan)
    case other(any Span)

    var context: ServiceContext {
        switch self {
        case .spyglass(let span): span.context
        case .other(let span): span.context
        }
    }
}

/// One request being recorded, from ``HTTPRequestRecorder/begin(method:path:scheme:headers:clientAddress:requestID:)``
/// to ``finish(status:responseBytes:endpoint:error:requestHeaders:)``.
package struct RequestRecording: Sendable {
    let recorder: HTTPRequestRecorder
    let method: String
    let path: String
    let scheme: String
    /// `Content-Length`; 0 for a body without one.
    let requestBytes: Int
    let clientAddress: String?
    /// `User-Agent`, read once for the span and the log line (a header lookup scans every field).
    let userAgent: String?
    /// The id to echo as `X-Request-ID`, when ids are assigned.
    package let requestID: String?
    let tracer: RequestTracer?
    /// The context bound while the request runs; `nil` when there is none to bind.
    let serviceContext: ServiceContext?
    let span: RequestSpan?
    let start: ContinuousClock.Instant
    let inProgress: GaugeSeries

    /// Runs `operation` with the request's context bound, or as it is when there is none (binding `nil` would
    /// hide the caller's context).
    package func withContext<Result>(_ operation: () async -> Result) async -> Result {
        guard let serviceContext else { return await operation() }
        return await ServiceContext.withValue(serviceContext, operation: operation)
    }

    /// The trace id to echo as `X-Trace-ID`, when the request has a span.
    package var traceID: String? {
        switch span {
        // A span with no identity is one an exporting tracer that propagates otherwise started: no W3C trace id.
        case .spyglass(let span): return span.isRecording ? span.identity.traceIDHex : nil
        case .other(let span): return tracer?.tracer.w3cTraceID(of: span.context)
        case nil: return nil
        }
    }

    /// ``finish(status:responseBytes:endpoint:error:requestHeaders:)`` from outside the request's scope (a streamed
    /// body is written after it ended), with the request's context bound again for the log line.
    package func finishInContext(
        status: Int, responseBytes: Int, endpoint: String?, error: (any Error)? = nil, requestHeaders: some HTTPHeaderLookup
    ) {
        guard let serviceContext else {
            return finish(status: status, responseBytes: responseBytes, endpoint: endpoint, error: error, requestHeaders: requestHeaders)
        }
        ServiceContext.withValue(serviceContext) {
            finish(status: status, responseBytes: responseBytes, endpoint: endpoint, error: error, requestHeaders: requestHeaders)
        }
    }

    /// Records the completed request: metrics, the span's end, the `request_completed` line.
    ///
    /// - Parameters:
    ///   - endpoint: the route template that handled the request (`/v1/jobs/{id}`); `nil` when no route matched,
    ///     recorded as `unmatched`.
    ///   - error: what the handler threw, or what writing the body failed with. It is recorded on the span and
    ///     logged with `error.source` set to the route (`GET /v1/jobs/{id}`): Swift errors carry no throw site, so
    ///     the route is where the dashboard's error groups place it.
    ///   - requestHeaders: the request's headers; read only when the status is 5xx, for the line's
    ///     `request_headers` (``FailedRequestHeaders``).
    package func finish(
        status: Int, responseBytes: Int, endpoint: String?, error: (any Error)? = nil, requestHeaders: some HTTPHeaderLookup
    ) {
        let elapsed = ContinuousClock.now - start
        let configuration = recorder.configuration
        let endpoint = endpoint ?? HTTPMetrics.unmatchedEndpoint
        let statusLabel = configuration.statusLabel(status)

        let series = recorder.metrics.series(method: method, endpoint: endpoint, status: statusLabel)
        series.requests.increment()
        series.duration.observe(elapsed)
        series.requestSize.observe(Double(requestBytes))
        series.responseSize.observe(Double(responseBytes))
        inProgress.decrement()

        let route = endpoint == HTTPMetrics.unmatchedEndpoint ? nil : endpoint
        switch span {
        case .spyglass(let span):
            span.endHTTPServer(
                operationName: series.spanName,
                attributes: HTTPServerAttributes(
                    method: method, route: route, path: path, scheme: scheme, statusCode: status,
                    responseBodySize: responseBytes, userAgent: userAgent, clientAddress: clientAddress
                ),
                error: error
            )
        case .other(let span):
            span.operationName = series.spanName
            // Built at its final size from `SpanAttribute` values, then stored in one update: assigning through
            // `SpanAttributeConvertible` boxes each value, and growing the dictionary rehashes it.
            var attributes = SpanAttributes([String: SpanAttribute](minimumCapacity: 8))
            attributes.set("http.request.method", value: .string(method))
            if let route { attributes.set("http.route", value: .string(route)) }
            attributes.set("url.path", value: .string(path))
            attributes.set("url.scheme", value: .string(scheme))
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
        case nil:
            break
        }

        guard configuration.logsRequests else { return }
        recorder.accessLine.write(
            method: method, endpoint: endpoint, path: path, status: status,
            durationMilliseconds: elapsed.roundedMilliseconds, requestBytes: requestBytes, responseBytes: responseBytes,
            userAgent: userAgent, clientAddress: clientAddress, error: error,
            requestHeaders: status >= 500 ? FailedRequestHeaders.metadata(of: requestHeaders) : nil
        )
    }
}
