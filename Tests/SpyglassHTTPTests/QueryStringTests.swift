import Testing

@testable import SpyglassHTTP

@Suite struct QueryStringTests {
    @Test func pairsAreSplitAndDecodedAsFormsEncodeThem() {
        let items = QueryString.items("a=1&b=x%20y+z&c&=v&d=%E2%9C%93&&e=a=b")
        #expect(items.map(\.0) == ["a", "b", "c", "", "d", "e"])
        #expect(items.map(\.1) == ["1", "x y z", "", "v", "✓", "a=b"])
    }

    @Test(arguments: ["%", "%4", "%zz", "100%", "%G1"])
    func malformedEscapesAreKeptAsWritten(text: String) {
        #expect(QueryString.items("k=" + text).first?.1 == text)
    }

    @Test func anEscapeAfterAMalformedOneIsStillDecoded() {
        #expect(QueryString.items("k=%%41").first?.1 == "%A")
    }

    @Test func bytesThatAreNotUTF8BecomeReplacementCharacters() {
        #expect(QueryString.items("k=%FF%FE").first?.1 == "\u{FFFD}\u{FFFD}")
    }
}
