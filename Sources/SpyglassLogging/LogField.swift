package import Logging
import SpyglassCore

/// A typed field of a line a Spyglass component writes straight into its ``LogBackend``
/// (``SpyglassLogHandler/log(level:_:fields:error:file:function:line:)``): no `Logger.Metadata` dictionary is built,
/// hashed or boxed, and the line reads as if the same field had been logged as metadata.
package struct LogField: Sendable {
    package enum Value: Sendable {
        /// Written as a JSON string, scanned for credentials and cut like a `.string` metadata value.
        case string(String)
        /// Written as a JSON number, like `.stringConvertible` of an `Int`.
        case int(Int)
        /// Written as a JSON number, like `.stringConvertible` of a `Double` (a string when not finite).
        case double(Double)
        /// Written as a JSON object: each value whose key names a credential is replaced, the others are scanned
        /// and cut like `.string` values.
        case object(Logger.Metadata)

        /// The metadata value the same field would have been logged as.
        package var metadataValue: Logger.MetadataValue {
            switch self {
            case .string(let text): .string(text)
            case .int(let number): .stringConvertible(number)
            case .double(let number): .stringConvertible(number)
            case .object(let fields): .dictionary(fields)
            }
        }
    }

    package let key: LogFieldKey
    package let value: Value

    package init(_ key: LogFieldKey, _ value: Value) {
        self.key = key
        self.value = value
    }
}

/// A field's name, prepared once for one backend: its JSON form encoded, and whether the backend's redaction hides
/// its values. A class, so a field holds one reference to it instead of copying (and retaining) its parts.
package final class LogFieldKey: Sendable {
    package let name: String
    /// `,"name":`.
    let json: [UInt8]
    /// Whether the redactor names this key sensitive: its value is replaced whole.
    let isSensitive: Bool
    /// Whether the line format may write a field of this name itself (a context id), so each line checks.
    let mayBeReserved: Bool

    /// `name` prepared for lines written through `backend`; with `nil`, for fields turned into metadata.
    package init(_ name: String, for backend: LogBackend?) {
        self.name = name
        isSensitive = backend?.redactor.isSensitiveKey(name) ?? false
        mayBeReserved = name.withUTF8Bytes { LogRecord.isReserved(utf8: $0, context: Self.everyID) }
        json = Array(",\"\(name.jsonEscaped)\":".utf8)
    }

    /// A context with every id set, under which every name a line can reserve is reserved.
    private static let everyID = SpyglassContext(requestID: "", sessionID: "", jobID: "", userID: "", workspaceID: "")
}

extension String {
    /// The text escaped as the inside of a JSON string.
    fileprivate var jsonEscaped: String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { storage in
            var buffer = LineBuffer(initialStorage: storage)
            withUTF8Bytes { buffer.append(escaping: $0[...], as: .json) }
            return String(decoding: buffer.bytes, as: UTF8.self)
        }
    }
}
