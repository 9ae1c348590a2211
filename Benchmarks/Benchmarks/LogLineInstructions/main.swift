import Logging
import SpyglassCore
import SpyglassLogging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Logs the same line a given number of times, for `valgrind --tool=callgrind`: instruction counts repeat
// exactly where wall-clock time drowns small changes in this VM's noise. The cost of one line is
// (instructions at N calls − instructions at 0 calls) / N; see BENCHMARKS.md.
//
//   swift build -c release --product LogLineInstructions
//   SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//       .build/release/LogLineInstructions plain 20000

let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[2]), count >= 0,
    let line = LineShape(rawValue: arguments[1])
else {
    let shapes = LineShape.allCases.map(\.rawValue).joined(separator: "|")
    print("usage: LogLineInstructions \(shapes) <calls>")
    exit(2)
}

enum LineShape: String, CaseIterable {
    /// The LoggingBenchmarks call: five short fields, no `%` anywhere.
    case plain
    /// An access line: ten fields, a path with percent escapes and no credential in it.
    case escapedPath = "escaped-path"
    /// An access line whose path hides a percent-encoded URL with a password.
    case escapedSecret = "escaped-secret"
}

var configuration = LoggingConfiguration()
configuration.sampling = nil
let backend = try! LogBackend(configuration: configuration, service: ServiceIdentity(name: "bench", version: "1.0.0", environment: "production"), writer: LogWriter(fileDescriptor: open("/dev/null", O_WRONLY)))
let logger = Logger(label: "api") { backend.makeHandler(label: $0, metadataProvider: nil) }

func accessLine(path: String) {
    logger.info(
        "request_completed",
        metadata: [
            "method": "GET", "endpoint": "/v1/jobs/{id}", "path": .string(path), "status": "404",
            "duration_ms": "0.42", "request_size": "0", "response_size": "61", "user_agent": "curl/8.5.0",
            "client_address": "127.0.0.1", "error.source": "GET /v1/jobs/{id}",
        ]
    )
}

for _ in 0..<count {
    switch line {
    case .plain:
        logger.info(
            "request_completed",
            metadata: [
                "method": "GET", "endpoint": "/v1/jobs/{id}", "status": "200", "duration_ms": "4.21",
                "user_agent": "curl/8.5.0",
            ]
        )
    case .escapedPath:
        accessLine(path: "/v1/search/caf%C3%A9%20menu%2Fdrinks")
    case .escapedSecret:
        accessLine(path: "/v1/jobs/postgres%3A%2F%2Fadmin%3AS3cretPassw0rdXYZ%40db%3A5432%2Fapp")
    }
}
