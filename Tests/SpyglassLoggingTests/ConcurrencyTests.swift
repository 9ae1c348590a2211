import Foundation
import Logging
import SpyglassCore
import SpyglassLogging
import SpyglassTestSupport
import Testing

@Suite struct ConcurrencyTests {
    @Test func manyTasksLoggingAtOnceLoseAndInterleaveNothing() async throws {
        let capture = try LogCapture()
        let logger = capture.logger()
        let tasks = 32
        let perTask = 1_000
        let padding = String(repeating: "x", count: 300)  // long lines cross the buffer's high-water mark often
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    SpyglassContext.with({ $0.jobID = "job-\(task)" }) {
                        for sequence in 0..<perTask {
                            logger.info("tick", metadata: ["task": .stringConvertible(task), "sequence": .stringConvertible(sequence), "padding": .string(padding)])
                        }
                    }
                }
            }
        }
        let lines = try capture.lines()
        #expect(lines.count == tasks * perTask)
        var next = [Int](repeating: 0, count: tasks)
        for line in lines {
            let task = try #require(line["task"] as? Int)
            let sequence = try #require(line["sequence"] as? Int)
            #expect(line["job_id"] as? String == "job-\(task)")
            #expect(line["padding"] as? String == padding)
            // Each task's lines arrive in the order it wrote them.
            #expect(sequence == next[task])
            next[task] = sequence + 1
        }
        #expect(next == [Int](repeating: perTask, count: tasks))
    }

    @Test func detachedWorkCarriesTheRequestContextOnlyWhenAskedTo() async throws {
        let capture = try LogCapture()
        let logger = capture.logger()
        try await SpyglassContext.with({ $0.requestID = "req-42" }) {
            try await SpyglassContext.detachedTask {
                SpyglassContext.with({ $0.jobID = "job-7" }) { logger.info("carried") }
            }.value
            await Task.detached { logger.info("not_carried") }.value
        }
        let lines = try capture.lines()
        let carried = try #require(lines.first { $0["message"] as? String == "carried" })
        #expect(carried["request_id"] as? String == "req-42")
        #expect(carried["job_id"] as? String == "job-7")
        let plain = try #require(lines.first { $0["message"] as? String == "not_carried" })
        #expect(plain["request_id"] == nil)
    }
}
