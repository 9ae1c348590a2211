public import SpyglassGenAI
/// One event of a `text/event-stream` body.
struct ServerSentEvent: Sendable, Hashable {
    var event: String = "message"
    var data: String
}

/// Reads a `text/event-stream` body as it arrives, chunk by chunk, following the HTML standard's parsing rules:
/// lines end in LF, CRLF or CR (also across chunks); `data` lines of one event are joined with LF; a blank line
/// ends an event; lines starting with `:` are comments; an event with no data is not dispatched.
struct ServerSentEventParser {
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var event: String?
    /// The previous chunk ended in CR: an LF starting this one belongs to the same line end.
    private var afterCarriageReturn = false

    /// The events the body's next `bytes` complete.
    mutating func feed(_ bytes: some Sequence<UInt8>) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if afterCarriageReturn {
                afterCarriageReturn = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            switch byte {
            case UInt8(ascii: "\r"):
                afterCarriageReturn = true
                endLine(into: &events)
            case UInt8(ascii: "\n"):
                endLine(into: &events)
            default:
                line.append(byte)
            }
        }
        return events
    }

    private mutating func endLine(into events: inout [ServerSentEvent]) {
        defer { line.removeAll(keepingCapacity: true) }
        guard !line.isEmpty else {
            if hasData { events.append(ServerSentEvent(event: event ?? "message", data: String(decoding: data, as: UTF8.self))) }
            data.removeAll(keepingCapacity: true)
            hasData = false
            event = nil
            return
        }
        guard line[0] != UInt8(ascii: ":") else { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let field = String(decoding: line[..<(colon ?? line.endIndex)], as: UTF8.self)
        var valueStart = colon.map { $0 + 1 } ?? line.endIndex
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let value = line[valueStart...]
        switch field {
        case "data":
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
        case "event":
            event = String(decoding: value, as: UTF8.self)
        default:
            break
        }
    }
}
