import Testing

@testable import SpyglassGenAI
@testable import SpyglassOpenAI

@Suite struct ServerSentEventParserTests {
    private func events(_ pieces: [String]) -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        return pieces.flatMap { parser.feed(Array($0.utf8)) }
    }

    @Test func eventsEndAtABlankLineWhateverTheLineEndings() {
        let expected = [ServerSentEvent(data: "one"), ServerSentEvent(data: "two"), ServerSentEvent(data: "three")]
        #expect(events(["data: one\n\ndata: two\r\n\r\ndata: three\r\r"]) == expected)
        // The same bytes, one at a time: a CRLF split across reads is one line end.
        let bytes = "data: one\n\ndata: two\r\n\r\ndata: three\r\r".map(String.init)
        #expect(events(bytes) == expected)
    }

    @Test func dataLinesAreJoinedAndCommentsAndUnknownFieldsIgnored() {
        #expect(events([": keep-alive\n", "event: update\nid: 7\nretry: 10\ndata: a\ndata:b\n\n"]) == [ServerSentEvent(event: "update", data: "a\nb")])
    }

    @Test func anEventWithoutDataOrABlankLineIsNotDispatched() {
        #expect(events(["event: ping\n\n", "data: unfinished"]).isEmpty)
    }
}
