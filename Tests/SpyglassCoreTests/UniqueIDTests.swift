import SpyglassCore
import Testing

@Suite struct UniqueIDTests {
    @Test func idsAreDistinctAndNeverZero() {
        let ids = (0..<100_000).map { _ in UniqueID.next() }
        #expect(Set(ids).count == ids.count)
        #expect(!ids.contains(0))
    }

    @Test func hexIsFixedWidthLowercase() {
        #expect(Hex.digits(0) == "0000000000000000")
        #expect(Hex.digits(0x00f0_67aa_0ba9_02b7) == "00f067aa0ba902b7")
        #expect(Hex.digits(.max) == "ffffffffffffffff")
        #expect(Hex.digits(high: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736) == "4bf92f3577b34da6a3ce929d0e0e4736")
    }

    /// Every digit in every position, against the standard library's radix formatting.
    @Test func hexAgreesWithTheStandardLibrary() {
        var values: [UInt64] = (0..<16).map { digit in (0..<16).reduce(0) { word, _ in word << 4 | UInt64(digit) } }
        values += (0..<64).map { UInt64(1) << $0 } + (0..<64).map { ~(UInt64(1) << $0) }
        values += (0..<10_000).map { _ in UInt64.random(in: .min ... .max) }
        for value in values {
            let expected = String(repeating: "0", count: 16 - String(value, radix: 16).count) + String(value, radix: 16)
            #expect(Hex.digits(value) == expected)
        }
        #expect(SpanIdentity(traceIDHigh: 0xABCD, traceIDLow: 0x1234_5678_9ABC_DEF0, spanID: 0xFEDC_BA98_7654_3210, isSampled: true).traceparent
            == "00-000000000000abcd123456789abcdef0-fedcba9876543210-01")
    }
}
