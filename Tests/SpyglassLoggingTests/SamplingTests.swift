import Logging
import SpyglassCore
import SpyglassLogging
import Testing

@Suite struct SamplingTests {
    @Test func keepsTheFirstNThenOneInM() throws {
        let capture = try LogCapture { $0.logging.sampling = LogSampling(first: 100, thereafter: 100, interval: .seconds(3600)) }
        let logger = capture.logger()
        for index in 1...1_000 { logger.info("cache_miss", metadata: ["n": .stringConvertible(index)]) }
        logger.info("other_message")
        let kept = try capture.lines()
        let numbers = kept.compactMap { $0["n"] as? Int }
        #expect(numbers == Array(1...100) + stride(from: 200, through: 1_000, by: 100))
        #expect(kept.last?["message"] as? String == "other_message")
        #expect(capture.backend.droppedBySampling == 891)
    }

    @Test func levelsAreSampledApart() throws {
        let capture = try LogCapture { $0.logging.sampling = LogSampling(first: 2, thereafter: 1_000, interval: .seconds(3600)) }
        let logger = capture.logger()
        for _ in 0..<5 {
            logger.info("same")
            logger.error("same")
        }
        let levels = try capture.lines().map { $0["level"] as? String }
        #expect(levels.filter { $0 == "info" }.count == 2)
        #expect(levels.filter { $0 == "error" }.count == 2)
    }
}
