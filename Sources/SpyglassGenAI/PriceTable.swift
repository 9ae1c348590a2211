public import Foundation

/// What LLM tokens cost, per provider and model, with the dates prices took effect: the file format
/// `spyglass.prices/1`.
///
/// ```json
/// {
///  "format": "spyglass.prices/1",
///  "models": [
///   {"provider": "openai", "model": "gpt-4o-mini", "match": ["gpt-4o-mini", "gpt-4o-mini-2024-*"],
///    "effective_from": "2024-07-18",
///    "usd_per_million_tokens": {"input": 0.15, "output": 0.6, "cached_input": 0.075, "reasoning": 0.6}}
///  ]
/// }
/// ```
///
/// `match` patterns are compared with the model name as the provider reports it, ignoring case; `*` stands for any
/// run of characters. Of the entries whose provider and pattern match, the one with the latest `effective_from` not
/// after the call wins (an entry without one applies from the beginning). `cached_input` defaults to `input` and
/// `reasoning` to `output`, which is how providers bill them when they list no separate price.
///
/// ``default`` ships with Spyglass (generated from the genai-prices package; `scripts/generate-default-prices.py`).
/// A team's own file (negotiated prices, models the default lacks) goes in front of it with ``overriding(_:)``.
/// A model no entry matches has no price: its calls record tokens but no cost, never an invented one.
public struct PriceTable: Sendable {
    /// USD per million tokens of each kind.
    public struct Prices: Sendable, Hashable {
        public var input: Double
        public var output: Double
        public var cachedInput: Double?
        public var reasoning: Double?

        public init(input: Double, output: Double, cachedInput: Double? = nil, reasoning: Double? = nil) {
            self.input = input
            self.output = output
            self.cachedInput = cachedInput
            self.reasoning = reasoning
        }

        /// What `usage` costs, in USD.
        public func cost(of usage: TokenUsage) -> Double {
            let inputTokens = max(usage.inputTokens, 0)
            let outputTokens = max(usage.outputTokens, 0)
            let cachedTokens = min(max(usage.cachedInputTokens, 0), inputTokens)
            let reasoningTokens = min(max(usage.reasoningTokens, 0), outputTokens)
            let dollars = Double(inputTokens - cachedTokens) * input
                + Double(cachedTokens) * (cachedInput ?? input)
                + Double(outputTokens - reasoningTokens) * output
                + Double(reasoningTokens) * (reasoning ?? output)
            return dollars / 1_000_000
        }
    }

    /// One model's prices from one date on.
    public struct Entry: Sendable, Hashable {
        public var provider: String
        public var model: String
        /// Lowercased patterns; `*` matches any run of characters.
        public var patterns: [String]
        /// The first day (UTC) the prices apply; `nil`: always.
        public var effectiveFrom: Date?
        public var prices: Prices

        public init(provider: String, model: String, patterns: [String], effectiveFrom: Date? = nil, prices: Prices) {
            self.provider = provider
            self.model = model
            self.patterns = patterns.map { $0.lowercased() }
            self.effectiveFrom = effectiveFrom
            self.prices = prices
        }

        /// Whether this entry prices `model` of `provider`, both already lowercased.
        func matches(lowercasedProvider provider: String, lowercasedModel model: String) -> Bool {
            // Compared byte by byte, ignoring ASCII case: no copy of the entry's provider per comparison.
            guard self.provider.utf8.elementsEqual(provider.utf8, by: { Glob.asciiLowercase($0) == $1 }) else { return false }
            return patterns.contains { Glob.matches(model, pattern: $0) }
        }
    }

    /// The format version this reads and writes.
    public static let format = "spyglass.prices/1"

    public var entries: [Entry]
    /// Where the prices came from, as the file says.
    public var source: String?

    public init(entries: [Entry], source: String? = nil) {
        self.entries = entries
        self.source = source
    }

    /// The table that ships with Spyglass: providers' published prices with their effective dates, from
    /// `default-prices.json` (written by `scripts/generate-default-prices.py`), compiled into the module.
    public static let `default`: PriceTable = {
        // Parsed by a test on every run, so it cannot fail here; an empty table would only lose costs, never crash.
        (try? PriceTable(json: defaultJSON, name: "the default price table")) ?? PriceTable(entries: [])
    }()

    /// The bytes of `default-prices.json`.
    static var defaultJSON: Data { Data(PackageResources.default_prices_json) }

    /// Reads a table in the `spyglass.prices/1` format.
    ///
    /// - Parameter name: what to call the input in error messages (a file path).
    /// - Throws: ``PriceTableError`` naming the entry and field that is wrong and what is allowed.
    public init(json: Data, name: String = "price table") throws(PriceTableError) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json)
        } catch {
            throw PriceTableError(source: name, field: "", problem: "is not valid JSON (\(error.localizedDescription))")
        }
        guard let root = object as? [String: Any] else {
            throw PriceTableError(source: name, field: "", problem: "must be a JSON object with \"format\" and \"models\"")
        }
        guard let format = root["format"] as? String, format == Self.format else {
            throw PriceTableError(source: name, field: "format", problem: "is \(root["format"].map { "\($0)" } ?? "missing"); expected \"\(Self.format)\"")
        }
        guard let models = root["models"] as? [Any] else {
            throw PriceTableError(source: name, field: "models", problem: "must be a list of model entries")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(models.count)
        for (index, item) in models.enumerated() {
            entries.append(try Self.entry(item, at: "models[\(index)]", in: name))
        }
        self.init(entries: entries, source: root["source"] as? String)
    }

    /// Reads a table from a file.
    public init(contentsOfFile path: String) throws(PriceTableError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PriceTableError(source: path, field: "", problem: "cannot be read")
        }
        try self.init(json: data, name: path)
    }

    /// This table with `other`'s entries in front: where both price a model, `other` wins.
    public func overriding(_ other: PriceTable) -> PriceTable {
        PriceTable(entries: other.entries + entries, source: [other.source, source].compactMap { $0 }.joined(separator: "; "))
    }

    /// The entry in force for `model` of `provider` at `date`; `nil` when the model has no price.
    public func entry(provider: String, model: String, at date: Date = Date()) -> Entry? {
        Self.entry(in: entries(provider: provider, model: model), at: date)
    }

    /// Every entry that prices `model` of `provider`, whatever its date, in the table's order.
    public func entries(provider: String, model: String) -> [Entry] {
        let provider = provider.lowercased()
        let model = model.lowercased()
        return entries.filter { $0.matches(lowercasedProvider: provider, lowercasedModel: model) }
    }

    /// Of `candidates` (entries for one model, in table order), the one in force at `date`.
    static func entry(in candidates: [Entry], at date: Date) -> Entry? {
        var best: Entry?
        for entry in candidates {
            if let from = entry.effectiveFrom, from > date { continue }
            guard let current = best else {
                best = entry
                continue
            }
            // Later effective dates replace earlier ones; of equal ones, the first listed (an override) stays.
            if (entry.effectiveFrom ?? .distantPast) > (current.effectiveFrom ?? .distantPast) { best = entry }
        }
        return best
    }

    /// What `usage` cost on a call to `model` of `provider` at `date`, in USD; `nil` when the model has no price.
    public func cost(of usage: TokenUsage, provider: String, model: String, at date: Date = Date()) -> Double? {
        entry(provider: provider, model: model, at: date)?.prices.cost(of: usage)
    }

    private static func entry(_ item: Any, at path: String, in name: String) throws(PriceTableError) -> Entry {
        func fail(_ field: String, _ problem: String) -> PriceTableError {
            PriceTableError(source: name, field: field.isEmpty ? path : "\(path).\(field)", problem: problem)
        }
        guard let object = item as? [String: Any] else { throw fail("", "must be an object") }
        guard let provider = object["provider"] as? String, !provider.isEmpty else { throw fail("provider", "must be a non-empty string") }
        guard let model = object["model"] as? String, !model.isEmpty else { throw fail("model", "must be a non-empty string") }
        let patterns: [String]
        switch object["match"] {
        case nil: patterns = [model]
        case let list as [String] where !list.isEmpty && list.allSatisfy({ !$0.isEmpty }): patterns = list
        default: throw fail("match", "must be a non-empty list of non-empty patterns (`*` matches any characters)")
        }
        var effectiveFrom: Date?
        if let text = object["effective_from"] {
            guard let text = text as? String, let date = Self.day(text) else { throw fail("effective_from", "must be a date like 2024-07-18") }
            effectiveFrom = date
        }
        guard let usd = object["usd_per_million_tokens"] as? [String: Any] else {
            throw fail("usd_per_million_tokens", "must be an object with input and output prices")
        }
        func price(_ key: String, required: Bool) throws(PriceTableError) -> Double? {
            guard let value = usd[key] else {
                if required { throw fail("usd_per_million_tokens.\(key)", "is missing") }
                return nil
            }
            guard let number = value as? Double ?? (value as? Int).map(Double.init), number >= 0, number.isFinite else {
                throw fail("usd_per_million_tokens.\(key)", "must be a number of US dollars, 0 or more")
            }
            return number
        }
        for key in usd.keys where !["input", "output", "cached_input", "reasoning"].contains(key) {
            throw fail("usd_per_million_tokens.\(key)", "is not a token kind; expected input, output, cached_input or reasoning")
        }
        let prices = Prices(
            input: try price("input", required: true)!,
            output: try price("output", required: true)!,
            cachedInput: try price("cached_input", required: false),
            reasoning: try price("reasoning", required: false)
        )
        return Entry(provider: provider, model: model, patterns: patterns, effectiveFrom: effectiveFrom, prices: prices)
    }

    private static func day(_ text: String) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, text.count == 10 else { return nil }
        let components = DateComponents(year: parts[0], month: parts[1], day: parts[2])
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }
}

/// A price table that cannot be used: which file, which field, what is wrong.
public struct PriceTableError: Error, Sendable, Hashable, CustomStringConvertible {
    public var source: String
    public var field: String
    public var problem: String

    public var description: String {
        field.isEmpty ? "\(source) \(problem)" : "\(source): \(field) \(problem)"
    }
}

/// `*`-only wildcard matching.
enum Glob {
    static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    static func matches(_ text: String, pattern: String) -> Bool {
        guard pattern.contains("*") else { return text == pattern }
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        var rest = Substring(text)
        guard let first = parts.first, rest.hasPrefix(first) else { return false }
        rest = rest.dropFirst(first.count)
        for (index, part) in parts.enumerated().dropFirst() {
            if index == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) }
            guard !part.isEmpty else { continue }
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }
}
