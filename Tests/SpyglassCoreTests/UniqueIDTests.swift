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
    }
}
