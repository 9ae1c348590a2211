import Dispatch
@_spi(Locking) import SpyglassCore

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
/// when the process exits normally (after ``flushAtExit()``). A line is never interleaved with another. When the descriptor is slower
/// than the service, writers wait for it instead of dropping lines, but not for ever: a pipe or socket that
/// accepts nothing for the stall timeout (its reader stopped reading) is treated as stalled, and lines are dropped
/// and counted in ``droppedLines`` until it accepts bytes again, so that a log reader that hangs cannot hang the
/// service. A line cut by a stall is ended with a newline before the next one.
public final class LogWriter: Sendable {
    /// Buffered bytes that trigger an immediate write.
    public static let highWaterMark = 32 * 1024

    private struct Pending {
        var bytes: [UInt8] = []
        var writeFailures = 0
        var droppedLines = 0
    }

    /// What only the writer of the descriptor touches, under ``output``.
    private struct Output {
        /// The descriptor accepted nothing for the stall timeout; batches are dropped until it takes bytes.
        var isStalled = false
        /// A line was cut off by a stall: what is written next starts with a newline.
        var endsInsideLine = false
        /// The kernel does not take `RWF_NOWAIT` for pipes.
        var pipeRefusesNoWait = false
    }

    /// How the descriptor is written without blocking for good.
    private enum Kind {
        /// A regular file, terminal or device: written as it is.
        case direct
        /// A pipe: with `RWF_NOWAIT`, waiting for room with `poll`.
        case pipe
        /// A socket: written with `MSG_DONTWAIT`, waiting for room with `poll`.
        case socket
    }

    private let fileDescriptor: Int32
    private let kind: Kind
    private let stallTimeout: Duration
    private let pending = Locked(Pending())
    /// Held while bytes go to the descriptor, so batches keep their order.
    private let output = Locked(Output())
    /// Dispatch sources are thread-safe; the timer is only resumed once and cancelled in `deinit`.
    private nonisolated(unsafe) let timer: any DispatchSourceTimer

    /// Whether the descriptor is a terminal (decides whether the console format uses colour).
    public let isTerminal: Bool

    /// Creates a writer for `fileDescriptor`, which stays open and owned by the caller.
    ///
    /// - Parameters:
    ///   - flushInterval: the longest a line waits in the buffer. Default 100 ms.
    ///   - stallTimeout: how long a pipe or socket may accept nothing before lines are dropped. Default 5 s.
    public init(fileDescriptor: Int32, flushInterval: Duration = .milliseconds(100), stallTimeout: Duration = .seconds(5)) {
        self.fileDescriptor = fileDescriptor
        self.stallTimeout = stallTimeout
        isTerminal = isatty(fileDescriptor) == 1
        var status = stat()
        let type = fstat(fileDescriptor, &status) == 0 ? status.st_mode & S_IFMT : 0
        kind = type == S_IFIFO ? .pipe : type == S_IFSOCK ? .socket : .direct
        pending.withLock { $0.bytes.reserveCapacity(Self.highWaterMark * 2) }
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "spyglass.log-writer"))
        let (seconds, attoseconds) = flushInterval.components
        let nanoseconds = max(1_000_000, Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        timer.schedule(deadline: .now() + .nanoseconds(nanoseconds), repeating: .nanoseconds(nanoseconds), leeway: .milliseconds(10))
        timer.setEventHandler { [weak self] in self?.flush() }
        timer.resume()
    }

    /// Makes a write to a pipe or socket whose reader went away fail (counted in ``writeFailures``) instead of
    /// killing the process with `SIGPIPE`: sets `SIGPIPE` to be ignored, for the whole process. A writer does
    /// not do this itself, since it changes every descriptor's behaviour; `Spyglass.bootstrap` does.
    public static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Flushes this writer when the process exits through `exit()` or by returning from `main`, so the last
    /// lines are not lost with the buffer. Installs one `atexit` handler per process, whatever the number of
    /// writers; a writer that was deallocated is skipped. `Spyglass.bootstrap` calls it for standard output.
    public func flushAtExit() {
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

    /// How many lines were dropped, whole or in part, because the descriptor was stalled.
    public var droppedLines: Int { pending.withLock { $0.droppedLines } }

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

    /// Writes everything buffered so far, returning when it has reached the descriptor (or was dropped because
    /// the descriptor is stalled).
    public func flush() {
        output.withLock { output in
            var batch = pending.withLock { pending -> [UInt8] in
                guard !pending.bytes.isEmpty else { return [] }
                var batch: [UInt8] = []
                batch.reserveCapacity(pending.bytes.capacity)
                swap(&batch, &pending.bytes)
                return batch
            }
            guard !batch.isEmpty else { return }
            let endsCutLine = output.endsInsideLine
            if endsCutLine { batch.insert(UInt8(ascii: "\n"), at: 0) }
            let outcome = batch.withUnsafeBytes { write($0, output: &output) }
            switch outcome {
            case .written:
                output.endsInsideLine = false
            case .failed:
                pending.withLock { $0.writeFailures += 1 }
            case .stalled(let written):
                // Whether what was written last ends inside a line; the newline that would end it is not a line.
                output.endsInsideLine = written > 0 ? batch[written - 1] != UInt8(ascii: "\n") : endsCutLine
                let newlines = batch[written...].count { $0 == UInt8(ascii: "\n") }
                let lines = newlines - (endsCutLine && written == 0 ? 1 : 0)
                pending.withLock { $0.droppedLines += lines }
            }
            batch.removeAll(keepingCapacity: false)
        }
    }

    private enum Outcome {
        case written
        case failed
        /// The descriptor took only the first `written` bytes within the stall timeout.
        case stalled(written: Int)
    }

    /// Writes `bytes` whole, waiting for room while the descriptor takes bytes; gives up once it took none for the
    /// stall timeout (at once while it is known to be stalled).
    private func write(_ bytes: UnsafeRawBufferPointer, output: inout Output) -> Outcome {
        var offset = 0
        while offset < bytes.count {
            let result = writeWithoutBlocking(bytes.baseAddress! + offset, count: bytes.count - offset, output: &output)
            if result > 0 {
                offset += result
                output.isStalled = false
            } else if result < 0, errno == EINTR {
                continue
            } else if result < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                guard waitForRoom(output.isStalled ? .zero : stallTimeout) else {
                    output.isStalled = true
                    return .stalled(written: offset)
                }
            } else {
                return .failed
            }
        }
        return .written
    }

    /// One write that fails with `EAGAIN` rather than block when a pipe or socket is full, leaving the
    /// descriptor's flags alone (they are shared with whoever else holds it, such as the parent's shell).
    private func writeWithoutBlocking(_ bytes: UnsafeRawPointer, count: Int, output: inout Output) -> Int {
        switch kind {
        case .direct:
            return systemWrite(fileDescriptor, bytes, count)
        case .socket:
            return send(fileDescriptor, bytes, count, Int32(MSG_DONTWAIT))
        case .pipe:
            if !output.pipeRefusesNoWait, let writeNoWait = PipeWrite.noWait {
                var vector = iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes), iov_len: count)
                let result = writeNoWait(fileDescriptor, &vector, 1, -1, PipeWrite.noWaitFlag)
                guard result < 0, errno == EOPNOTSUPP || errno == EINVAL else { return result }
                output.pipeRefusesNoWait = true
            }
            // Without RWF_NOWAIT (kernels before 5.8): `poll` vouches for room for one page, and a write of at
            // most `PIPE_BUF` bytes needs no more.
            guard waitForRoom(.zero) else {
                errno = EAGAIN
                return -1
            }
            return systemWrite(fileDescriptor, bytes, min(count, Int(PIPE_BUF)))
        }
    }

    /// Whether the descriptor has room within `timeout`.
    private func waitForRoom(_ timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (seconds, attoseconds) = (deadline - ContinuousClock.now).components
            let milliseconds = max(0, Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000))
            var descriptor = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
            let result = poll(&descriptor, 1, milliseconds)
            if result > 0 { return true }
            if result < 0, errno != EINTR { return true }  // the write will report what is wrong
            if ContinuousClock.now >= deadline { return false }
        }
    }
}

/// `pwritev2(…, RWF_NOWAIT)`: a write to a pipe that answers `EAGAIN` instead of blocking, per call. Looked up at
/// run time because Glibc's module does not declare it (it is a GNU extension).
private enum PipeWrite {
    typealias Function = @convention(c) (Int32, UnsafePointer<iovec>, Int32, Int, Int32) -> Int
    static let noWaitFlag: Int32 = 0x0000_0008  // RWF_NOWAIT

    static let noWait: Function? = {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pwritev2") else { return nil }
        return unsafeBitCast(symbol, to: Function.self)
        #else
        return nil
        #endif
    }()
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
    private static let writers = Locked<[LogWriterReference]>([])
    private static let installed = Locked(false)

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
