import Foundation
public import SpyglassHealth

/// Where the health endpoints are served.
public struct HealthEndpointPaths: Sendable, Hashable {
    /// The last known results, running no check: fast enough for any poller.
    public var health: [String]
    /// The process is alive; never asks a dependency (a liveness probe that did would restart healthy pods when a
    /// database is down).
    public var live: [String]
    /// Critical checks healthy and no shutdown under way.
    public var ready: [String]
    /// Every check, run concurrently.
    public var detailed: [String]
    /// Machine, process and build information; `nil` serves none.
    public var info: String?

    public init(health: [String], live: [String], ready: [String], detailed: [String], info: String?) {
        self.health = health
        self.live = live
        self.ready = ready
        self.detailed = detailed
        self.info = info
    }

    /// `/health`, `/health/live` and `/livez`, `/health/ready` and `/readyz`, `/health/detailed`, `/monitoring/info`.
    public static let standard = HealthEndpointPaths(
        health: ["/health"],
        live: ["/health/live", "/livez"],
        ready: ["/health/ready", "/readyz"],
        detailed: ["/health/detailed"],
        info: "/monitoring/info"
    )

    /// Seed 001's layout: `/monitoring/health` (every check), `/monitoring/health/live`, `/monitoring/health/ready`,
    /// `/monitoring/info`.
    public static let monitoring = HealthEndpointPaths(
        health: [],
        live: ["/monitoring/health/live"],
        ready: ["/monitoring/health/ready"],
        detailed: ["/monitoring/health"],
        info: "/monitoring/info"
    )

    /// Top-level probes: `/health` (every check), `/live`, `/ready`.
    public static let probes = HealthEndpointPaths(health: [], live: ["/live"], ready: ["/ready"], detailed: ["/health"], info: nil)
}

/// Who sees the messages and details of health checks (error texts, hosts, sizes). Everyone sees each check's
/// status.
public enum HealthDetailsAccess: Sendable, Hashable {
    /// No one: the default, since a dependency's error text tells an attacker what is inside.
    case hidden
    /// Everyone, as on a port only operators reach.
    case visible
    /// Callers presenting the credential; others get the report without details.
    case credential(EndpointCredential)

    func allows(_ headers: any HTTPHeaderLookup) -> Bool {
        switch self {
        case .hidden: false
        case .visible: true
        case .credential(let credential): credential.accepts(headers.firstValue(named: HTTPHeaderName.authorization))
        }
    }
}

extension SpyglassRoute {
    /// `monitor`'s liveness, readiness and detailed reports (200 when up, 503 when down) at `paths`, and `info` at
    /// `paths.info`.
    ///
    /// Exclude these paths from the middleware (`excludedPaths: ["/health*", "/livez", "/readyz"]`) if probes
    /// should not count as traffic; the one-call set-up (``SpyglassHTTPSetup``) does.
    public static func health(
        _ monitor: HealthMonitor,
        paths: HealthEndpointPaths = .standard,
        details: HealthDetailsAccess = .hidden,
        info: SystemInfo? = nil
    ) -> [SpyglassRoute] {
        func serve(_ paths: [String], _ report: @escaping @Sendable () async -> HealthReport) -> [SpyglassRoute] {
            paths.map { path in
                SpyglassRoute(path) { request in
                    let report = await report()
                    return json(report.json(includingDetails: details.allows(request.headers)), status: report.httpStatus)
                }
            }
        }
        var routes = serve(paths.health) { monitor.lastKnown() }
        routes += serve(paths.live) { monitor.liveness() }
        routes += serve(paths.ready) { await monitor.readiness() }
        routes += serve(paths.detailed) { await monitor.detailed() }
        if let info, let path = paths.info {
            routes.append(SpyglassRoute(path) { request in
                guard details.allows(request.headers) else {
                    if case .credential(let credential) = details {
                        return SpyglassEndpointResponse(status: 401, headers: [("WWW-Authenticate", credential.challenge(realm: "monitoring"))])
                    }
                    return SpyglassEndpointResponse(status: 404)
                }
                return json(info.json(), status: 200)
            })
        }
        return routes
    }

    /// A JSON answer that no cache keeps: health changes from one probe to the next.
    private static func json(_ body: Data, status: Int) -> SpyglassEndpointResponse {
        SpyglassEndpointResponse(status: status, headers: [("Content-Type", "application/json"), ("Cache-Control", "no-store")], body: Array(body))
    }
}
