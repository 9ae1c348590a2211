import SpyglassStore
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
}
