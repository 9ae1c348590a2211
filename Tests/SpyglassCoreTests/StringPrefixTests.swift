import Testing

@testable import SpyglassCore

@Suite struct StringPrefixTests {
    @Test func aCutEndsBeforeAWholeCharacter() {
        // "é" is two bytes and "🚀" four: a limit inside one ends before it.
        #expect(String(repeating: "é", count: 600).prefix(utf8Bytes: 1_023) == String(repeating: "é", count: 511))
        #expect("ab🚀cd".prefix(utf8Bytes: 5) == "ab")
        #expect("ab🚀cd".prefix(utf8Bytes: 6) == "ab🚀")
        #expect("short".prefix(utf8Bytes: 5) == "short")
        #expect("".prefix(utf8Bytes: 0) == "")
        #expect("é".prefix(utf8Bytes: 1) == "")
    }
}
