import Foundation

/// The Sentry envelope format: a JSON header line, then per item a JSON item header line with the payload's
/// `type` and byte `length`, and the payload. `POST`ed to ``SentryDSN/envelopeURL``.
public enum SentryEnvelope {
    /// One envelope holding `event` and when it was sent. The header names no DSN: a server may authenticate by
    /// it, and the key travels only in `X-Sentry-Auth`.
    public static func encode(_ event: SentryEvent, sentAt: Double) throws -> [UInt8] {
        let encoder = JSONEncoder()
        // Sorted keys: the same event is the same bytes; slashes left as they are (routes, URLs).
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let payload = try encoder.encode(event)
        let header = try encoder.encode(Header(event_id: event.event_id, sent_at: timestamp(sentAt)))
        let itemHeader = try encoder.encode(ItemHeader(type: "event", length: payload.count))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(header.count + itemHeader.count + payload.count + 3)
        for part in [header, itemHeader, payload] {
            bytes.append(contentsOf: part)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    private struct Header: Encodable {
        let event_id: String
        let sent_at: String
    }

    private struct ItemHeader: Encodable {
        let type: String
        let length: Int
    }

    /// RFC 3339 in UTC with microseconds, as `sent_at` is written.
    static func timestamp(_ seconds: Double) -> String {
        let whole = seconds.rounded(.down)
        let micros = Int(((seconds - whole) * 1_000_000).rounded(.down))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let base = formatter.string(from: Date(timeIntervalSince1970: whole))
        return String(base.dropLast()) + "." + String(repeating: "0", count: 6 - String(micros).count) + String(micros) + "Z"
    }
}
