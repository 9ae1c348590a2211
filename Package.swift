// swift-tools-version:6.2
import PackageDescription

// Swift 6 language mode with complete strict concurrency checking for every target.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "spyglass",
    platforms: [.macOS(.v15)],
    products: [
        // The umbrella: `Spyglass.bootstrap`, re-exporting the signal modules every service calls.
        .library(name: "Spyglass", targets: ["Spyglass"]),
        .library(name: "SpyglassCore", targets: ["SpyglassCore"]),
        .library(name: "SpyglassLogging", targets: ["SpyglassLogging"]),
        .library(name: "SpyglassMetrics", targets: ["SpyglassMetrics"]),
        .library(name: "SpyglassTracing", targets: ["SpyglassTracing"]),
        .library(name: "SpyglassOTLP", targets: ["SpyglassOTLP"]),
        .library(name: "SpyglassSentry", targets: ["SpyglassSentry"]),
        .library(name: "SpyglassHealth", targets: ["SpyglassHealth"]),
        .library(name: "SpyglassHealthChecks", targets: ["SpyglassHealthChecks"]),
        .library(name: "SpyglassJobs", targets: ["SpyglassJobs"]),
        .library(name: "SpyglassGenAI", targets: ["SpyglassGenAI"]),
        .library(name: "SpyglassOpenAI", targets: ["SpyglassOpenAI"]),
        .library(name: "SpyglassDashboard", targets: ["SpyglassDashboard"]),
        .library(name: "SpyglassHTTP", targets: ["SpyglassHTTP"]),
        .library(name: "SpyglassHummingbird", targets: ["SpyglassHummingbird"]),
        .library(name: "SpyglassVapor", targets: ["SpyglassVapor"]),
        .library(name: "SpyglassStack", targets: ["SpyglassStack"]),
        .executable(name: "spyglass-demo", targets: ["SpyglassDemo"]),
        .executable(name: "spyglass", targets: ["SpyglassCLI"]),
        .executable(name: "hummingbird-example", targets: ["HummingbirdExample"]),
        .executable(name: "vapor-example", targets: ["VaporExample"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context.git", from: "1.0.0"),
        // OTLP export (SpyglassOTLP); tests also use its tracer and metadata provider to prove log–trace correlation.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0"),
        // Spyglass's own OTLP export of spans and logs: the generated OTLP messages, and OTLP/gRPC.
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.0"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.0"),
        // Health checks of HTTP dependencies; tests: outgoing requests from a traced handler get client spans.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // The PostgreSQL health check.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        // The stack specification read, and the rules and configurations written, by `spyglass generate`.
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // Context, ids, redaction and the parsing every module's configuration shares. No Foundation.
        .target(
            name: "SpyglassCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        // The bounded queue, batching, retries and drop counting both OTLP export and the Sentry reporter send through.
        .target(
            name: "SpyglassExport",
            dependencies: [
                "SpyglassCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Error reports over the Sentry envelope protocol (Sentry, GlitchTip, Bugsink).
        .target(
            name: "SpyglassSentry",
            dependencies: [
                "SpyglassCore",
                "SpyglassExport",
                "SpyglassLogging",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "SpyglassLogging",
            dependencies: [
                "SpyglassCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "SpyglassMetrics",
            dependencies: [
                "SpyglassCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "SpyglassTracing",
            dependencies: [
                "SpyglassCore",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // swift-otel (and gRPC and AsyncHTTPClient with it) only here, so the in-process signals build without.
        .target(
            name: "SpyglassOTLP",
            dependencies: [
                "SpyglassCore",
                "SpyglassExport",
                "SpyglassTracing",
                "SpyglassLogging",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Generated/README.md"],
            swiftSettings: strictSettings
        ),
        // Readiness and liveness, the checks that need no client library, system information.
        .target(
            name: "SpyglassHealth",
            dependencies: [
                "SpyglassCore",
                "SpyglassMetrics",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The checks of dependencies over the network: PostgreSQL, Redis, HTTP, TCP.
        .target(
            name: "SpyglassHealthChecks",
            dependencies: [
                "SpyglassHealth",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // Background jobs and calls to third-party APIs: their metrics, spans and lifecycle lines.
        .target(
            name: "SpyglassJobs",
            dependencies: [
                "SpyglassCore",
                "SpyglassMetrics",
                "SpyglassTracing",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        // LLM, agent and tool telemetry, the price table and cost budgets.
        .target(
            name: "SpyglassGenAI",
            dependencies: [
                "SpyglassCore",
                "SpyglassMetrics",
                "SpyglassTracing",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            resources: [.embedInCode("default-prices.json")],
            swiftSettings: strictSettings
        ),
        // An instrumented client of OpenAI-compatible chat APIs.
        .target(
            name: "SpyglassOpenAI",
            dependencies: [
                "SpyglassGenAI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // The built-in dashboard: the stores logging, tracing and jobs publish to, and its API, whatever the framework.
        .target(
            name: "SpyglassDashboard",
            dependencies: [
                "SpyglassCore",
                "SpyglassLogging",
                "SpyglassMetrics",
                "SpyglassTracing",
                "SpyglassJobs",
                "SpyglassHealth",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The dashboard's page, script and styles, compiled into the binary: nothing is fetched from elsewhere.
            resources: [
                .embedInCode("Assets/index.html"),
                .embedInCode("Assets/app.js"),
                .embedInCode("Assets/app.css"),
            ],
            swiftSettings: strictSettings
        ),
        // The framework-neutral HTTP core: per-request instrumentation and the handlers of /metrics, health, info
        // and the dashboard, over plain values. No web framework.
        .target(
            name: "SpyglassHTTP",
            dependencies: [
                "SpyglassCore",
                "SpyglassLogging",
                "SpyglassMetrics",
                "SpyglassHealth",
                "SpyglassTracing",
                "SpyglassJobs",
                "SpyglassDashboard",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        // The Hummingbird 2 adapter: the middleware and route registration over the HTTP core.
        .target(
            name: "SpyglassHummingbird",
            dependencies: [
                "SpyglassHTTP",
                "SpyglassCore",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // The Vapor 4 adapter: the middleware, route registration and lifecycle over the HTTP core.
        .target(
            name: "SpyglassVapor",
            dependencies: [
                "SpyglassHTTP",
                "SpyglassCore",
                "SpyglassJobs",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // `Spyglass.bootstrap` and `SpyglassConfiguration`: every module's part composed. Framework-neutral.
        .target(
            name: "Spyglass",
            dependencies: [
                "SpyglassCore",
                "SpyglassLogging",
                "SpyglassMetrics",
                "SpyglassTracing",
                "SpyglassOTLP",
                "SpyglassExport",
                "SpyglassSentry",
                "SpyglassHealth",
                "SpyglassJobs",
                "SpyglassGenAI",
                "SpyglassDashboard",
                "SpyglassHTTP",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Generators of the observability stack (rules, SLOs, Alertmanager, Prometheus) from the metric catalog.
        .target(
            name: "SpyglassStack",
            dependencies: [
                "SpyglassMetrics",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "SpyglassCLI",
            dependencies: [
                "SpyglassStack",
                "Spyglass",
                "SpyglassGenAI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "SpyglassDemo",
            dependencies: [
                "Spyglass",
                "SpyglassCore",
                "SpyglassGenAI",
                "SpyglassOpenAI",
                "SpyglassJobs",
                "SpyglassHealthChecks",
                "SpyglassHTTP",
                "SpyglassHummingbird",
                "SpyglassVapor",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The README's shortest set-up per framework; `hummingbird-example` compiles no Vapor (docs/architecture.md).
        .executableTarget(
            name: "HummingbirdExample",
            dependencies: [
                "Spyglass",
                "SpyglassHummingbird",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "VaporExample",
            dependencies: [
                "Spyglass",
                "SpyglassVapor",
                .product(name: "Vapor", package: "vapor"),
            ],
            swiftSettings: strictSettings
        ),
        // Helpers shared by the test targets (not a product).
        .target(
            name: "SpyglassTestSupport",
            dependencies: ["SpyglassCore", "SpyglassLogging", .product(name: "Logging", package: "swift-log")],
            path: "Tests/SpyglassTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SpyglassSentryTests",
            dependencies: [
                "SpyglassSentry",
                "SpyglassCore",
                "SpyglassExport",
                "SpyglassLogging",
                "SpyglassTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SpyglassCoreTests",
            dependencies: [
                "SpyglassCore",
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SpyglassLoggingTests",
            dependencies: [
                "SpyglassLogging",
                "SpyglassCore",
                "SpyglassDashboard",
                .product(name: "InMemoryLogging", package: "swift-log"),
                "SpyglassTestSupport",
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SpyglassMetricsTests",
            dependencies: [
                "SpyglassMetrics",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                "SpyglassCore",
                "SpyglassTestSupport",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SpyglassHummingbirdTests",
            dependencies: [
                "SpyglassHummingbird",
                "SpyglassCore",
                "SpyglassDashboard",
                "SpyglassTracing",
                "SpyglassTestSupport",
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SpyglassHTTPTests",
            dependencies: [
                "Spyglass",
                "SpyglassHTTP",
                "SpyglassMetrics",
                "SpyglassCore",
                "SpyglassDashboard",
                "SpyglassJobs",
                "SpyglassTracing",
                "SpyglassHummingbird",
                "SpyglassVapor",
                "SpyglassTestSupport",
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SpyglassOTLPTests",
            dependencies: [
                "SpyglassOTLP",
                "SpyglassExport",
                "SpyglassCore",
                "SpyglassTracing",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SpyglassHealthTests",
            dependencies: [
                "SpyglassCore",
                "SpyglassHealth",
                "SpyglassHealthChecks",
                "SpyglassHummingbird",
                "SpyglassMetrics",
                "SpyglassTestSupport",
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SpyglassGenAITests",
            dependencies: [
                "SpyglassGenAI",
                "SpyglassOpenAI",
                "SpyglassMetrics",
                "SpyglassTracing",
                "SpyglassDashboard",
                "SpyglassCore",
                "SpyglassTestSupport",
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SpyglassJobsTests",
            dependencies: [
                "SpyglassJobs",
                "SpyglassDashboard",
                "SpyglassMetrics",
                "SpyglassTracing",
                "SpyglassCore",
                "SpyglassTestSupport",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SpyglassStackTests",
            dependencies: ["SpyglassStack", "SpyglassMetrics", "SpyglassTestSupport", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SpyglassDashboardTests",
            dependencies: ["SpyglassDashboard", "SpyglassTracing", "SpyglassLogging"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SpyglassTracingTests",
            dependencies: [
                "SpyglassCore",
                "SpyglassTracing",
                "SpyglassDashboard",
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SpyglassTests",
            dependencies: ["Spyglass", "SpyglassOTLP", "SpyglassGenAI", "SpyglassJobs", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SpyglassDemoTests",
            dependencies: ["Spyglass", "SpyglassCore", "SpyglassStack", "SpyglassMetrics", "SpyglassTestSupport", "SpyglassDemo"],
            swiftSettings: strictSettings
        ),
    ]
)
