import SpyglassCore
import Testing

@testable import SpyglassOTLP
@_spi(Export) import SpyglassExport

/// swift-otel reads the process environment itself: export refuses to start when it would read a variable
/// differently from the environment Spyglass was given.
@Suite struct EnvironmentAgreementTests {
    @Test func theSameVariablesAgree() throws {
        let variables = ["OTEL_BSP_SCHEDULE_DELAY": "500", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "PATH": "/bin"]
        try OTLPExport.checkAgreement(of: variables, with: variables)
        // Variables of other kinds, and empty ones (unset to swift-otel as to Spyglass), do not count.
        try OTLPExport.checkAgreement(of: ["PATH": "/bin", "OTEL_BSP_SCHEDULE_DELAY": ""], with: [:])
    }

    @Test func aVariableOnlyTheProcessSetsIsRefused() {
        #expect(throws: ConfigurationError(
            variable: "OTEL_PROPAGATORS", value: "b3",
            allowed: "no value, or the same one in the environment given to Spyglass.bootstrap (swift-otel reads the process environment itself)"
        )) {
            try OTLPExport.checkAgreement(of: ["OTEL_PROPAGATORS": "b3"], with: [:])
        }
    }

    @Test func aDifferentValueIsRefusedAndHeadersAreNotShown() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try OTLPExport.checkAgreement(
                of: ["OTEL_EXPORTER_OTLP_HEADERS": "api-key=sk-live-secret"], with: ["OTEL_EXPORTER_OTLP_HEADERS": "api-key=other"])
        }
        #expect(error.variable == "OTEL_EXPORTER_OTLP_HEADERS")
        #expect(!error.description.contains("sk-live-secret"))
        #expect(error.value == "(22 bytes, not shown)")
    }

    /// `SPYGLASS_SERVICE_NAME` names lines and metrics, but swift-otel would export under `OTEL_SERVICE_NAME`.
    @Test func theExportedServiceNameIsSpyglasss() throws {
        try OTLPExport.checkServiceName("agent-hub", in: ["OTEL_SERVICE_NAME": "agent-hub"])
        try OTLPExport.checkServiceName("agent-hub", in: [:])
        let error = try #require(throws: ConfigurationError.self) {
            try OTLPExport.checkServiceName("agent-hub", in: ["SPYGLASS_SERVICE_NAME": "agent-hub", "OTEL_SERVICE_NAME": "legacy"])
        }
        #expect(error.variable == "OTEL_SERVICE_NAME" && error.value == "legacy")
    }
}
