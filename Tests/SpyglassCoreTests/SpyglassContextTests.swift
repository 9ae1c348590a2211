import Instrumentation
import SpyglassCore
import Testing

@Suite struct SpyglassContextTests {
    @Test func scopesNestAndRestore() async {
        #expect(SpyglassContext.current.isEmpty)
        await SpyglassContext.with({ $0.requestID = "r1"; $0.userID = "u1" }) {
            await SpyglassContext.with({ $0.jobID = "j1"; $0.fields["k"] = "v" }) {
                let context = SpyglassContext.current
                #expect(context == SpyglassContext(requestID: "r1", jobID: "j1", userID: "u1", fields: ["k": "v"]))
                async let child = SpyglassContext.current.jobID
                #expect(await child == "j1")
            }
            #expect(SpyglassContext.current.jobID == nil)
            #expect(SpyglassContext.current.requestID == "r1")
        }
        #expect(SpyglassContext.current.isEmpty)
    }

    @Test func otherServiceContextValuesArePreserved() {
        var base = ServiceContext.topLevel
        base[MarkerKey.self] = "kept"
        ServiceContext.withValue(base) {
            SpyglassContext.with({ $0.sessionID = "s1" }) {
                #expect(ServiceContext.current?[MarkerKey.self] == "kept")
                #expect(ServiceContext.current?.spyglass?.sessionID == "s1")
            }
        }
    }

    @Test func detachedTasksCarryTheContext() async throws {
        let seen = try await SpyglassContext.with({ $0.requestID = "r9" }) {
            try await SpyglassContext.detachedTask { SpyglassContext.current.requestID }.value
        }
        #expect(seen == "r9")
    }

    private enum MarkerKey: ServiceContextKey {
        typealias Value = String
    }
}
