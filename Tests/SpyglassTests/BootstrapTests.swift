import Foundation
import ServiceLifecycle
import Spyglass
import SpyglassJobs
import Testing
import Tracing

/// `Spyglass.bootstrap` installs process-wide backends once, so each case runs in a process of its own.
@Suite struct BootstrapTests {
    @Test func aSecondCallThrowsAndTheFirstStaysInstalled() async {
        await #expect(processExitsWith: .success) {
            let first = try Spyglass.bootstrap(SpyglassConfiguration(serviceName: "bootstrap-test"), environment: [:])
            do {
                _ = try Spyglass.bootstrap(environment: [:])
                exit(1)
            } catch BootstrapError.alreadyBootstrapped {
            }
            guard first.configuration.serviceName == "bootstrap-test",
                InstrumentationSystem.tracer is SpyglassTracer,
                Logger(label: "test").handler is SpyglassLogHandler
            else { exit(2) }
        }
    }

    /// swift-log would crash on a second bootstrap: a backend installed before is refused with its name.
    @Test func aLoggingBackendInstalledBeforeIsRefusedClearly() async {
        await #expect(processExitsWith: .success) {
            LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
            do {
                _ = try Spyglass.bootstrap(environment: [:])
                exit(1)
            } catch let error as BootstrapError {
                guard case .loggingAlreadyBootstrapped(let handler) = error, handler == "SwiftLogNoOpLogHandler",
                    "\(error)".contains("LoggingSystem.bootstrap(from: &env)")
                else { exit(2) }
            }
            // Nothing was installed: metrics and tracing are still swift-metrics' and swift-distributed-tracing's defaults.
            guard InstrumentationSystem.tracer is NoOpTracer else { exit(3) }
        }
    }

    /// Services stop in reverse order: clients, readiness, the application, the running jobs, its dependencies,
    /// then Spyglass.
    @Test func servicesAroundTheApplicationAreInTheOrderShutdownNeeds() async {
        await #expect(processExitsWith: .success) {
            struct Named: Service {
                let name: String
                func run() async throws {}
            }
            let spyglass = try Spyglass.bootstrap(environment: [:])
            let services = spyglass.services(around: Named(name: "app"), dependencies: [Named(name: "llm")], clients: [Named(name: "traffic")])
            guard services.count == 6, services[0] is SpyglassService, (services[1] as? Named)?.name == "llm",
                (services[2] as? JobTelemetry) === spyglass.jobs, (services[3] as? Named)?.name == "app",
                (services[4] as? HealthMonitor) === spyglass.health, (services[5] as? Named)?.name == "traffic"
            else { exit(1) }
        }
    }

    @Test func anEmptyEnvironmentIgnoresTheProcessEnvironment() async {
        await #expect(processExitsWith: .success) {
            setenv("SPYGLASS_LOG_LEVEL", "verbose", 1)
            setenv("SPYGLASS_SERVICE_NAME", "from-the-process", 1)
            setenv("OTEL_PROPAGATORS", "b3", 1)
            let spyglass = try Spyglass.bootstrap(SpyglassConfiguration(serviceName: "from-code"), environment: [:])
            guard spyglass.configuration.serviceName == "from-code", spyglass.configuration.logging.level == .info else { exit(1) }
        }
    }

    /// swift-otel would read the process's `OTEL_PROPAGATORS` even with `environment: [:]`: bootstrap refuses.
    @Test func exportRefusesAProcessEnvironmentSwiftOTelWouldReadDifferently() async {
        await #expect(processExitsWith: .success) {
            setenv("OTEL_PROPAGATORS", "b3", 1)
            var configuration = SpyglassConfiguration(serviceName: "bootstrap-test")
            configuration.otlp = OTLPConfiguration(endpoint: "http://127.0.0.1:9")
            do {
                _ = try Spyglass.bootstrap(configuration, environment: [:])
                exit(1)
            } catch let error as ConfigurationError {
                guard error.variable == "OTEL_PROPAGATORS" else { exit(2) }
            }
            // Nothing was installed: a corrected call still succeeds.
            unsetenv("OTEL_PROPAGATORS")
            _ = try Spyglass.bootstrap(configuration, environment: [:])
        }
    }

    /// With an endpoint, Spyglass's tracer queues spans for export and its log backend hands every line to the log
    /// export, behind Spyglass's own handler (so the access line keeps its typed fast path).
    @Test func anEndpointWiresTheExport() async {
        await #expect(processExitsWith: .success) {
            var configuration = SpyglassConfiguration(serviceName: "bootstrap-test")
            configuration.otlp = OTLPConfiguration(endpoint: "http://127.0.0.1:9")
            let spyglass = try Spyglass.bootstrap(configuration, environment: [:])
            guard spyglass.configuration.otlp?.exportsTraces == true,
                let handler = Logger(label: "test").handler as? SpyglassLogHandler, handler.lineBackend.exports != nil,
                InstrumentationSystem.tracer is SpyglassTracer
            else { exit(1) }
            // The span's ids come from the exporting tracer, read back through W3C Trace Context.
            let traceID = withSpan("probe") { span in span.context.spanIdentity?.traceIDHex }
            guard let traceID, traceID.count == 32, traceID != String(repeating: "0", count: 32) else { exit(2) }
            guard spyglass.spans.count == 1 else { exit(3) }
        }
    }

    @Test func aBadVariableExitsWithItsLine() async throws {
        let result = try await #require(processExitsWith: .exitCode(78), observing: [\.standardErrorContent]) {
            setenv("SPYGLASS_LOG_LEVEL", "verbose", 1)
            do {
                _ = try Spyglass.bootstrap()
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                exit(78)
            }
        }
        let stderr = String(decoding: result.standardErrorContent, as: UTF8.self)
        #expect(stderr.contains(#"SPYGLASS_LOG_LEVEL="verbose" is invalid: expected one of trace, debug, info, notice, warning, error, critical"#))
    }
}
