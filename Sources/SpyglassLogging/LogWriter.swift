import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered, thread-safe output of whole log lines to a file descriptor.
///
/// Lines are appended to a shared buffer under a lock and reach the descriptor in batches: when the buffer
/// passes ``highWaterMark``, when a line is marked urgent (errors), every flush interval, at ``flush()`` and
/// when the process exits normally. A line is never split or interleaved with another, and nothing is
/// dropped: when the descriptor is slower than the service, writers wait for it instead.
public final class LogWriter: Sendable {
    /// Buffered bytes that trigger an immediate write.
    public static let highWaterMark = 32 * 1024

    private struct Pending {
        var bytes: [UInt8] = []
        var writeFailures = 0
    }

    private let fileDescriptor: Int32
    private let pending = Mutex(Pending())
    /// Held while bytes go to the descriptor, so batches keep their order.
    private let output = Mutex(())
    /// Dispatch sources are thread-safe; the timer is only resumed once and cancelled in `deinit`.
    private nonisolated(unsafe) let timer: any DispatchSourceTimer

    /// Whether the descriptor is a terminal (decides whether the console format uses colour).
    public let isTerminal: Bool

    /// Creates a writer for `fileDescriptor`, which stays open and owned by the caller.
    ///
    /// - Parameter flushInterval: the longest a line waits in the buffer. Default 100 ms.
    public init(fileDescriptor: Int32, flushInterval: Duration = .milliseconds(100)) {
        self.fileDescriptor = fileDescriptor
        isTerminal = isatty(fileDescriptor) == 1
        pending.withLock { $0.bytes.reserveCapacity(Self.highWaterMark * 2) }
        // A reader that went away must not kill the service with SIGPIPE; the write fails instead.
        signal(SIGPIPE, SIG_IGN)
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "spyglass.log-writer"))
        let (seconds, attoseconds) = flushInterval.components
        let nanoseconds = max(1_000_000, Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        timer.schedule(deadline: .now() + .nanoseconds(nanoseconds), repeating: .nanoseconds(nanoseconds), leeway: .milliseconds(10))
        timer.setEventHandler { [weak self] in self?.flush() }
        timer.resume()
        ExitFlush.register(self)
    }

    /// A writer for standard output.
    public static func standardOutput(flushInterval: Duration = .milliseconds(100)) -> LogWriter {
        LogWriter(fileDescriptor: STDOUT_FILENO, flushInterval: flushInterval)
    }

    deinit {
        timer.cancel()
    }

    /// How many times the descriptor refused bytes (closed pipe, full disk); those bytes are lost.
    public var writeFailures: Int { pending.withLock { $0.writeFailures } }

    /// Appends one complete line (its trailing newline included).
    ///
    /// - Parameter urgent: write through now instead of waiting for the batch (used for errors).
    public func write(line: UnsafeRawBufferPointer, urgent: Bool = false) {
        let full = pending.withLock { pending in
            pending.bytes.append(contentsOf: line)
            return pending.bytes.count >= Self.highWaterMark
        }
        if full || urgent { flush() }
    }

    /// Writes everything buffered so far, returning when it has reached the descriptor.
    public func flush() {
        output.withLock { _ in
            var batch = pending.withLock { pending -> [UInt8] in
                guard !pending.bytes.isEmpty else { return [] }
                var batch: [UInt8] = []
                batch.reserveCapacity(pending.bytes.capacity)
                swap(&batch, &pending.bytes)
                return batch
            }
            guard !batch.isEmpty else { return }
            let written = batch.withUnsafeBytes { writeFully($0) }
            if !written { pending.withLock { $0.writeFailures += 1 } }
            batch.removeAll(keepingCapacity: false)
        }
    }

    private func writeFully(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let result = systemWrite(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if result > 0 {
                offset += result
            } else if result < 0, errno == EINTR {
                continue
            } else if result < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                var descriptor = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
                _ = poll(&descriptor, 1, 1000)
            } else {
                return false
            }
        }
        return true
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Musl)
private let systemWrite = Musl.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif

/// Flushes every writer when the process exits through `exit()` or by returning from `main`.
private enum ExitFlush {
    private static let writers = Mutex<[LogWriterReference]>([])
    private static let installed = Mutex(false)

    private struct LogWriterReference {
        weak var writer: LogWriter?
    }

    static func register(_ writer: LogWriter) {
        writers.withLock { writers in
            writers.removeAll { $0.writer == nil }
            writers.append(LogWriterReference(writer: writer))
        }
        installed.withLock { installed in
            guard !installed else { return }
            installed = true
            atexit { ExitFlush.flushAll() }
        }
    }

    static func flushAll() {
        for reference in writers.withLock({ $0 }) { reference.writer?.flush() }
    }
}
