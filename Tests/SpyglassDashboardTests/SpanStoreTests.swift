import SpyglassDashboard
import SpyglassTracing
import Testing

@Suite struct SpanStoreTests {
    @Test func keepsTheNewestSpansWithinItsCapacity() {
        let store = SpanStore(capacity: 3)
        for index in 0..<5 {
            store.append(SpanRecord(
                traceIDHigh: 1, traceIDLow: 1, spanID: UInt64(index + 1), parentSpanID: nil,
                operationName: "span \(index)", kind: .internal, startNanosecondsSinceEpoch: 0, endNanosecondsSinceEpoch: 1
            ))
        }
        #expect(store.spans().map(\.operationName) == ["span 2", "span 3", "span 4"])
        #expect(store.count == 3)
        #expect(store.evicted == 2)
        #expect(store.spans(traceIDHigh: 1, traceIDLow: 1).count == 3)
        #expect(store.spans(traceIDHigh: 1, traceIDLow: 2).isEmpty)
    }

    @Test func keepsTheNewestSpansWithinItsByteLimit() {
        let store = SpanStore(capacity: 1_000, byteLimit: 8192)
        func span(_ index: Int, text: Int) -> SpanRecord {
            SpanRecord(
                traceIDHigh: 1, traceIDLow: UInt64(index), spanID: UInt64(index + 1), parentSpanID: nil,
                operationName: "span \(index)", kind: .internal, startNanosecondsSinceEpoch: 0, endNanosecondsSinceEpoch: 1,
                attributes: ["payload": .string(String(repeating: "x", count: text))]
            )
        }
        for index in 0..<100 { store.append(span(index, text: 1000)) }
        let cost = span(0, text: 1000).estimatedBytes
        #expect(cost > 1000 && cost < 1400, "the estimate counts the attribute's text and the record's fields")
        #expect(store.count == 8192 / cost && store.byteCount <= 8192)
        #expect(store.spans().last?.operationName == "span 99", "the oldest make room")
        store.append(span(100, text: 9000))
        #expect(store.spans().last?.operationName == "span 99", "a span larger than the whole store is not kept")
        #expect(store.evicted == 101 - store.count)
        #expect(store.newest(2) { _ in true }.map(\.operationName) == ["span 99", "span 98"])
    }
}
