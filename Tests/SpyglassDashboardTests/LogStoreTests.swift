import Foundation
import Logging
import SpyglassDashboard
import SpyglassTracing
import Testing
import Tracing

@Suite struct LogStoreTests {
    private func append(_ store: LogStore, _ text: String, level: Logger.Level = .info) {
        Array(text.utf8).withUnsafeBytes { store.append(line: $0, timestampNanoseconds: 1, level: level, requestID: "req-1") }
    }

    @Test func theOldestLinesMakeRoomWhenTheCountIsReached() {
        let store = LogStore(capacity: 3)
        for index in 0..<5 { append(store, #"{"message":"line \#(index)"}"#) }
        #expect(store.lines().map { String(decoding: $0.line, as: UTF8.self) } == [#"{"message":"line 2"}"#, #"{"message":"line 3"}"#, #"{"message":"line 4"}"#])
        #expect(store.count == 3 && store.evicted == 2)
        #expect(store.lines(after: 4).map(\.sequence) == [5], "a reader asks for what came after the last line it saw")
        #expect(store.lines().first?.requestID == "req-1")
    }

    /// The in-place trace scan answers what the general one answers for the same predicate, across the ring's wrap.
    @Test func aTracesLinesReadInPlaceAreThoseThePredicateFinds() {
        let store = LogStore(capacity: 64)
        for index in 0..<150 {
            Array("line \(index)".utf8).withUnsafeBytes {
                store.append(line: $0, timestampNanoseconds: UInt64(index), level: .info,
                    traceIDHigh: 7, traceIDLow: UInt64(index % 5), requestID: "req-\(index % 5)")
            }
        }
        for (low, before, limit) in [(UInt64(2), UInt64.max, 30), (2, 140, 30), (3, 120, 4), (9, .max, 30), (0, 0, 30)] {
            let inPlace = store.newest(limit, inTrace: 7, low, before: before)
            let general = store.newest(limit) { $0.traceIDHigh == 7 && $0.traceIDLow == low && $0.timestampNanoseconds < before }
            #expect(inPlace == general, "trace \(low) before \(before)")
        }
        #expect(store.newest(30, inTrace: 7, 2, before: 140).map(\.timestampNanoseconds) == [137, 132, 127, 122, 117, 112, 107, 102, 97, 92, 87])
        #expect(store.newest(30, inTrace: 8, 2, before: .max).isEmpty, "the high half counts too")
    }

    @Test func theOldestLinesMakeRoomWhenTheBytesAreReached() {
        let store = LogStore(capacity: 1_000, byteLimit: 4096)
        let line = String(repeating: "x", count: 400)
        for _ in 0..<100 { append(store, line) }
        // Each entry costs its 400 bytes, 5 of request id and 112 of overhead: 8 fit in 4 KiB.
        #expect(store.count == 4096 / (400 + 5 + 112))
        #expect(store.byteCount <= 4096)
        #expect(store.evicted == 100 - store.count)
        append(store, String(repeating: "y", count: 5000))
        #expect(store.count == 4096 / (400 + 5 + 112) && store.lines().last?.line.first == UInt8(ascii: "x"), "a line larger than the whole store is not kept")
        #expect(store.evicted == 101 - store.count)
    }

    /// A million log lines and a million spans: the stores keep their bounds, and the process's resident memory
    /// grows by about what the bounds allow, not by what went through.
    @Test func aMillionLinesAndSpansStayWithinTheBounds() throws {
        func residentBytes() -> Int {
            let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? "0 0"
            return (Int(statm.split(separator: " ")[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
        }
        let before = residentBytes()
        let logs = LogStore(capacity: 10_000, byteLimit: 2 * 1024 * 1024)
        let line = Array(#"{"timestamp":"2026-12-01T10:30:45.123456Z","level":"info","logger":"api","message":"request_completed","service":"agent-hub","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req","method":"GET","endpoint":"/v1/jobs/{id}","status":200,"duration_ms":4.21}"#.utf8)
        line.withUnsafeBytes { bytes in
            for index in 0..<1_000_000 {
                logs.append(line: bytes, timestampNanoseconds: UInt64(index), level: .info, traceIDHigh: 1, traceIDLow: UInt64(index))
            }
        }
        let spans = SpanStore(capacity: 10_000, byteLimit: 2 * 1024 * 1024)
        for index in 0..<1_000_000 {
            spans.append(SpanRecord(
                traceIDHigh: 1, traceIDLow: UInt64(index), spanID: UInt64(index + 1), parentSpanID: nil,
                operationName: "GET /v1/jobs/{id}", kind: .server, startNanosecondsSinceEpoch: 0, endNanosecondsSinceEpoch: 1,
                attributes: ["http.route": "/v1/jobs/{id}", "http.response.status_code": 200]
            ))
        }
        let growth = residentBytes() - before
        #expect(logs.count == (2 * 1024 * 1024) / (line.count + 112) && logs.byteCount <= 2 * 1024 * 1024, "the byte bound binds before the count")
        #expect(logs.evicted == 1_000_000 - logs.count)
        let spanCost = spans.spans().first?.estimatedBytes ?? 0
        #expect(spans.count == (2 * 1024 * 1024) / spanCost && spans.byteCount <= 2 * 1024 * 1024, "the byte bound binds before the count")
        #expect(spans.evicted == 1_000_000 - spans.count)
        // What the bounds allow (2 MiB of lines, 2 MiB of spans) and the allocator's slack; the other
        // suites running meanwhile allocate too, so this is a ceiling, not a measurement.
        #expect(growth < 96 * 1024 * 1024, "resident memory grew by \(growth / 1024) KiB")
        print("store memory: 1,000,000 log lines and 1,000,000 spans through the stores; resident memory grew by \(growth / 1024) KiB; logs kept \(logs.count) (\(logs.byteCount) bytes), spans kept \(spans.count) (\(spans.byteCount) bytes)")
    }
}
