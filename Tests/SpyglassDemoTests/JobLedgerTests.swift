import Foundation
import Testing
@testable import SpyglassDemo

/// The demo's job store must run for days: what it keeps and what `GET /v1/jobs` answers stay the same size
/// however many jobs have run.
@Suite struct JobLedgerTests {
    /// Ids of one length and fixed times, so that pages of any jobs encode to the same size.
    static func id(_ number: Int) -> String { "job_" + String(repeating: "0", count: 8 - String(number).count) + String(number) }
    static let created = Date(timeIntervalSince1970: 1_796_000_000)

    static func job(_ number: Int) -> Job {
        Job(id: id(number), kind: .research, prompt: String(repeating: "p", count: 200), status: .queued, progress: 0, createdAt: created)
    }

    static func end(_ number: Int, in ledger: inout JobLedger) {
        ledger.update(id(number)) {
            $0.status = .completed
            $0.progress = 1
            $0.result = String(repeating: "r", count: 300)
            $0.finishedAt = created.addingTimeInterval(2)
        }
    }

    /// Six hours of the demo's `--traffic` (about 100,000 jobs), with a few always running. What the ledger holds is
    /// measured by its own collections and by the JSON of everything it keeps: the process's resident memory is shared
    /// with the suites running beside this one.
    @Test func memoryAndPageSizeStayFlatOverHoursOfJobs() throws {
        var ledger = JobLedger()
        let encoder = JSONEncoder()
        var pageBytes: [Int] = []
        var keptBytes: [Int] = []
        var elements: [Int] = []
        for number in 1...100_000 {
            try ledger.insert(Self.job(number))
            if number > 5 { Self.end(number - 5, in: &ledger) }
            if number.isMultiple(of: 20_000) {
                pageBytes.append(try encoder.encode(ledger.page(limit: 50, cursor: nil).jobs).count)
                keptBytes.append(try encoder.encode(ledger.page(limit: 100_000, cursor: nil).jobs).count)
                elements.append(ledger.storedElements)
                #expect(ledger.count == ledger.endedCapacity + 5, "ended jobs at the capacity, plus the five running")
            }
        }
        #expect(Set(pageBytes).count == 1, "\(pageBytes)")
        #expect(Set(keptBytes).count == 1, "\(keptBytes)")
        // Entries and creation order hold what is kept; the ended list at most twice the capacity.
        #expect(elements.allSatisfy { $0 <= 2 * (ledger.endedCapacity + 5) + 2 * ledger.endedCapacity }, "\(elements)")
    }

    @Test func pagesGoNewestFirstAndCursorsSurviveEviction() throws {
        var ledger = JobLedger(endedCapacity: 10, activeLimit: 100)
        for number in 1...30 { try ledger.insert(Self.job(number)) }
        for number in 1...25 { Self.end(number, in: &ledger) }
        // Ended: 16–25 kept (10), 26–30 running.
        #expect(ledger.count == 15)
        let first = ledger.page(limit: 4, cursor: nil)
        #expect(first.jobs.map(\.id) == [30, 29, 28, 27].map(Self.id))
        var seen = first.jobs.map(\.id)
        var cursor = first.nextCursor
        while let next = cursor {
            let page = ledger.page(limit: 4, cursor: next)
            seen += page.jobs.map(\.id)
            cursor = page.nextCursor
        }
        #expect(seen == (16...30).reversed().map(Self.id))

        // A cursor whose job has since been evicted still continues with older jobs.
        let stale = try #require(ledger.page(limit: 13, cursor: nil).nextCursor)
        for number in 26...30 { Self.end(number, in: &ledger) }
        #expect(ledger.page(limit: 50, cursor: stale).jobs.isEmpty, "the jobs older than the cursor were evicted")
        #expect(ledger.page(limit: 50, cursor: nil).jobs.map(\.id) == (21...30).reversed().map(Self.id))
    }

    @Test func jobsInProgressAreLimited() throws {
        var ledger = JobLedger(endedCapacity: 10, activeLimit: 3)
        for number in 1...3 { try ledger.insert(Self.job(number)) }
        #expect(throws: JobLedger.LimitReached.self) { try ledger.insert(Self.job(4)) }
        #expect("\(JobLedger.LimitReached(limit: 3))" == "3 jobs are already queued or running; try again when one has ended")
        Self.end(1, in: &ledger)
        try ledger.insert(Self.job(4))
        #expect(ledger.activeCount == 3)
    }
}
