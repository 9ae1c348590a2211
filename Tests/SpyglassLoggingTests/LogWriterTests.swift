import Foundation
import SpyglassLogging
import Testing

@Suite struct LogWriterTests {
    @Test func aVanishedReaderIsCountedNotFatal() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        close(descriptors[0])  // nobody will ever read: writing raises SIGPIPE unless it is ignored
        defer { close(descriptors[1]) }
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
}
