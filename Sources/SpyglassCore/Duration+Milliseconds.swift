extension Duration {
    /// Milliseconds, rounded to the microsecond: the one precision of every `duration_ms` Spyglass writes (log
    /// lines, health reports, the dashboard's API).
    package var roundedMilliseconds: Double {
        let (seconds, attoseconds) = components
        return (Double(seconds) * 1e6 + Double(attoseconds) / 1e12).rounded() / 1_000
    }
}
