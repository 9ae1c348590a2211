import Hummingbird
import NIOCore

/// The demo's request context: Hummingbird's basics plus the peer address, which the access log records.
struct DemoRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
