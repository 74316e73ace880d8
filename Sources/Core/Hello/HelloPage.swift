/// What the hello backend answers for a path (pure, so it can be tested without sockets).
package struct HelloPage: Sendable, Hashable {
    package var status: Int
    package var contentType: String
    package var body: String
    /// How long to wait before answering: `?delay=MS` (at most a minute), so that a drain has a request in flight to
    /// finish.
    package var delayMilliseconds: Int = 0

    /// `/health` is 200 `ok`; every other path is the hello page naming `name`.
    package static func answer(path: String, name: String) -> HelloPage {
        var page = page(path: path, name: name)
        if let query = path.split(separator: "?", maxSplits: 1).dropFirst().first {
            for pair in query.split(separator: "&") where pair.hasPrefix("delay=") {
                page.delayMilliseconds = min(60_000, max(0, Int(pair.dropFirst("delay=".count)) ?? 0))
            }
        }
        return page
    }

    private static func page(path: String, name: String) -> HelloPage {
        let bare = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        if bare == "/health" {
            return HelloPage(status: 200, contentType: "text/plain; charset=utf-8", body: "ok\n")
        }
        let escaped = name.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        let body = """
            <!DOCTYPE html>
            <html><head><title>Hello world!</title></head>
            <body><h1>Hello world!</h1><h3>My hostname is \(escaped)</h3></body></html>

            """
        return HelloPage(status: 200, contentType: "text/html; charset=utf-8", body: body)
    }
}
