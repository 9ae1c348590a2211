import Logging
import SpyglassCore
import SpyglassLogging
import SpyglassTestSupport
import Testing

@Suite struct SamplingTests {
    @Test func keepsTheFirstNThenOneInM() throws {
        let capture = try LogCapture { $0.sampling = LogSampling(first: 100, thereafter: 100, interval: .seconds(3600)) }
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
        let capture = try LogCapture {
            $0.level = .trace
            $0.sampling = LogSampling(first: 2, thereafter: 1_000, interval: .seconds(3600))
        }
        let logger = capture.logger()
        for _ in 0..<5 {
            for level in Logger.Level.allCases { logger.log(level: level, "same") }
        }
        let levels = try capture.lines().compactMap { $0["level"] as? String }
        for level in Logger.Level.allCases {
            #expect(levels.filter { $0 == level.rawValue }.count == 2, "\(level)")
        }
        #expect(capture.backend.droppedBySampling == 3 * Logger.Level.allCases.count)
    }
}
