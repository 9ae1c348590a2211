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
}
