public import SpyglassHealth
import Foundation
import NIOCore
import NIOPosix

/// Why a connection to `target` failed, as an operator would say it.
enum ConnectionFailure {
    static func describe(_ error: any Error, target: String) -> String {
        if let failure = error as? NIOConnectionError {
            if let first = failure.connectionErrors.first { return describe(first.error, target: target) }
            if let dns = failure.dnsAAAAError ?? failure.dnsAError { return "could not resolve \(target): \(dns)" }
            return "could not connect to \(target)"
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED: return "connection refused by \(target)"
            case ETIMEDOUT: return "timed out connecting to \(target)"
            case EHOSTUNREACH, ENETUNREACH: return "\(target) is unreachable"
            case ECONNRESET: return "\(target) reset the connection"
            default: return "could not connect to \(target): \(error)"
            }
        }
        if error is ChannelError { return "\(target) closed the connection (\(error))" }
        return "could not connect to \(target): \(error)"
    }
}
