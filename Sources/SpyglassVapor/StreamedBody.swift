import NIOCore
import SpyglassHTTP
import Synchronization
import Vapor

/// A streamed response body whose bytes are counted as they are written, and whose end is reported once.
///
/// Vapor keeps a body's stream in internal storage and offers no public way to wrap it, so the stream is read by
/// reflection. If a later Vapor changes that layout, ``counting(_:counter:finished:)`` returns `nil` and the
/// middleware records the request when the handler returns, with the body's declared length
/// (`StreamedBodyTests` fail first).
enum StreamedBody {
    static func counting(
        _ body: Response.Body,
        counter: ByteCounter,
        finished: @escaping @Sendable ((any Error)?) -> Void
    ) -> Response.Body? {
        guard let storage = Mirror(reflecting: body).children.first(where: { $0.label == "storage" })?.value,
            let (kind, stream) = Mirror(reflecting: storage).children.first.map({ ($0.label, $0.value) }),
            let fields = Optional(Mirror(reflecting: stream).children),
            let count = fields.first(where: { $0.label == "count" })?.value as? Int,
            let callback = fields.first(where: { $0.label == "callback" })?.value
        else { return nil }
        let completion = Completion(finished)
        switch kind {
        case "stream":
            guard let callback = callback as? (any BodyStreamWriter) -> Void else { return nil }
            let unchecked = UncheckedCallback(callback: callback)
            return Response.Body(stream: { writer in
                unchecked.callback(CountingWriter(parent: writer, counter: counter, completion: completion))
            }, count: count)
        case "asyncStream":
            guard let callback = callback as? (any AsyncBodyStreamWriter) async throws -> Void else { return nil }
            let unchecked = UncheckedAsyncCallback(callback: callback)
            return Response.Body(asyncStream: { writer in
                do {
                    try await unchecked.callback(CountingAsyncWriter(parent: writer, counter: counter, completion: completion))
                } catch {
                    completion.finish(error)
                    throw error
                }
            }, count: count)
        default:
            return nil
        }
    }

    /// Reports the end of a body once, whichever of its end, its error or a thrown error comes first.
    final class Completion: Sendable {
        private let reported = Atomic<Bool>(false)
        private let finished: @Sendable ((any Error)?) -> Void

        init(_ finished: @escaping @Sendable ((any Error)?) -> Void) {
            self.finished = finished
        }

        func finish(_ error: (any Error)?) {
            guard !reported.exchange(true, ordering: .acquiringAndReleasing) else { return }
            finished(error)
        }

        func observe(_ result: BodyStreamResult, counter: ByteCounter) {
            switch result {
            case .buffer(let buffer): counter.add(buffer.readableBytes)
            case .end: finish(nil)
            case .error(let error): finish(error)
            }
        }
    }

    // The callbacks Vapor stored were `@Sendable`; reflection hands them back without the attribute.
    private struct UncheckedCallback: @unchecked Sendable {
        let callback: (any BodyStreamWriter) -> Void
    }

    private struct UncheckedAsyncCallback: @unchecked Sendable {
        let callback: (any AsyncBodyStreamWriter) async throws -> Void
    }

    private struct CountingWriter: BodyStreamWriter {
        let parent: any BodyStreamWriter
        let counter: ByteCounter
        let completion: Completion

        var eventLoop: any EventLoop { parent.eventLoop }

        func write(_ result: BodyStreamResult, promise: EventLoopPromise<Void>?) {
            parent.write(result, promise: promise)
            completion.observe(result, counter: counter)
        }
    }

    private struct CountingAsyncWriter: AsyncBodyStreamWriter {
        let parent: any AsyncBodyStreamWriter
        let counter: ByteCounter
        let completion: Completion

        func write(_ result: BodyStreamResult) async throws {
            try await parent.write(result)
            completion.observe(result, counter: counter)
        }
    }
}
