public import Foundation

/// HTTP/1.1 over one loopback socket, bytes exactly as given: a path with `..` or `%2e` reaches the server as written
/// (URLSession would normalise it), and many requests go out pipelined, far faster than one at a time.
public struct RawHTTPClient: Sendable {
    public let port: Int

    public init(port: Int) {
        self.port = port
    }

    public struct Answer: Sendable {
        public let status: Int
        /// The header fields as received, names as sent.
        public let headers: [(name: String, value: String)]
        public let body: String

        /// The value of the first field called `name`, compared case-insensitively.
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    public struct Failed: Error, CustomStringConvertible {
        public let description: String
    }

    /// ``get(_:headers:batch:)`` on a thread of its own: the socket calls block, and blocking the concurrency pool's
    /// few threads would stop a server in this process from answering.
    public func fetch(_ paths: [String], headers: [String: String] = [:], batch: Int = 64) async throws -> [Answer] {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try get(paths, headers: headers, batch: batch) })
            }
        }
    }

    /// Sends every request in `paths` (GET, with `headers`) on one connection, in batches, and returns the answers
    /// in order.
    public func get(_ paths: [String], headers: [String: String] = [:], batch: Int = 64) throws -> [Answer] {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failed(description: "socket: \(errno)") }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failed(description: "connect: \(errno)") }
        let extra = headers.map { "\($0.key): \($0.value)\r\n" }.joined()
        var reader = ResponseReader(descriptor: descriptor)
        var answers: [Answer] = []
        answers.reserveCapacity(paths.count)
        var start = 0
        while start < paths.count {
            let end = min(start + batch, paths.count)
            let requests = paths[start..<end].map { "GET \($0) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(extra)\r\n" }.joined()
            var bytes = Array(requests.utf8)
            var sent = 0
            while sent < bytes.count {
                let count = bytes.withUnsafeMutableBytes { send(descriptor, $0.baseAddress! + sent, $0.count - sent, 0) }
                guard count > 0 else { throw Failed(description: "send: \(errno)") }
                sent += count
            }
            for _ in start..<end { answers.append(try reader.next()) }
            start = end
        }
        return answers
    }

    /// Reads responses one after another: the status line, the headers, a body of `Content-Length` or chunked.
    private struct ResponseReader {
        let descriptor: Int32
        var buffer: [UInt8] = []

        mutating func next() throws -> Answer {
            let head = try readUntil(Array("\r\n\r\n".utf8))
            let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
            let statusParts = lines[0].split(separator: " ")
            guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failed(description: "status line \(lines[0])") }
            var length = 0
            var chunked = false
            var headers: [(name: String, value: String)] = []
            for line in lines.dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2 else { continue }
                headers.append((parts[0], parts[1]))
                if parts[0].lowercased() == "content-length" { length = Int(parts[1]) ?? 0 }
                if parts[0].lowercased() == "transfer-encoding", parts[1].lowercased().contains("chunked") { chunked = true }
            }
            var body: [UInt8] = []
            if chunked {
                while true {
                    let sizeLine = String(decoding: try readUntil(Array("\r\n".utf8)), as: UTF8.self)
                    guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else { throw Failed(description: "chunk \(sizeLine)") }
                    if size == 0 {
                        _ = try readUntil(Array("\r\n".utf8))
                        break
                    }
                    body += try read(size)
                    _ = try read(2)
                }
            } else {
                body = try read(length)
            }
            return Answer(status: status, headers: headers, body: String(decoding: body, as: UTF8.self))
        }

        private mutating func fill() throws {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw Failed(description: "connection closed or timed out (\(errno))") }
            buffer += chunk[..<count]
        }

        private mutating func readUntil(_ delimiter: [UInt8]) throws -> [UInt8] {
            var searched = 0
            while true {
                if buffer.count >= delimiter.count {
                    for index in searched...(buffer.count - delimiter.count) where buffer[index] == delimiter[0] && Array(buffer[index..<index + delimiter.count]) == delimiter {
                        let result = Array(buffer[..<index])
                        buffer.removeFirst(index + delimiter.count)
                        return result
                    }
                    searched = buffer.count - delimiter.count + 1
                }
                try fill()
            }
        }

        private mutating func read(_ count: Int) throws -> [UInt8] {
            while buffer.count < count { try fill() }
            let result = Array(buffer[..<count])
            buffer.removeFirst(count)
            return result
        }
    }
}
