import Logging
import Spyglass
import SpyglassGenAI
import Testing

@Suite struct ConfigurationTests {
    @Test func defaultsAreDocumented() {
        let configuration = SpyglassConfiguration(serviceName: "svc")
        #expect(configuration.environment == "development")
        #expect(configuration.version == "unknown")
        #expect(configuration.logging.level == .info)
        #expect(configuration.logging.format == .json)
        #expect(configuration.logging.includeSource == false)
        #expect(configuration.logging.redaction.isEnabled)
        #expect(configuration.logging.sampling == LogSampling(first: 100, thereafter: 100, interval: .seconds(1)))
        #expect(configuration.logging.maxValueBytes == 8192)
        #expect(configuration.logging.flushInterval == .milliseconds(100))
        #expect(configuration.metrics.namespace == nil)
        #expect(configuration.metrics.seriesLimit == 2000)
        #expect(configuration.tracing.isEnabled)
        #expect(configuration.tracing.sampler == .alwaysOn)
        #expect(configuration.tracing.sampler.followsParent)
        #expect(configuration.tracing.storeSpans == 10_000)
        #expect(configuration.tracing.storeBytes == 32 * 1024 * 1024)
        #expect(configuration.genAI == GenAIConfiguration(pricesFile: nil, capturesContent: false, contentCharacterLimit: 2_000, budgets: []))
    }

    @Test func theLogStoreIsSizedFromTheEnvironment() throws {
        #expect(SpyglassConfiguration().logging.storeLines == 10_000 && SpyglassConfiguration().logging.storeBytes == 16 * 1024 * 1024)
        let configuration = try SpyglassConfiguration().applyingEnvironment(["SPYGLASS_STORE_LOG_LINES": "0", "SPYGLASS_STORE_LOG_BYTES": "65536"])
        #expect(configuration.logging.storeLines == 0 && configuration.logging.storeBytes == 65536)
        #expect(throws: ConfigurationError(variable: "SPYGLASS_STORE_LOG_BYTES", value: "100", allowed: "a whole number of bytes from 4096 to 1073741824")) {
            try SpyglassConfiguration().applyingEnvironment(["SPYGLASS_STORE_LOG_BYTES": "100"])
        }
    }

    @Test func theSpanStoreIsSizedFromTheEnvironment() throws {
        let configuration = try SpyglassConfiguration().applyingEnvironment(["SPYGLASS_STORE_SPANS": "500", "SPYGLASS_STORE_SPAN_BYTES": "1048576"])
        #expect(configuration.tracing.storeSpans == 500 && configuration.tracing.storeBytes == 1_048_576)
        #expect(throws: ConfigurationError(variable: "SPYGLASS_STORE_SPANS", value: "0", allowed: "a whole number of spans from 1 to 1000000")) {
            try SpyglassConfiguration().applyingEnvironment(["SPYGLASS_STORE_SPANS": "0"])
        }
    }

    @Test func theDashboardIsOnInDevelopmentAndElsewhereOnlyWithAToken() throws {
        let development = try SpyglassConfiguration().applyingEnvironment([:])
        #expect(development.dashboard.isEnabled(environment: development.environment) && development.dashboard.makesToken(environment: "development"))
        let production = try SpyglassConfiguration().applyingEnvironment(["SPYGLASS_ENVIRONMENT": "production"])
        #expect(!production.dashboard.isEnabled(environment: production.environment))
        let withToken = try SpyglassConfiguration().applyingEnvironment([
            "SPYGLASS_ENVIRONMENT": "production", "SPYGLASS_DASHBOARD_TOKEN": " 0123456789abcdef0123 ",
        ])
        #expect(withToken.dashboard.isEnabled(environment: "production") && withToken.dashboard.token == "0123456789abcdef0123")
        #expect(!withToken.dashboard.makesToken(environment: "production"))
        let off = try SpyglassConfiguration().applyingEnvironment(["SPYGLASS_DASHBOARD": "OFF"])
        #expect(!off.dashboard.isEnabled(environment: "development"))
        #expect(throws: ConfigurationError(
            variable: "SPYGLASS_DASHBOARD", value: "on",
            allowed: "on outside development only with SPYGLASS_DASHBOARD_TOKEN set (the dashboard shows logs and traces)"
        )) {
            try SpyglassConfiguration().applyingEnvironment(["SPYGLASS_ENVIRONMENT": "staging", "SPYGLASS_DASHBOARD": "on"])
        }
        #expect(throws: ConfigurationError(variable: "SPYGLASS_DASHBOARD_TOKEN", value: "(5 characters)", allowed: "a token of at least 16 characters")) {
            try SpyglassConfiguration().applyingEnvironment(["SPYGLASS_DASHBOARD_TOKEN": "short"])
        }
        #expect(throws: ConfigurationError(variable: "SPYGLASS_DASHBOARD", value: "yes", allowed: "on or off")) {
            try SpyglassConfiguration().applyingEnvironment(["SPYGLASS_DASHBOARD": "yes"])
        }
    }

    @Test func genAISettingsComeFromTheEnvironment() throws {
        let configuration = try SpyglassConfiguration().applyingEnvironment([
            "SPYGLASS_LLM_PRICES": " /etc/prices.json ",
            "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "true",
            "SPYGLASS_LLM_CONTENT_MAX_CHARS": "500",
            "SPYGLASS_LLM_BUDGETS": "openai=50/day",
        ])
        #expect(configuration.genAI.pricesFile == "/etc/prices.json")
        #expect(configuration.genAI.capturesContent)
        #expect(configuration.genAI.contentCharacterLimit == 500)
        #expect(configuration.genAI.budgets == [LLMCostBudget(provider: "openai", period: .day, limitUSD: 50)])
        for (variable, value) in [
            ("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "sometimes"),
            ("SPYGLASS_LLM_CONTENT_MAX_CHARS", "8"),
            ("SPYGLASS_LLM_BUDGETS", "openai=50/fortnight"),
        ] {
            #expect(throws: ConfigurationError.self, "\(variable)") { try SpyglassConfiguration().applyingEnvironment([variable: value]) }
        }
    }

    @Test func tracingFollowsOpenTelemetrysVariables() throws {
        func sampler(_ name: String, _ argument: String? = nil) throws(ConfigurationError) -> TraceSampler {
            var environment = ["OTEL_TRACES_SAMPLER": name]
            environment["OTEL_TRACES_SAMPLER_ARG"] = argument
            return try SpyglassConfiguration().applyingEnvironment(environment).tracing.sampler
        }
        #expect(try sampler("always_on") == TraceSampler(root: .always, followsParent: false))
        #expect(try sampler("always_off") == TraceSampler(root: .never, followsParent: false))
        #expect(try sampler("traceidratio", "0.25") == TraceSampler(root: .ratio(0.25), followsParent: false))
        #expect(try sampler("parentbased_always_on") == .alwaysOn)
        #expect(try sampler("parentbased_always_off") == .alwaysOff)
        #expect(try sampler("ParentBased_TraceIdRatio", " 0.1 ") == .ratio(0.1))
        #expect(try sampler("parentbased_traceidratio") == .alwaysOn)   // the argument defaults to 1
        #expect(try !SpyglassConfiguration().applyingEnvironment(["OTEL_SDK_DISABLED": "true"]).tracing.isEnabled)
        do {
            _ = try sampler("traceidratio", "1.5")
            Issue.record("a ratio above 1 was accepted")
        } catch {
            #expect(error.description == #"OTEL_TRACES_SAMPLER_ARG="1.5" is invalid: expected a ratio from 0 to 1"#)
        }
    }

    @Test func environmentOverridesCode() throws {
        let configuration = try SpyglassConfiguration(serviceName: "from-code", environment: "dev").applyingEnvironment([
            "SPYGLASS_SERVICE_NAME": "agent-hub",
            "OTEL_SERVICE_NAME": "ignored-because-spyglass-wins",
            "APP_ENV": "production",
            "APP_VERSION": "1.4.2",
            "LOG_LEVEL": "DEBUG",
            "SPYGLASS_LOG_FORMAT": "Console",
            "SPYGLASS_LOG_LEVELS": "AsyncHTTPClient=warning, hummingbird=error",
            "SPYGLASS_LOG_SOURCE": "true",
            "SPYGLASS_LOG_SAMPLING": "first=10,thereafter=5,interval=250ms",
            "SPYGLASS_LOG_MAX_VALUE_BYTES": "4096",
            "SPYGLASS_LOG_REDACT_KEYS": "ssn, iban",
            "SPYGLASS_LOG_ALLOW_KEYS": "csrf_token",
            "SPYGLASS_METRICS_NAMESPACE": "skillmeat",
            "SPYGLASS_METRICS_SERIES_LIMIT": "500",
        ])
        #expect(configuration.serviceName == "agent-hub")
        #expect(configuration.environment == "production")
        #expect(configuration.version == "1.4.2")
        #expect(configuration.logging.level == .debug)
        #expect(configuration.logging.format == .console)
        #expect(configuration.logging.level(for: "AsyncHTTPClient") == .warning)
        #expect(configuration.logging.level(for: "Hummingbird") == .error)
        #expect(configuration.logging.level(for: "api") == .debug)
        #expect(configuration.logging.includeSource)
        #expect(configuration.logging.sampling == LogSampling(first: 10, thereafter: 5, interval: .milliseconds(250)))
        #expect(configuration.logging.maxValueBytes == 4096)
        #expect(configuration.logging.redaction.additionalKeys == ["ssn", "iban"])
        #expect(configuration.logging.redaction.allowedKeys.contains("csrf_token"))
        #expect(configuration.metrics.namespace == "skillmeat")
        #expect(configuration.metrics.seriesLimit == 500)
    }

    @Test func fallbackNamesAndEmptyValues() throws {
        let configuration = try SpyglassConfiguration(serviceName: "code").applyingEnvironment([
            "OTEL_SERVICE_NAME": "otel-name",
            "SPYGLASS_ENVIRONMENT": "",
            "SPYGLASS_LOG_SAMPLING": "off",
            "SPYGLASS_LOG_REDACTION": "off",
        ])
        #expect(configuration.serviceName == "otel-name")
        #expect(configuration.environment == "development")
        #expect(configuration.logging.sampling == nil)
        #expect(!configuration.logging.redaction.isEnabled)
    }

    @Test(arguments: [
        ("SPYGLASS_LOG_LEVEL", "verbose", "trace, debug, info, notice, warning, error, critical"),
        ("LOG_LEVEL", "loud", "trace, debug, info, notice, warning, error, critical"),
        ("SPYGLASS_LOG_FORMAT", "xml", "json, console"),
        ("SPYGLASS_LOG_LEVELS", "hummingbird", "label=level"),
        ("SPYGLASS_LOG_LEVELS", "hummingbird=loud", "label=level"),
        ("SPYGLASS_LOG_LEVELS", "=info", "label=level"),
        ("SPYGLASS_LOG_SOURCE", "maybe", "true, false"),
        ("SPYGLASS_LOG_SAMPLING", "first=0", "first=N"),
        ("SPYGLASS_LOG_SAMPLING", "interval=soon", "first=N"),
        ("SPYGLASS_LOG_MAX_VALUE_BYTES", "12", "from 64 to 1048576"),
        // Every number has an upper bound: these crashed start-up (a store allocated at its size, an overflow).
        ("SPYGLASS_LOG_MAX_VALUE_BYTES", "9223372036854775807", "from 64 to 1048576"),
        ("SPYGLASS_STORE_LOG_LINES", "4000000000", "from 0 (keep none) to 1000000"),
        ("SPYGLASS_STORE_SPANS", "999999999999", "from 1 to 1000000"),
        ("SPYGLASS_STORE_LOG_BYTES", "9223372036854775807", "from 4096 to 1073741824"),
        ("SPYGLASS_STORE_SPAN_BYTES", "9223372036854775807", "from 4096 to 1073741824"),
        // And these never ended: a shutdown that waits three years, an export that may take as long.
        ("SPYGLASS_SHUTDOWN_DELAY_MS", "99999999999", "from 0 to 600000"),
        ("SPYGLASS_SHUTDOWN_JOBS_TIMEOUT_MS", "-1", "from 0 to 600000"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "9223372036854775807", "from 1 to 600000"),
        ("SPYGLASS_LLM_CONTENT_MAX_CHARS", "9223372036854775807", "from 16 to 1000000"),
        // A ratio is checked even when the sampler takes none.
        ("OTEL_TRACES_SAMPLER_ARG", "2", "a ratio from 0 to 1"),
        ("SPYGLASS_LOG_REDACTION", "sometimes", "true, false"),
        ("SPYGLASS_METRICS_NAMESPACE", "skill-meat", "[a-zA-Z_:][a-zA-Z0-9_:]*"),
        ("SPYGLASS_METRICS_NAMESPACE", "9lives", "[a-zA-Z_:][a-zA-Z0-9_:]*"),
        ("SPYGLASS_METRICS_SERIES_LIMIT", "0", "from 1 to 1000000"),
        ("SPYGLASS_METRICS_SERIES_LIMIT", "many", "from 1 to 1000000"),
        ("OTEL_TRACES_SAMPLER", "sometimes", "parentbased_traceidratio"),
        ("OTEL_SDK_DISABLED", "maybe", "true, false"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318", "http:// or https:// URL"),
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "ftp://collector", "http:// or https:// URL"),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "thrift", "grpc, http/protobuf, http/json"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "api-key", "key=value"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "soon", "milliseconds"),
        ("OTEL_TRACES_EXPORTER", "zipkin", "otlp or none"),
        ("OTEL_BSP_SCHEDULE_DELAY", "5s", "milliseconds from 1 to 600000"),
        ("OTEL_BLRP_EXPORT_TIMEOUT", "0", "milliseconds from 1 to 600000"),
        ("OTEL_BSP_MAX_QUEUE_SIZE", "9223372036854775807", "items from 1 to 1000000"),
        ("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "-1", "items from 1 to 1000000"),
        // A batch that could never fill: larger than the default queue of 2,048.
        ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "4096", "at most the queue size (OTEL_BSP_MAX_QUEUE_SIZE, now 2048)"),
        // Span and log export would not follow these: refused rather than ignored.
        ("OTEL_EXPORTER_OTLP_CERTIFICATE", "/etc/ssl/ca.pem", "trusts the system's root certificates"),
        ("OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY", "/etc/ssl/key.pem", "presents no client certificate"),
        ("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip", "none"),
        // Spyglass's tracer propagates W3C Trace Context only: another propagator would be silently ignored.
        ("OTEL_PROPAGATORS", "b3", "tracecontext (Spyglass propagates W3C Trace Context only)"),
        ("OTEL_PROPAGATORS", "tracecontext,baggage", "tracecontext (Spyglass propagates W3C Trace Context only)"),
        ("OTEL_PROPAGATORS", "none", "tracecontext (Spyglass propagates W3C Trace Context only)"),
    ])
    func invalidValuesNameTheVariableTheValueAndWhatIsAllowed(variable: String, value: String, allowedFragment: String) {
        do {
            _ = try SpyglassConfiguration().applyingEnvironment([variable: value])
            Issue.record("\(variable)=\(value) was accepted")
        } catch {
            #expect(error.variable == variable)
            #expect(error.value == value)
            #expect(error.allowed.contains(allowedFragment))
            #expect(error.description.hasPrefix("\(variable)=\"\(value)\" is invalid: expected "))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func otlpExportIsOnWhenAnEndpointIsSet() throws {
        #expect(try SpyglassConfiguration().applyingEnvironment([:]).otlp == nil)
        // Protocol and headers alone do not turn export on.
        #expect(try SpyglassConfiguration().applyingEnvironment(["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"]).otlp == nil)

        let http = try #require(try SpyglassConfiguration().applyingEnvironment([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/",
            "OTEL_EXPORTER_OTLP_HEADERS": "api-key=abc%3D%3D, x-team = core",
            "OTEL_EXPORTER_OTLP_TIMEOUT": "2500",
        ]).otlp)
        #expect(http.transport == .httpProtobuf)
        #expect(http.resolvedEndpoint(.traces) == "http://collector:4318/v1/traces")
        #expect(http.resolvedEndpoint(.logs) == "http://collector:4318/v1/logs")
        #expect(http.resolvedEndpoint(.metrics) == "http://collector:4318/v1/metrics")
        #expect(http.headers == ["api-key": "abc==", "x-team": "core"])
        #expect(http.timeout == .milliseconds(2500))
        #expect(http.exportsTraces && http.exportsLogs && http.exportsMetrics)

        let grpc = try #require(try SpyglassConfiguration().applyingEnvironment([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "GRPC",
        ]).otlp)
        #expect(grpc.resolvedEndpoint(.traces) == "http://collector:4317")
        #expect(grpc.resolvedEndpoint(.metrics) == "http://collector:4317")

        // A signal's endpoint is used as is, and alone turns export on for that signal only.
        let traces = try #require(try SpyglassConfiguration().applyingEnvironment([
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://ingest.example/otlp/traces",
        ]).otlp)
        #expect(traces.resolvedEndpoint(.traces) == "https://ingest.example/otlp/traces")
        #expect(traces.exportsTraces && !traces.exportsLogs && !traces.exportsMetrics)
        let split = try #require(try SpyglassConfiguration().applyingEnvironment([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318",
            "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "http://logs:3100/otlp/v1/logs",
            "OTEL_METRICS_EXPORTER": "none",
        ]).otlp)
        #expect(split.resolvedEndpoint(.logs) == "http://logs:3100/otlp/v1/logs")
        #expect(split.exportsTraces && split.exportsLogs && !split.exportsMetrics)
        #expect(throws: ConfigurationError.self) {
            try SpyglassConfiguration().applyingEnvironment(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_LOGS_EXPORTER": "loki"])
        }

        // The environment overrides code; OTEL_TRACES_EXPORTER=none keeps the endpoint but exports no spans.
        var code = SpyglassConfiguration()
        code.otlp = OTLPConfiguration(endpoint: "http://code:4318", transport: .httpJSON)
        let overridden = try #require(try code.applyingEnvironment([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://env:4318",
            "OTEL_TRACES_EXPORTER": "none",
        ]).otlp)
        #expect(overridden.endpoint == "http://env:4318")
        #expect(overridden.transport == .httpJSON)
        #expect(!overridden.exportsTraces)
    }

    @Test func shutdownDelayComesFromMilliseconds() throws {
        #expect(try SpyglassConfiguration().applyingEnvironment([:]).shutdownDelay == .zero)
        #expect(try SpyglassConfiguration().applyingEnvironment(["SPYGLASS_SHUTDOWN_DELAY_MS": "5000"]).shutdownDelay == .seconds(5))
        #expect(throws: ConfigurationError(variable: "SPYGLASS_SHUTDOWN_DELAY_MS", value: "5s", allowed: "a whole number of milliseconds from 0 to 600000")) {
            try SpyglassConfiguration().applyingEnvironment(["SPYGLASS_SHUTDOWN_DELAY_MS": "5s"])
        }
    }

    @Test func theJobsShutdownTimeoutComesFromMilliseconds() throws {
        #expect(try SpyglassConfiguration().applyingEnvironment([:]).shutdownJobsTimeout == .seconds(10))
        #expect(try SpyglassConfiguration().applyingEnvironment(["SPYGLASS_SHUTDOWN_JOBS_TIMEOUT_MS": "0"]).shutdownJobsTimeout == .zero)
        #expect(try SpyglassConfiguration().applyingEnvironment(["SPYGLASS_SHUTDOWN_JOBS_TIMEOUT_MS": "2500"]).shutdownJobsTimeout == .milliseconds(2500))
    }

    @Test func errorDescriptionsStayOnOneLineWhateverTheValue() {
        let error = ConfigurationError(variable: "SPYGLASS_LOG_FORMAT", value: "json\nEVIL \"x\"", allowed: "one of json, console")
        #expect(error.description == #"SPYGLASS_LOG_FORMAT="json\nEVIL \"x\"" is invalid: expected one of json, console"#)
    }
}

@Suite struct LabelLogLevelsTests {
    @Test func longestDottedPrefixWinsIgnoringCase() throws {
        let levels = try LabelLogLevels(parsing: "hummingbird=error,Hummingbird.Router=debug,ahc=warn")
        #expect(levels.level(for: "Hummingbird") == .error)
        #expect(levels.level(for: "hummingbird.router") == .debug)
        #expect(levels.level(for: "hummingbird.router.trie") == .debug)
        #expect(levels.level(for: "hummingbird.server") == .error)
        #expect(levels.level(for: "hummingbirdish") == nil)
        #expect(levels.level(for: "AHC") == .warning)
        #expect(levels.level(for: "api") == nil)
    }

    @Test func theW3CPropagatorIsAccepted() throws {
        for value in ["tracecontext", " TraceContext ", "tracecontext,tracecontext"] {
            _ = try SpyglassConfiguration().applyingEnvironment(["OTEL_PROPAGATORS": value])
        }
    }

    @Test func sdkDisabledTurnsOffEveryExport() throws {
        let configuration = try SpyglassConfiguration().applyingEnvironment([
            "OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318",
        ])
        #expect(!configuration.tracing.isEnabled)
        #expect(configuration.otlp == nil)
    }
}
