import Foundation
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
        guard let layout = BodyLayout(body) else { return nil }
        let completion = Completion(finished)
        switch layout.storage {
        case .stream(let stream):
            return Response.Body(stream: { writer in
                stream.callback(CountingWriter(parent: writer, counter: counter, completion: completion))
            }, count: stream.count)
        case .asyncStream(let stream):
            return Response.Body(asyncStream: { writer in
                do {
                    try await stream.callback(CountingAsyncWriter(parent: writer, counter: counter, completion: completion))
                } catch {
                    completion.finish(error)
                    throw error
                }
            }, count: stream.count)
        default:
            return nil
        }
    }

    /// `Response.Body` as Vapor 4.122 declares it (`Response+Body.swift`): the same stored properties, cases and
    /// payloads in the same order, so the same layout. The closures are read as their own types: one that `Mirror`
    /// hands out crashes when called. Before the body is reinterpreted, `Mirror` must show these names and
    /// the sizes must agree; a Vapor that changed them gets `nil`, never a wrong read.
    private struct BodyLayout {
        enum Storage {
            case none
            case buffer(ByteBuffer)
            case data(Data)
            case dispatchData(DispatchData)
            case staticString(StaticString)
            case string(String)
            case stream(BlockingStream)
            case asyncStream(AsyncStream)
        }

        struct BlockingStream {
            let count: Int
            let callback: @Sendable (any BodyStreamWriter) -> Void
        }

        struct AsyncStream {
            let count: Int
            let callback: @Sendable (any AsyncBodyStreamWriter) async throws -> Void
        }

        let storage: Storage
        let byteBufferAllocator: ByteBufferAllocator

        init?(_ body: Response.Body) {
            let fields = Mirror(reflecting: body).children
            guard fields.map(\.label) == ["storage", "byteBufferAllocator"],
                let storage = fields.first?.value,
                let (kind, stream) = Mirror(reflecting: storage).children.first.map({ ($0.label, $0.value) }),
                kind == "stream" || kind == "asyncStream",
                Mirror(reflecting: stream).children.map(\.label) == ["count", "callback"],
                MemoryLayout<Response.Body>.size == MemoryLayout<BodyLayout>.size,
                MemoryLayout<Response.Body>.stride == MemoryLayout<BodyLayout>.stride,
                MemoryLayout<Response.Body>.alignment == MemoryLayout<BodyLayout>.alignment
            else { return nil }
            let layout = unsafeBitCast(body, to: BodyLayout.self)
            let read: Int? = switch (kind, layout.storage) {
            case ("stream", .stream(let stream)): stream.count
            case ("asyncStream", .asyncStream(let stream)): stream.count
            default: nil
            }
            guard let read, read == Mirror(reflecting: stream).children.first?.value as? Int else { return nil }
            self = layout
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
