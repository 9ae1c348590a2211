extension Duration {
    /// Milliseconds to two decimals, as the `duration_ms` of a log line.
    var logMilliseconds: Double { (self / .milliseconds(1) * 100).rounded() / 100 }
}
