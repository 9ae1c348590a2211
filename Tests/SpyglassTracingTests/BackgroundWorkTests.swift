import Instrumentation
import SpyglassCore
import SpyglassDashboard
import Testing
import Tracing

@testable import SpyglassTracing

@Suite struct BackgroundWorkTests {
    @Test func workRunsInANewTraceLinkedToTheRequestAndKeepsItsIDs() async throws {
        let store = SpanStore(capacity: 10)
        let tracer = SpyglassTracer(store: store)
        let task = SpyglassContext.with({ $0.requestID = "req-1" }) {
            tracer.withSpan("POST /v1/commands", ofKind: .server) { _ in
                SpyglassContext.with({ $0.jobID = "job-7" }) {
                    BackgroundWork.start("job research", attributes: ["job.id": "job-7"], tracer: tracer) { span in
                        tracer.withSpan("call model") { _ in }
                        let context = ServiceContext.current?.spyglass
                        return (context?.requestID, context?.jobID, span.context.spanIdentity)
                    }
                }
            }
        }
        let (requestID, jobID, jobIdentity) = try await task.value

        #expect(requestID == "req-1" && jobID == "job-7")
        let spans = store.spans()
        let request = try #require(spans.first { $0.operationName == "POST /v1/commands" })
        let job = try #require(spans.first { $0.operationName == "job research" })
        let child = try #require(spans.first { $0.operationName == "call model" })
        #expect(job.traceIDHex != request.traceIDHex, "a trace of its own")
        #expect(job.parentSpanID == nil)
        #expect(job.kind == .consumer)
        #expect(job.links == [SpanRecord.Link(traceIDHigh: request.traceIDHigh, traceIDLow: request.traceIDLow, spanID: request.spanID)])
        #expect(job.attributes == ["job.id": "job-7"])
        #expect(jobIdentity?.spanID == job.spanID)
        #expect(child.parentSpanID == job.spanID && child.traceIDHex == job.traceIDHex)
    }

    @Test func aFailureIsRecordedOnTheWorksSpanAndRethrown() async throws {
        let store = SpanStore(capacity: 10)
        let tracer = SpyglassTracer(store: store)
        let task = BackgroundWork.start("job creative", tracer: tracer) { _ in throw Boom() }
        await #expect(throws: Boom.self) { try await task.value }
        let job = try #require(store.spans().first)
        #expect(job.status?.code == .error)
        #expect(job.events.map(\.name) == ["exception"])
        #expect(job.links.isEmpty, "started outside any span: nothing to link")
    }
}
