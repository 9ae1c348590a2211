import SpyglassDashboard
import SpyglassLogging
@_spi(Locking) import SpyglassCore
import SpyglassSentry

/// Where the log backend hands its error lines: the dashboard's groups and the Sentry reporter. The reporter is
/// made after the backend (its own warnings are written through it), so it is set once it exists.
final class ErrorReports: ErrorLineSink {
    private let groups: ErrorGroups?
    private let reporter = Locked<SentryReporter?>(nil)

    init(groups: ErrorGroups?) {
        self.groups = groups
    }

    func report(to reporter: SentryReporter) {
        self.reporter.withLock { $0 = reporter }
    }

    func record(_ line: ErrorLine) {
        groups?.record(line)
        reporter.withLock { $0 }?.record(line)
    }
}
