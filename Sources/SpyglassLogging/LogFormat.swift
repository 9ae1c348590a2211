/// How log lines are written to standard output.
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
    /// One JSON object per line, for machines (Loki, Elasticsearch, `jq`). The default.
    case json
    /// Aligned `key=value` lines for people, coloured when standard output is a terminal.
    case console
}
