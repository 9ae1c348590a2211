import Instrumentation
import Logging
import SpyglassCore
import Tracing

/// Queues each event as an OTLP log record, with the trace and span ids of the span it was logged in.
///
/// `Spyglass.bootstrap` puts it behind a `ForwardingLogHandler`, which adds the request's context and redacts, so
/// it takes the event's metadata as it comes and lets every level through.
struct OTLPLogHandler: LogHandler {
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    let exporter: OTLPBatchExporter<OTLPLogEntry>

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let own = event.metadata { all.merge(own) { $1 } }
        exporter.enqueue(OTLPLogEntry(
            nanosecondsSinceEpoch: DefaultTracerClock.now.nanosecondsSinceEpoch,
            level: event.level,
            message: event.message.description,
            metadata: all,
            span: ServiceContext.current?.spanIdentity,
            file: event.file,
            function: event.function,
            line: event.line
        ))
    }
}
