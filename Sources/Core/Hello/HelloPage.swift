/// What the hello backend answers for a path (pure, so it can be tested without sockets).
public struct HelloPage: Sendable, Hashable {
    public var status: Int
    public var contentType: String
    public var body: String

    /// `/health` is 200 `ok`; every other path is the hello page naming `name`.
    public static func answer(path: String, name: String) -> HelloPage {
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
