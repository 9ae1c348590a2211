// swift-tools-version:6.2
import PackageDescription

// Benchmarks live in their own package so the library never depends on the benchmark harness.
// Run from this directory: `swift package --allow-writing-to-package-directory benchmark`.
let package = Package(
    name: "spyglass-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "spyglass", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.0", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        // The registry a Swift server would otherwise pick, measured side by side.
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.0"),
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .executableTarget(
            name: "LoggingBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SpyglassLogging", package: "spyglass"),
                .product(name: "SpyglassDashboard", package: "spyglass"),
                .product(name: "SpyglassSentry", package: "spyglass"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/LoggingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Not a package-benchmark target: a fixed number of log calls, for instruction counts under callgrind.
        .executableTarget(
            name: "LogLineInstructions",
            dependencies: [
                .product(name: "SpyglassLogging", package: "spyglass"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/LogLineInstructions"
        ),
        // Not a package-benchmark target: a fixed number of histogram observations, for callgrind.
        .executableTarget(
            name: "ObserveInstructions",
            dependencies: [.product(name: "SpyglassMetrics", package: "spyglass")],
            path: "Benchmarks/ObserveInstructions"
        ),
        .executableTarget(
            name: "RequestInstructions",
            dependencies: [
                .product(name: "SpyglassCore", package: "spyglass"),
                .product(name: "SpyglassLogging", package: "spyglass"),
                .product(name: "SpyglassMetrics", package: "spyglass"),
                .product(name: "SpyglassHummingbird", package: "spyglass"),
                .product(name: "SpyglassDashboard", package: "spyglass"),
                .product(name: "SpyglassTracing", package: "spyglass"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/RequestInstructions"
        ),
        .executableTarget(
            name: "MetricsBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SpyglassMetrics", package: "spyglass"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Benchmarks/MetricsBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "TracingBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SpyglassDashboard", package: "spyglass"),
                .product(name: "SpyglassTracing", package: "spyglass"),
                .product(name: "SpyglassCore", package: "spyglass"),
                .product(name: "SpyglassOTLP", package: "spyglass"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/TracingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "MiddlewareBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SpyglassCore", package: "spyglass"),
                .product(name: "SpyglassLogging", package: "spyglass"),
                .product(name: "SpyglassMetrics", package: "spyglass"),
                .product(name: "SpyglassHummingbird", package: "spyglass"),
                .product(name: "SpyglassDashboard", package: "spyglass"),
                .product(name: "SpyglassTracing", package: "spyglass"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/MiddlewareBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "GenAIBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SpyglassGenAI", package: "spyglass"),
                .product(name: "SpyglassMetrics", package: "spyglass"),
                .product(name: "SpyglassDashboard", package: "spyglass"),
                .product(name: "SpyglassTracing", package: "spyglass"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Benchmarks/GenAIBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "DashboardBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SpyglassCore", package: "spyglass"),
                .product(name: "SpyglassHealth", package: "spyglass"),
                .product(name: "SpyglassHummingbird", package: "spyglass"),
                .product(name: "SpyglassLogging", package: "spyglass"),
                .product(name: "SpyglassMetrics", package: "spyglass"),
                .product(name: "SpyglassDashboard", package: "spyglass"),
                .product(name: "SpyglassTracing", package: "spyglass"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Benchmarks/DashboardBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // A plain server for wrk (Benchmarks/http-overhead.sh), not a package-benchmark target.
        .executableTarget(
            name: "HTTPOverhead",
            dependencies: [
                .product(name: "SpyglassCore", package: "spyglass"),
                .product(name: "SpyglassLogging", package: "spyglass"),
                .product(name: "SpyglassMetrics", package: "spyglass"),
                .product(name: "SpyglassHummingbird", package: "spyglass"),
                .product(name: "SpyglassVapor", package: "spyglass"),
                .product(name: "SpyglassDashboard", package: "spyglass"),
                .product(name: "SpyglassTracing", package: "spyglass"),
                .product(name: "SpyglassOTLP", package: "spyglass"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "HTTPOverhead"
        ),
    ]
)
