import SpyglassTestSupport
import Testing

@testable import SpyglassLogging

/// `duration_ms` and every other `Double` a line holds are written as `Double.description` writes them: the fast
/// path for whole microseconds must not change one byte.
@Suite struct DoubleFormattingTests {
    private func written(_ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { storage in
            var line = LineBuffer(initialStorage: storage)
            line.append(describing: value)
            return String(decoding: line.bytes, as: UTF8.self)
        }
    }

    @Test func wholeMicrosecondsAreWrittenAsDescriptionWritesThem() {
        var random = SeededRandom(seed: 21)
        var values = (0..<200_000).map { Double($0) / 1000 }
        values += (0..<100_000).map { _ in Double(UInt64.random(in: 0..<1_000_000_000_000_000, using: &random)) / 1000 }
        values += [999_999_999_999.999, 1e12 - 1, 1e12, 1e12 + 0.001, 123_456_789.012, 0.1, 0.01, 1.5]
        for value in values {
            #expect(written(value) == value.description, "\(value)")
        }
    }

    @Test func everyOtherValueToo() {
        var random = SeededRandom(seed: 22)
        var values = (0..<100_000).map { _ in Double(bitPattern: random.next()) }.filter(\.isFinite)
        values += [-0.0, -1.5, -0.001, 1e-300, 5e-324, 1e-4, 1e15, 1e16, 2e53, .greatestFiniteMagnitude, 0.0005, 0.0015, 1 / 3]
        for value in values {
            #expect(written(value) == value.description, "\(value)")
        }
    }
}
