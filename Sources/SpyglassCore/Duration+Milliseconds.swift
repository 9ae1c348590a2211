extension Duration {
    /// Milliseconds, rounded to the microsecond: what reports and the dashboard's API show as `duration_ms`.
    package var roundedMilliseconds: Double {
        let (seconds, attoseconds) = components
        return (Double(seconds) * 1e6 + Double(attoseconds) / 1e12).rounded() / 1_000
    }
}
