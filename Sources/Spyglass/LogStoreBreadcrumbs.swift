import Foundation
import SpyglassCore
import SpyglassDashboard
import SpyglassSentry

/// An event's breadcrumbs from the lines kept in process: those of its trace (or, without one, its request) written
/// before it, read back from their JSON as they were written, redacted.
struct LogStoreBreadcrumbs: BreadcrumbSource {
    let store: LogStore

    func breadcrumbs(traceID: String?, requestID: String?, before nanoseconds: UInt64, limit: Int) -> [SentryEvent.Breadcrumb] {
        let trace = traceID.flatMap(Hex.traceID)
        guard trace != nil || requestID != nil else { return [] }
        let lines =
            if let trace {
                store.newest(limit, inTrace: trace.high, trace.low, before: nanoseconds)
            } else {
                store.newest(limit) { $0.timestampNanoseconds < nanoseconds && $0.requestID == requestID }
            }
        return lines.reversed().compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.line)) as? [String: Any],
                let message = object["message"] as? String
            else { return nil }
            return SentryEvent.Breadcrumb(
                timestamp: Double(line.timestampNanoseconds) / 1e9,
                category: object["logger"] as? String ?? "log",
                level: line.level,
                message: message
            )
        }
    }
}
