import SpyglassCore

/// The text formats a registry renders, chosen from a scrape's `Accept` header.
public enum ExpositionFormat: Sendable, Hashable {
    /// Prometheus text format 0.0.4: what every scraper reads; no exemplars.
    case prometheusText
    /// OpenMetrics 1.0 text: counters and histogram buckets carry exemplars; ends with `# EOF`.
    case openMetrics

    /// The `Content-Type` to answer with.
    public var contentType: String {
        switch self {
        case .prometheusText: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// The format a scraper asks for: OpenMetrics when `accept` lists `application/openmetrics-text` with a
    /// quality at least as high as any text format it accepts (Prometheus sends exactly that), otherwise text
    /// 0.0.4, which is also the answer to a missing or unparsable header.
    public init(accept: String?) {
        guard let accept else {
            self = .prometheusText
            return
        }
        var openMetricsQuality = -1.0
        var otherQuality = -1.0
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingWhitespace() }
            guard let mediaType = parts.first?.lowercased() else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
                if pair.count == 2, pair[0].lowercased() == "q", let value = Double(pair[1]) { quality = value }
            }
            guard quality > 0 else { continue }
            if mediaType == "application/openmetrics-text" {
                openMetricsQuality = max(openMetricsQuality, quality)
            } else {
                otherQuality = max(otherQuality, quality)
            }
        }
        self = openMetricsQuality >= 0 && openMetricsQuality >= otherQuality ? .openMetrics : .prometheusText
    }
}
