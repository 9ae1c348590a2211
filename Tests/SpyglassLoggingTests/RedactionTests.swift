import Logging
import SpyglassCore
import SpyglassLogging
import SpyglassTestSupport
import Testing

@Suite struct RedactionTests {
    @Test(arguments: SecretCorpus.secrets)
    func prefixedSecretsAreRedactedInEveryCarrier(secret: String) throws {
        let capture = try LogCapture()
        for carrier in SecretCorpus.carriers {
            let text = carrier.replacingOccurrences(of: "%@", with: secret)
            capture.logger().info(Logger.Message(stringLiteral: text), metadata: ["note": .string(text)])
        }
        let raw = try capture.rawLines().joined(separator: "\n")
        #expect(!raw.contains(secret))
        #expect(try capture.lines().count == SecretCorpus.carriers.count)
    }

    @Test(arguments: zip(SecretCorpus.contextualSecrets.map(\.text), SecretCorpus.contextualSecrets.map(\.secret)))
    func contextualSecretsAreRedacted(text: String, secret: String) throws {
        let capture = try LogCapture()
        capture.logger().info(Logger.Message(stringLiteral: text), metadata: ["note": .string(text)])
        let line = try #require(try capture.lines().first)
        let message = try #require(line["message"] as? String)
        #expect(!message.contains(secret))
        #expect(message.contains("[REDACTED]"))
        #expect(!(line["note"] as? String ?? secret).contains(secret))
    }

    @Test(arguments: SecretCorpus.prose)
    func proseIsLeftAlone(text: String) throws {
        let capture = try LogCapture()
        capture.logger().info(Logger.Message(stringLiteral: text))
        #expect(try capture.lines().first?["message"] as? String == text)
    }

    @Test func sensitiveKeysHideWholeValuesAtAnyDepth() throws {
        let capture = try LogCapture()
        capture.logger().info("login", metadata: [
            "password": "hunter2",
            "Authorization": "whatever it is",
            "X-Api-Key": "plain",
            "OPENAI_API_KEY": "plain",
            "clientSecret": "plain",
            "set-cookie": "sid=1",
            "github_token": "plain",
            "request": ["headers": ["cookie": "sid=2", "accept": "json"], "tokens": ["private_key": ["k": "v"]]],
            "prompt_tokens": .stringConvertible(12),
            "token_count": .stringConvertible(3),
            "user": "ada",
        ])
        let line = try #require(try capture.lines().first)
        for key in ["password", "Authorization", "X-Api-Key", "OPENAI_API_KEY", "clientSecret", "set-cookie", "github_token"] {
            #expect(line[key] as? String == "[REDACTED]", "\(key)")
        }
        let request = try #require(line["request"] as? [String: Any])
        let headers = try #require(request["headers"] as? [String: Any])
        #expect(headers["cookie"] as? String == "[REDACTED]")
        #expect(headers["accept"] as? String == "json")
        #expect((request["tokens"] as? [String: Any])?["private_key"] as? String == "[REDACTED]")
        #expect(line["prompt_tokens"] as? Int == 12)
        #expect(line["token_count"] as? Int == 3)
        #expect(line["user"] as? String == "ada")
    }

    @Test func usersCanAddKeysPatternsAndAllowKeys() throws {
        let capture = try LogCapture {
            $0.redaction.additionalKeys = ["ssn"]
            $0.redaction.additionalPatterns = [#"ACME-[0-9]{6}"#]
            $0.redaction.allowedKeys += ["csrf_token"]
        }
        capture.logger().info("order ACME-123456 placed", metadata: ["customer_ssn": "078-05-1120", "csrf_token": "public-value"])
        let line = try #require(try capture.lines().first)
        #expect(line["message"] as? String == "order [REDACTED] placed")
        #expect(line["customer_ssn"] as? String == "[REDACTED]")
        #expect(line["csrf_token"] as? String == "public-value")
    }

    @Test func anInvalidPatternIsAConfigurationError() {
        var configuration = LoggingConfiguration()
        configuration.redaction.additionalPatterns = ["(unclosed"]
        #expect(throws: ConfigurationError.self) {
            try LogBackend(configuration: configuration, service: .test, writer: LogWriter(fileDescriptor: 1))
        }
    }

    @Test func redactionCanBeTurnedOff() throws {
        let capture = try LogCapture { $0.redaction.isEnabled = false }
        capture.logger().info("key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z", metadata: ["password": "shown"])
        let line = try #require(try capture.lines().first)
        #expect(line["password"] as? String == "shown")
        #expect((line["message"] as? String)?.contains("sk-proj-") == true)
    }

    /// Secrets hidden at random depths, under random keys, between random words, never reach the output.
    @Test(arguments: [11 as UInt64, 12, 13])
    func noSecretSurvivesRandomNesting(seed: UInt64) throws {
        let capture = try LogCapture()
        let logger = capture.logger()
        var random = SeededRandom(seed: seed)
        for _ in 0..<300 {
            let key = "k" + random.word()
            let filler = random.word()
            let secret = SecretCorpus.secrets.randomElement(using: &random)!
            let carrier = SecretCorpus.carriers.randomElement(using: &random)!
            let text = filler + " " + carrier.replacingOccurrences(of: "%@", with: secret) + " " + filler
            var value = Logger.MetadataValue.string(text)
            for level in 0..<Int.random(in: 0...4, using: &random) {
                value = level.isMultiple(of: 2) ? .dictionary([key: value]) : .array([.string(filler), value])
            }
            logger.info(Logger.Message(stringLiteral: text), metadata: [key: value])
        }
        let lines = try capture.rawLines()
        #expect(lines.count == 300)
        for secret in SecretCorpus.secrets {
            #expect(!lines.contains { $0.contains(secret) }, "leaked \(secret)")
        }
        #expect(try capture.lines().count == 300)
    }
}
