import Benchmark
import Logging
import SpyglassCore
import SpyglassLogging
import SpyglassDashboard
import SpyglassSentry

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Both handlers write to /dev/null so the comparison is formatting and buffering, not the terminal.
let devNull = open("/dev/null", O_WRONLY)

/// The stream swift-log's `StreamLogHandler.standardOutput` uses (`fwrite` then `fflush` under the file lock),
/// pointed at /dev/null.
struct StdioStream: TextOutputStream, @unchecked Sendable {
    let file: UnsafeMutablePointer<FILE>

    mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { bytes in
            flockfile(file)
            fwrite(bytes.baseAddress, 1, bytes.count, file)
            fflush(file)
            funlockfile(file)
        }
    }
}

func makeBackend(redaction: Bool, store: LogStore? = nil, errors: (any ErrorLineSink)? = nil) -> LogBackend {
    var configuration = LoggingConfiguration()
    configuration.sampling = nil  // every call must produce a line
    configuration.redaction.isEnabled = redaction
    return try! LogBackend(
        configuration: configuration, service: ServiceIdentity(name: "bench", version: "1.0.0", environment: "production"),
        writer: LogWriter(fileDescriptor: devNull), store: store, errors: errors)
}

let spyglassBackend = makeBackend(redaction: true)
/// What `Spyglass.bootstrap` installs: every line also kept in the dashboard's store (10,000 lines, 16 MiB).
let storingBackend = makeBackend(redaction: true, store: LogStore())
let storingLogger = Logger(label: "api") { storingBackend.makeHandler(label: $0, metadataProvider: nil) }
let unredactedBackend = makeBackend(redaction: false)
/// A handler that accepts every event and discards it: the cost of the call itself (building the metadata
/// dictionary, swift-log's dispatch), which every handler pays before doing any work.
struct DiscardingLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) { blackHole(event.metadata) }
}

/// Error lines grouped for the dashboard, as `Spyglass.bootstrap` does without a DSN.
let groupingLogger = Logger(label: "api") { makeBackend(redaction: true, errors: ErrorGroups()).makeHandler(label: $0, metadataProvider: nil) }
/// Error lines also reported over the Sentry protocol, to a server that is down (loopback port 9 refuses): once the
/// queue of 100 is full, every event is the reporter's sample check, rate-limit check and a drop counted, the steady
/// state of an error burst whatever the server does.
let reporter = SentryReporter(
    configuration: SentryConfiguration(dsn: SentryDSN("http://publickey@127.0.0.1:9/1")),
    service: ServiceIdentity(name: "bench", version: "1.0.0", environment: "production"),
    redactor: try! Redactor(), breadcrumbs: nil, diagnostics: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() })!
let reportingTask = Task { try await reporter.run() }
let reportingLogger = Logger(label: "api") { makeBackend(redaction: true, errors: reporter).makeHandler(label: $0, metadataProvider: nil) }

struct JobFailed: Error, CustomStringConvertible {
    var description: String { "the source server answered 503" }
}

@inline(__always)
func logJobFailed(_ logger: Logger) {
    logger.error("job_failed", error: JobFailed(), metadata: ["job_id": "job_42", "job_type": "research", "attempt": "2"])
}

let spyglassLogger = Logger(label: "api") { spyglassBackend.makeHandler(label: $0, metadataProvider: nil) }
let unredactedLogger = Logger(label: "api") { unredactedBackend.makeHandler(label: $0, metadataProvider: nil) }
let discardingLogger = Logger(label: "api") { _ in DiscardingLogHandler() }
let streamLogger = Logger(label: "api") { StreamLogHandler(label: $0, stream: StdioStream(file: fopen("/dev/null", "w"))) }

@inline(__always)
func logRequestCompleted(_ logger: Logger) {
    logger.info(
        "request_completed",
        metadata: [
            "method": "GET",
            "endpoint": "/v1/jobs/{id}",
            "status": "200",
            "duration_ms": "4.21",
            "user_agent": "curl/8.5.0",
        ]
    )
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 100_000
    )

    Benchmark("info + 5 metadata: Spyglass JSON") { benchmark in
        for _ in benchmark.scaledIterations { logRequestCompleted(spyglassLogger) }
    }
    Benchmark("info + 5 metadata: Spyglass JSON, kept in the dashboard's store") { benchmark in
        for _ in benchmark.scaledIterations { logRequestCompleted(storingLogger) }
    }
    Benchmark("info + 5 metadata: Spyglass JSON, redaction off") { benchmark in
        for _ in benchmark.scaledIterations { logRequestCompleted(unredactedLogger) }
    }
    Benchmark("info + 5 metadata: swift-log StreamLogHandler") { benchmark in
        for _ in benchmark.scaledIterations { logRequestCompleted(streamLogger) }
    }
    Benchmark("info + 5 metadata: swift-log floor (discarding handler)") { benchmark in
        for _ in benchmark.scaledIterations { logRequestCompleted(discardingLogger) }
    }
    Benchmark("error + 3 metadata + error: Spyglass JSON, no error sink") { benchmark in
        for _ in benchmark.scaledIterations { logJobFailed(spyglassLogger) }
    }
    Benchmark("error + 3 metadata + error: Spyglass JSON, grouped for the dashboard") { benchmark in
        for _ in benchmark.scaledIterations { logJobFailed(groupingLogger) }
    }
    Benchmark("error + 3 metadata + error: Spyglass JSON, reported over Sentry to a server that is down") { benchmark in
        _ = reportingTask
        for _ in benchmark.scaledIterations { logJobFailed(reportingLogger) }
    }
    Benchmark("error + 3 metadata + error: swift-log StreamLogHandler") { benchmark in
        for _ in benchmark.scaledIterations { logJobFailed(streamLogger) }
    }
    Benchmark("debug filtered by level: Spyglass") { benchmark in
        for _ in benchmark.scaledIterations { spyglassLogger.debug("cache_probe", metadata: ["key": "k"]) }
    }
    Benchmark("debug filtered by level: swift-log StreamLogHandler") { benchmark in
        for _ in benchmark.scaledIterations { streamLogger.debug("cache_probe", metadata: ["key": "k"]) }
    }
}
