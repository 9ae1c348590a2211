import Foundation
import Testing

@testable import SpyglassGenAI

@Suite struct PriceTableTests {
    private func day(_ text: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = text.split(separator: "-").map { Int($0)! }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))!
    }

    @Test func theDefaultTableParsesAndPricesKnownModels() throws {
        // Parsed strictly here: `PriceTable.default` would fall back to an empty table.
        let table = try PriceTable(json: PriceTable.defaultJSON)
        #expect(table.entries.count > 300)
        #expect(table.source?.hasPrefix("genai-prices") == true)
        #expect(PriceTable.default.entries.count == table.entries.count)
        let mini = try #require(table.entry(provider: "openai", model: "gpt-4o-mini-2024-07-18"))
        #expect(mini.prices == .init(input: 0.15, output: 0.6, cachedInput: 0.075))
        #expect(table.entry(provider: "OpenAI", model: "GPT-4o-mini") != nil, "provider and model ignore case")
        #expect(table.entry(provider: "anthropic", model: "claude-3-5-sonnet-20241022") != nil)
        #expect(table.entry(provider: "openai", model: "claude-3-5-sonnet-20241022") == nil, "the provider must match too")
    }

    @Test func costsFollowTheTokenKindsExactly() throws {
        let prices = PriceTable.Prices(input: 0.15, output: 0.6, cachedInput: 0.075)
        // 800 fresh and 200 cached input tokens; 400 plain and 100 reasoning output tokens (billed as output).
        let usage = TokenUsage(inputTokens: 1000, outputTokens: 500, cachedInputTokens: 200, reasoningTokens: 100)
        #expect(abs(prices.cost(of: usage) - (800 * 0.15 + 200 * 0.075 + 400 * 0.6 + 100 * 0.6) / 1e6) < 1e-15)
        let reasoning = PriceTable.Prices(input: 1, output: 2, reasoning: 10)
        #expect(abs(reasoning.cost(of: usage) - (1000 * 1 + 400 * 2 + 100 * 10) / 1e6) < 1e-15, "no cached price: cached input at the input price")
        #expect(prices.cost(of: TokenUsage(inputTokens: -5, outputTokens: 0, cachedInputTokens: 10)) == 0, "nonsense counts cost nothing")
    }

    @Test func anUnknownModelHasNoPrice() {
        #expect(PriceTable.default.cost(of: TokenUsage(inputTokens: 10, outputTokens: 10), provider: "openai", model: "gpt-99-imaginary") == nil)
        #expect(PriceTable.default.cost(of: TokenUsage(inputTokens: 10, outputTokens: 10), provider: "simulator", model: "gpt-4o-mini") == nil)
    }

    @Test func theLatestPriceInEffectWinsAndOverridesComeFirst() throws {
        let json = #"""
        {"format": "spyglass.prices/1", "source": "ours", "models": [
          {"provider": "acme", "model": "rocket", "match": ["rocket*"], "usd_per_million_tokens": {"input": 4, "output": 8}},
          {"provider": "acme", "model": "rocket", "match": ["rocket*"], "effective_from": "2026-06-01", "usd_per_million_tokens": {"input": 2, "output": 4}},
          {"provider": "acme", "model": "rocket", "match": ["rocket*"], "effective_from": "2027-01-01", "usd_per_million_tokens": {"input": 1, "output": 2}}
        ]}
        """#
        let table = try PriceTable(json: Data(json.utf8))
        #expect(table.entry(provider: "acme", model: "rocket-large", at: day("2026-05-31"))?.prices.input == 4)
        #expect(table.entry(provider: "acme", model: "rocket-large", at: day("2026-06-01"))?.prices.input == 2)
        #expect(table.entry(provider: "acme", model: "rocket-large", at: day("2027-03-01"))?.prices.input == 1)

        let negotiated = PriceTable(entries: [.init(provider: "openai", model: "gpt-4o-mini", patterns: ["gpt-4o-mini*"], prices: .init(input: 0.1, output: 0.4))], source: "contract")
        let merged = PriceTable.default.overriding(negotiated)
        #expect(merged.entry(provider: "openai", model: "gpt-4o-mini")?.prices.input == 0.1)
        #expect(merged.entry(provider: "openai", model: "gpt-4o")?.prices.input == 2.5)
    }

    @Test(arguments: [
        (#"[]"#, "price table must be a JSON object with \"format\" and \"models\""),
        (#"{"format": "prices/2", "models": []}"#, "price table: format is prices/2; expected \"spyglass.prices/1\""),
        (#"{"format": "spyglass.prices/1", "models": [{"provider": "x", "model": "m", "usd_per_million_tokens": {"input": 1}}]}"#, "price table: models[0].usd_per_million_tokens.output is missing"),
        (#"{"format": "spyglass.prices/1", "models": [{"provider": "x", "model": "m", "usd_per_million_tokens": {"input": -1, "output": 1}}]}"#, "price table: models[0].usd_per_million_tokens.input must be a number of US dollars, 0 or more"),
        (#"{"format": "spyglass.prices/1", "models": [{"provider": "x", "model": "m", "usd_per_million_tokens": {"input": 1, "output": 1, "audio": 3}}]}"#, "price table: models[0].usd_per_million_tokens.audio is not a token kind; expected input, output, cached_input or reasoning"),
        (#"{"format": "spyglass.prices/1", "models": [{"provider": "x", "model": "m", "effective_from": "2024-13-01", "usd_per_million_tokens": {"input": 1, "output": 1}}]}"#, "price table: models[0].effective_from must be a date like 2024-07-18"),
        (#"{"format": "spyglass.prices/1", "models": [{"provider": "x", "model": "m", "match": [], "usd_per_million_tokens": {"input": 1, "output": 1}}]}"#, "price table: models[0].match must be a non-empty list of non-empty patterns (`*` matches any characters)"),
    ])
    func mistakesAreNamedWithTheirField(json: String, message: String) {
        #expect(throws: PriceTableError.self) { try PriceTable(json: Data(json.utf8)) }
        do {
            _ = try PriceTable(json: Data(json.utf8))
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func aMissingFileIsNamed() {
        #expect(throws: PriceTableError(source: "/no/prices.json", field: "", problem: "cannot be read")) {
            try PriceTable(contentsOfFile: "/no/prices.json")
        }
    }

    @Test(arguments: [
        ("gpt-4o-mini", "gpt-4o-mini", true), ("gpt-4o-mini-2024", "gpt-4o-mini*", true), ("gpt-4o", "gpt-4o-mini*", false),
        ("anthropic.claude-v2:1", "*claude-v2*", true), ("ab", "a*b", true), ("a", "a*a", false), ("abcabc", "a*c", true), ("xyz", "*", true),
    ])
    func wildcardsMatchAnyRun(text: String, pattern: String, expected: Bool) {
        #expect(Glob.matches(text, pattern: pattern) == expected)
    }
}
