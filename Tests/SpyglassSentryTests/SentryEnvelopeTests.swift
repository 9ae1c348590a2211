import Foundation
import Logging
import SpyglassSentry
import SpyglassTestSupport
import Testing

/// Envelopes as Python's sentry_sdk reads them (`Envelope.deserialize`): a parser no code of Spyglass's is in.
@Suite struct SentryEnvelopeTests {
    static let reader = """
        import json, sys
        from sentry_sdk.envelope import Envelope
        envelope = Envelope.deserialize(sys.stdin.buffer.read())
        print(json.dumps({"headers": envelope.headers, "items": [{"type": item.type, "headers": item.headers, "payload": item.payload.json} for item in envelope.items]}))
        """

    static func read(_ bytes: [UInt8]) async throws -> [String: Any] {
        let output = try await Peers.run(Peers.python, ["-c", reader], input: bytes)
        try #require(output.status == 0, "sentry_sdk: \(output.standardError)")
        return try #require(JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
    }

    @Test func anEventWithEveryFieldIsReadBackWhole() async throws {
        var event = SentryEvent(event_id: "9ec79c33ec9942ab8353589fcb2e04dc", timestamp: 1_796_650_627.125, level: "error")
        event.logger = "spyglass.http"
        event.release = "1.4.2"
        event.environment = "production"
        event.culprit = "POST /v1/chat"
        event.transaction = "POST /v1/chat"
        event.fingerprint = ["LLMProviderError", "POST /v1/chat"]
        event.message = .init(formatted: "request_failed: \"quotes\", \\ backslash, ü, 🚀, line\nbreak")
        event.exception = .init(values: [.init(type: "LLMProviderError", value: "status 502 from sim-1")])
        event.tags = ["request_id": "req-1", "workspace_id": "ws-9"]
        event.user = .init(id: "user-7")
        event.request = .init(method: "POST", url: "http://127.0.0.1:8080/v1/chat", headers: ["Authorization": "[REDACTED]"])
        event.contexts = .init(trace: .init(trace_id: "4bf92f3577b34da6a3ce929d0e0e4736", span_id: "00f067aa0ba902b7"))
        event.breadcrumbs = .init(values: [.init(timestamp: 1_796_650_627.0, category: "spyglass.demo", level: .info, message: "chat_started")])

        let envelope = try await Self.read(SentryEnvelope.encode(event, sentAt: 1_796_650_628.000_25))
        let headers = try #require(envelope["headers"] as? [String: Any])
        #expect(headers["event_id"] as? String == event.event_id)
        #expect(headers["sent_at"] as? String == "2026-12-07T13:37:08.000250Z")
        #expect(headers["dsn"] == nil, "the key is sent only in X-Sentry-Auth")
        let items = try #require(envelope["items"] as? [[String: Any]])
        try #require(items.count == 1)
        #expect(items[0]["type"] as? String == "event")
        let payload = try #require(items[0]["payload"] as? [String: Any])
        #expect(payload["event_id"] as? String == event.event_id)
        #expect(payload["timestamp"] as? Double == 1_796_650_627.125)
        #expect(payload["platform"] as? String == "other")
        #expect(payload["fingerprint"] as? [String] == ["LLMProviderError", "POST /v1/chat"])
        #expect((payload["message"] as? [String: Any])?["formatted"] as? String == event.message?.formatted)
        let exception = ((payload["exception"] as? [String: Any])?["values"] as? [[String: Any]])?.first
        #expect(exception?["type"] as? String == "LLMProviderError")
        #expect((payload["user"] as? [String: Any])?["id"] as? String == "user-7")
        #expect(((payload["contexts"] as? [String: Any])?["trace"] as? [String: Any])?["trace_id"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect((payload["request"] as? [String: Any])?["url"] as? String == "http://127.0.0.1:8080/v1/chat")
        #expect(((payload["breadcrumbs"] as? [String: Any])?["values"] as? [[String: Any]])?.first?["message"] as? String == "chat_started")
    }

    @Test func theSameEventIsTheSameBytes() throws {
        var event = SentryEvent(event_id: "0123456789abcdef0123456789abcdef", timestamp: 1, level: "error")
        event.tags = ["b": "2", "a": "1", "c": "3"]
        #expect(try SentryEnvelope.encode(event, sentAt: 2) == SentryEnvelope.encode(event, sentAt: 2))
    }
}
