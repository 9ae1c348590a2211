public import Instrumentation

/// The identifiers of the unit of work in progress: the request, session, job, user and workspace it belongs
/// to, plus free-form fields.
///
/// The context lives in the task-local `ServiceContext`, the same carrier that swift-distributed-tracing uses for
/// span context, so it flows into child tasks and `withSpan` bodies automatically and every log line written
/// inside picks it up. Bind values for a scope with ``with(_:operation:)``:
///
/// ```swift
/// try await SpyglassContext.with({ $0.requestID = id; $0.userID = user }) {
///     logger.info("command_received")   // carries request_id and user_id
/// }
/// ```
///
/// Unstructured work does not inherit task-locals when it is detached. Carry the context explicitly with
/// ``detachedTask(priority:operation:)`` or by capturing ``ServiceContext/current`` yourself.
public struct SpyglassContext: Sendable, Hashable {
    /// The HTTP header a request id arrives in, is echoed on, and is sent on with outgoing requests.
    public static let requestIDHeaderName = "X-Request-ID"

    /// The id of the HTTP request being served (`request_id` in logs).
    public var requestID: String?
    /// The user session the work belongs to (`session_id`).
    public var sessionID: String?
    /// The background job being run (`job_id`).
    public var jobID: String?
    /// The authenticated user (`user_id`).
    public var userID: String?
    /// The tenant or workspace (`workspace_id`).
    public var workspaceID: String?
    /// Free-form fields written into every log line in scope. Keys that collide with a field Spyglass writes
    /// itself are renamed rather than overwriting it.
    public var fields: [String: String]

    /// Creates a context; every identifier defaults to absent.
    public init(
        requestID: String? = nil,
        sessionID: String? = nil,
        jobID: String? = nil,
        userID: String? = nil,
        workspaceID: String? = nil,
        fields: [String: String] = [:]
    ) {
        self.requestID = requestID
        self.sessionID = sessionID
        self.jobID = jobID
        self.userID = userID
        self.workspaceID = workspaceID
        self.fields = fields
    }

    /// Whether no identifier and no field is set.
    public var isEmpty: Bool {
        requestID == nil && sessionID == nil && jobID == nil && userID == nil && workspaceID == nil && fields.isEmpty
    }

    /// The context bound to the current task, or an empty one.
    public static var current: SpyglassContext {
        ServiceContext.current?[SpyglassContextKey.self] ?? SpyglassContext()
    }

    /// Runs `operation` with the current context changed by `update`; child tasks inherit the result.
    @discardableResult
    public static func with<Result>(
        _ update: (inout SpyglassContext) -> Void,
        operation: () throws -> Result
    ) rethrows -> Result {
        try ServiceContext.withValue(updatedServiceContext(update), operation: operation)
    }

    /// Runs the async `operation` with the current context changed by `update`; child tasks inherit the result.
    @discardableResult
    public static func with<Result>(
        _ update: (inout SpyglassContext) -> Void,
        isolation: isolated (any Actor)? = #isolation,
        operation: () async throws -> Result
    ) async rethrows -> Result {
        try await ServiceContext.withValue(updatedServiceContext(update), isolation: isolation, operation: operation)
    }

    /// Starts a detached task that carries the caller's whole `ServiceContext`: these identifiers and the
    /// active span context, so background work started by a request logs the request's ids.
    @discardableResult
    public static func detachedTask<Success: Sendable>(
        priority: TaskPriority? = nil,
        operation: @escaping @Sendable () async throws -> Success
    ) -> Task<Success, any Error> {
        let carried = ServiceContext.current
        return Task.detached(priority: priority) {
            try await ServiceContext.withValue(carried) { try await operation() }
        }
    }

    private static func updatedServiceContext(_ update: (inout SpyglassContext) -> Void) -> ServiceContext {
        var serviceContext = ServiceContext.current ?? .topLevel
        var context = serviceContext.spyglass ?? SpyglassContext()
        update(&context)
        serviceContext[SpyglassContextKey.self] = context
        return serviceContext
    }
}

extension ServiceContext {
    /// The Spyglass identifiers carried by this service context, if any were bound: set in it, or carried by its
    /// active span (a request's server span holds the request's).
    public var spyglass: SpyglassContext? {
        get { self[SpyglassContextKey.self] ?? activeSpan?.spyglass }
        set {
            // Setting through the subscript costs a runtime metadata lookup (it is not inlinable): removing what is
            // not there is skipped.
            guard let newValue else {
                if self[SpyglassContextKey.self] != nil { self[SpyglassContextKey.self] = nil }
                return
            }
            self[SpyglassContextKey.self] = newValue
        }
    }
}

private enum SpyglassContextKey: ServiceContextKey {
    typealias Value = SpyglassContext
    static let nameOverride: String? = "spyglass-context"
}
