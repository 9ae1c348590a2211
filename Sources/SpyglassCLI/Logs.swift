import ArgumentParser
import Foundation
import Logging
import SpyglassLogging

struct Logs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pretty-prints and filters Spyglass's JSON log lines, from files or standard input.",
        discussion: """
            swift run spyglass-demo | spyglass logs --level warning
            spyglass logs service.log --trace-id 4bf92f3577b34da6a3ce929d0e0e4736
            spyglass logs --since 15m --logger spyglass.jobs --grep research service.log
            Lines that are not JSON are printed as they are, unless a filter on fields (level, logger, ids, time) is given.
            """
    )

    @Argument(help: "Files to read; none or - reads standard input.")
    var files: [String] = []

    @Option(help: "The least severe level shown: trace, debug, info, notice, warning, error, critical.")
    var level: String?

    @Option(help: "Only lines of this logger and those under it (api takes api.jobs).")
    var logger: String?

    @Option(name: .customLong("trace-id"), help: "Only lines of this trace.")
    var traceID: String?

    @Option(name: .customLong("request-id"), help: "Only lines of this request.")
    var requestID: String?

    @Option(help: "Only lines containing this text, ignoring case.")
    var grep: String?

    @Option(help: "Only lines at or after this time: a timestamp (2026-12-01T10:30:00Z) or a duration ago (90s, 15m, 2h, 1d).")
    var since: String?

    @Option(help: "Only lines at or before this time, written as for --since.")
    var until: String?

    @Flag(help: "Print the matching lines as they are (JSON) instead of pretty.")
    var json = false

    @Option(help: "Colour: auto (when writing to a terminal and NO_COLOR is unset), always or never.")
    var color = "auto"

    func validate() throws {
        if let level, Logger.Level(name: level) == nil {
            throw ValidationError("--level \(level) is not one of \(Logger.Level.allowedNames)")
        }
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, LogLineFilter.parseTime(value) == nil {
                throw ValidationError("\(name) \(value) is neither a timestamp like 2026-12-01T10:30:00Z nor a duration like 90s, 15m, 2h, 1d")
            }
        }
        guard ["auto", "always", "never"].contains(color) else { throw ValidationError("--color \(color) is not one of auto, always, never") }
    }

    func run() throws {
        let filter = LogLineFilter(
            minimumLevel: level.flatMap { Logger.Level(name: $0) },
            logger: logger,
            traceID: traceID,
            requestID: requestID,
            text: grep,
            since: since.flatMap { LogLineFilter.parseTime($0) },
            until: until.flatMap { LogLineFilter.parseTime($0) }
        )
        let colour = color == "always" || (color == "auto" && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
        let printer = LogLinePrinter(colour: colour)
        var notJSON = 0
        var output = OutputBuffer()
        for source in files.isEmpty ? ["-"] : files {
            guard let handle = source == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: source) else {
                Output.error("cannot read \(source)")
                throw ExitCode(2)
            }
            try LineReader(handle).forEach { line in
                let fields = line.first == "{" ? (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] : nil
                if fields == nil, !line.isEmpty { notJSON += 1 }
                guard filter.accepts(raw: line, fields: fields) else { return }
                output.write(json || fields == nil ? line : printer.format(fields!))
            }
        }
        output.flush()
        if notJSON > 0, filter.readsFields {
            Output.error(notJSON == 1 ? "1 line was not a JSON log line and could not be filtered by field" : "\(notJSON) lines were not JSON log lines and could not be filtered by field")
        }
    }
}

/// Lines of a file or pipe, read in 64 KiB chunks.
struct LineReader {
    let handle: FileHandle

    init(_ handle: FileHandle) { self.handle = handle }

    func forEach(_ body: (String) throws -> Void) throws {
        var pending: [UInt8] = []
        while true {
            let chunk = handle.readData(ofLength: 65_536)
            if chunk.isEmpty { break }
            pending.append(contentsOf: chunk)
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                try body(String(decoding: pending[start..<newline], as: UTF8.self))
                start = newline + 1
            }
            pending.removeFirst(start)
        }
        if !pending.isEmpty { try body(String(decoding: pending, as: UTF8.self)) }
    }
}

/// Standard output, written in large pieces.
struct OutputBuffer {
    private var bytes: [UInt8] = []

    mutating func write(_ line: String) {
        bytes.append(contentsOf: line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        if bytes.count > 65_536 { flush() }
    }

    mutating func flush() {
        FileHandle.standardOutput.write(Data(bytes))
        bytes.removeAll(keepingCapacity: true)
    }
}
