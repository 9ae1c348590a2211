import Logging
@_spi(Locking) import SpyglassCore

/// Turns misuse of the metrics API into one warning per metric and problem, and counts what was turned away,
/// instead of crashing the service.
final class ProblemReporter: Sendable {
    private struct State {
        var warned: Set<String> = []
        var rejectedSeries: [String: Int] = [:]
        var rejectedRegistrations: [String: Int] = [:]
    }

    private let logger: Logger
    private let state = Locked(State())

    init(logger: Logger) { self.logger = logger }

    /// Logs `message` at warning level the first time `problem` happens for `metric`.
    func warnOnce(metric: String, problem: String, message: Logger.Message, metadata: Logger.Metadata = [:]) {
        let first = state.withLock { $0.warned.insert("\(metric)\u{0}\(problem)").inserted }
        guard first else { return }
        var metadata = metadata
        metadata["metric"] = "\(metric)"
        logger.warning(message, metadata: metadata)
    }

    /// Counts a label set that `metric` did not accept (over its series limit, or the wrong number of values).
    func rejectSeries(metric: String, reason: String, metadata: Logger.Metadata) {
        state.withLock { $0.rejectedSeries[metric, default: 0] += 1 }
        warnOnce(metric: metric, problem: "series:\(reason)", message: "metric_series_rejected", metadata: metadata)
    }

    /// Counts a declaration of `metric` that is invalid or conflicts with the one already registered; each
    /// distinct `problem` is logged once.
    func rejectRegistration(metric: String, problem: String) {
        state.withLock { $0.rejectedRegistrations[metric, default: 0] += 1 }
        warnOnce(metric: metric, problem: "registration:\(problem)", message: "metric_registration_rejected", metadata: ["problem": "\(problem)"])
    }

    var rejectedSeries: [String: Int] { state.withLock { $0.rejectedSeries } }
    var rejectedRegistrations: [String: Int] { state.withLock { $0.rejectedRegistrations } }
}
