import Foundation
import SpyglassLogging
import Testing

@Suite struct LogWriterTests {
    @Test func aVanishedReaderIsCountedNotFatal() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        close(descriptors[0])  // nobody will ever read: writing raises SIGPIPE unless it is ignored
        defer { close(descriptors[1]) }
        LogWriter.ignoreBrokenPipes()
        let writer = LogWriter(fileDescriptor: descriptors[1])
        let line = Array("{\"message\":\"lost\"}\n".utf8)
        line.withUnsafeBytes { writer.write(line: $0, urgent: true) }
        #expect(writer.writeFailures == 1)
        line.withUnsafeBytes { writer.write(line: $0, urgent: true) }
        #expect(writer.writeFailures == 2)
    }

    @Test func linesWaitInTheBufferUntilFlushed() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer { close(descriptors[0]); close(descriptors[1]) }
        let writer = LogWriter(fileDescriptor: descriptors[1], flushInterval: .seconds(3600))
        let line = Array("{\"message\":\"kept\"}\n".utf8)
        line.withUnsafeBytes { writer.write(line: $0) }
        var available: Int32 = 0
        #expect(ioctl(descriptors[0], UInt(FIONREAD), &available) == 0)
        #expect(available == 0)
        writer.flush()
        #expect(ioctl(descriptors[0], UInt(FIONREAD), &available) == 0)
        #expect(Int(available) == line.count)
    }

    /// Reads what the pipe holds now, without waiting.
    static func drain(_ descriptor: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        var available: Int32 = 0
        while ioctl(descriptor, UInt(FIONREAD), &available) == 0, available > 0 {
            var chunk = [UInt8](repeating: 0, count: Int(available))
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return bytes
    }

    /// A reader that stops reading must not stop the service: once the pipe has taken nothing for the stall timeout,
    /// lines are dropped and counted instead of blocking every logging call; when it reads again, lines flow again,
    /// and the line the stall cut is ended so the next one starts on a line of its own.
    @Test func aReaderThatStopsReadingStallsNoOneForLong() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer { close(descriptors[0]); close(descriptors[1]) }
        let writer = LogWriter(fileDescriptor: descriptors[1], flushInterval: .seconds(3600), stallTimeout: .milliseconds(300))
        let lines = (0..<2_000).map { Array("{\"message\":\"line \($0)\",\"pad\":\"\(String(repeating: "x", count: 200))\"}\n".utf8) }
        let start = ContinuousClock.now
        for line in lines { line.withUnsafeBytes { writer.write(line: $0) } }  // 450 KB into a 64 KiB pipe
        writer.flush()
        let stalledFor = ContinuousClock.now - start
        #expect(stalledFor < .seconds(10), "the writers waited \(stalledFor)")
        #expect(writer.droppedLines > 1_000, "\(writer.droppedLines)")
        #expect(writer.writeFailures == 0)

        // While stalled, a flush gives up at once.
        let again = ContinuousClock.now
        lines[0].withUnsafeBytes { writer.write(line: $0, urgent: true) }
        #expect(ContinuousClock.now - again < .milliseconds(250))

        var output = Self.drain(descriptors[0])
        let resumed = Array("{\"message\":\"resumed\"}\n".utf8)
        resumed.withUnsafeBytes { writer.write(line: $0, urgent: true) }
        output += Self.drain(descriptors[0])
        let written = output.split(separator: UInt8(ascii: "\n")).map { Array($0) + [UInt8(ascii: "\n")] }
        #expect(written.last == resumed, "writing resumed when the reader read")
        // Every line out is one that was logged, or the start of one the stall cut off.
        for line in written.dropLast() {
            #expect(lines.contains { $0 == line || $0.starts(with: line.dropLast()) })
        }
        #expect(written.count + writer.droppedLines >= lines.count + 1)
    }
}

