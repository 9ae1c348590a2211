public import SpyglassHealth
import Foundation
import NIOCore
import NIOPosix

/// Healthy when Redis answers `PING` with `PONG`, after `AUTH` when the URL carries credentials.
///
/// It speaks the few lines of RESP it needs itself rather than depending on a Redis client.
public struct RedisHealthCheck: HealthCheck {
    public let name: String
    private let host: String
    private let port: Int
    private let username: String?
    private let password: String?

    /// - Parameter url: `redis://[user[:password]@]host[:port]`, as `REDIS_URL` usually is.
    /// - Throws: ``InvalidURL`` for anything else.
    public init(name: String = "redis", url: String) throws {
        guard let components = URLComponents(string: url), components.scheme == "redis", let host = components.host, !host.isEmpty else {
            throw InvalidURL(url: url)
        }
        self.name = name
        self.host = host
        port = components.port ?? 6379
        // redis://:secret@host carries a password only.
        let user = components.user.flatMap { $0.isEmpty ? nil : $0 }
        username = components.password == nil ? nil : user
        password = components.password ?? user
    }

    /// A Redis URL the check cannot use.
    public struct InvalidURL: Error, CustomStringConvertible {
        public let url: String
        public var description: String { "invalid Redis URL (expected redis://[user[:password]@]host[:port]): \(url.split(separator: "@").last ?? "")" }
    }

    public func check() async throws -> HealthCheckResult {
        let target = "\(host):\(port)"
        let details = ["address": target]
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            return try await channel.executeThenClose { inbound, outbound in
                var lines = RESPLines(inbound.makeAsyncIterator())
                if let password {
                    try await outbound.write(Self.command(["AUTH"] + (username.map { [$0] } ?? []) + [password]))
                    let answer = try await lines.next(target: target)
                    guard answer.hasPrefix("+") else {
                        return .unhealthy("authentication failed at \(target): \(answer.dropFirst())", details: details)
                    }
                }
                try await outbound.write(Self.command(["PING"]))
                let answer = try await lines.next(target: target)
                if answer == "+PONG" { return .healthy("PING answered PONG", details: details) }
                if answer.hasPrefix("-NOAUTH") || answer.hasPrefix("-WRONGPASS") {
                    return .unhealthy("authentication failed at \(target): \(answer.dropFirst())", details: details)
                }
                return .unhealthy("\(target) answered PING with \(answer)", details: details)
            }
        } catch let error as RESPLines.Closed {
            return .unhealthy(error.description, details: details)
        } catch {
            return .unhealthy(ConnectionFailure.describe(error, target: target), details: details)
        }
    }

    private static func command(_ parts: [String]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeString("*\(parts.count)\r\n")
        for part in parts {
            buffer.writeString("$\(part.utf8.count)\r\n")
            buffer.writeString(part)
            buffer.writeString("\r\n")
        }
        return buffer
    }
}

/// Reads RESP simple lines (`+OK`, `-ERR …`) from a connection.
private struct RESPLines {
    struct Closed: Error, CustomStringConvertible {
        let target: String
        var description: String { "\(target) closed the connection without answering" }
    }

    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var pending = ByteBuffer()

    init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) {
        self.iterator = iterator
    }

    mutating func next(target: String) async throws -> String {
        while true {
            if let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                let length = newline - pending.readerIndex + 1
                let line = pending.readString(length: length) ?? ""
                return line.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard var chunk = try await iterator.next() else { throw Closed(target: target) }
            pending.writeBuffer(&chunk)
        }
    }
}
