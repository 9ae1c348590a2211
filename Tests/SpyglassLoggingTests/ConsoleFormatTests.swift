import Logging
import SpyglassCore
import SpyglassLogging
import SpyglassTestSupport
import Testing

@Suite struct ConsoleFormatTests {
    @Test func linesAreAlignedKeyValueWithoutColourOffATerminal() throws {
        let capture = try LogCapture { $0.format = .console }
        let logger = capture.logger("api")
        SpyglassContext.with({ $0.requestID = "req-1" }) {
            logger.info("request_completed", metadata: ["status": .stringConvertible(200), "path": "/v1/jobs", "note": "two words"])
            logger.warning("slow", metadata: ["password": "hunter2"])
        }
        let lines = try capture.rawLines()
        #expect(lines.count == 2)
        #expect(!lines.joined().contains("\u{1B}["))
        let first = lines[0]
        #expect(first.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {5}api {11}request_completed {15}request_id=req-1 note="two words" path=\/v1\/jobs status=200/) != nil, "\(first)")
        #expect(lines[1].contains("WARNING  api"))
        #expect(lines[1].hasSuffix("password=[REDACTED]"))
        // The key=value columns start at the same offset on both lines.
        #expect(first.range(of: "request_id=")!.lowerBound.utf16Offset(in: first) == lines[1].range(of: "request_id=")!.lowerBound.utf16Offset(in: lines[1]))
    }
}
