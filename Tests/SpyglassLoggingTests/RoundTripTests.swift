import Foundation
import Logging
import SpyglassCore
import SpyglassLogging
import SpyglassTestSupport
import Testing

@Suite struct RoundTripTests {
    @Test(arguments: [1 as UInt64, 2, 3, 4])
    func everyLineParsesAndRoundTripsTheLoggedValues(seed: UInt64) throws {
        let capture = try LogCapture { $0.redaction.isEnabled = false }
        let logger = capture.logger()
        var random = SeededRandom(seed: seed)
        var logged: [(message: String, key: String, value: String, list: [String])] = []
        for _ in 0..<250 {
            let message = random.anyText()
            let key = "k_" + random.anyText(maxLength: 10)
            let value = random.anyText(maxLength: 200)
            let list = (0..<Int.random(in: 0...3, using: &random)).map { _ in random.anyText() }
            logger.info(Logger.Message(stringLiteral: message), metadata: [key: .string(value), "list": .array(list.map { .string($0) })])
            logged.append((message, key, value, list))
        }
        let lines = try capture.lines()
        #expect(lines.count == logged.count)
        for (line, expected) in zip(lines, logged) {
            #expect(line["message"] as? String == expected.message)
            #expect(line[expected.key] as? String == expected.value)
            #expect(line["list"] as? [String] == expected.list)
        }
    }
}
