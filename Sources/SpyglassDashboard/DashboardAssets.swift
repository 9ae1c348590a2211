/// The dashboard's page, script and styles (`Dashboard/Assets/`, embedded in the binary by SwiftPM), and the login.
package enum DashboardAssets {
    package static let page = String(decoding: PackageResources.index_html, as: UTF8.self)
    package static let script = String(decoding: PackageResources.app_js, as: UTF8.self)
    package static let styles = String(decoding: PackageResources.app_css, as: UTF8.self)

    /// The login form: the token goes to `/spyglass/login?t=`, as in the link the service logs.
    package static func login(failed: Bool) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Spyglass · log in</title><link rel="stylesheet" href="/spyglass/app.css"></head>
        <body><form class="login" method="get" action="/spyglass/login">
        <h1>Spyglass</h1>
        \(failed ? "<p class=\"failed\">That token does not open this dashboard.</p>" : "")
        <p>Enter the dashboard token. In development the service logs a login link at start (<code>dashboard_ready</code>); elsewhere it is <code>SPYGLASS_DASHBOARD_TOKEN</code>.</p>
        <input name="t" type="password" autocomplete="current-password" aria-label="Token" autofocus>
        <button type="submit">Log in</button>
        </form></body></html>
        """
    }
}
