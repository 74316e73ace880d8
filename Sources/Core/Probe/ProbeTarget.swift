import Foundation

/// Where a probe sends its requests, read once from the URL: the address to connect to and the bytes of the one
/// request it repeats.
package struct ProbeTarget: Sendable, Hashable {
    /// The host to connect to (an IPv6 literal without brackets).
    package var host: String
    package var port: Int
    /// The request target: the URL's path and query, `/` when the URL has no path.
    package var path: String
    /// The `Host` header: the host as written in the URL, with the port when the URL names one.
    package var hostHeader: String

    /// `host:port` as people write it (`[::1]:8080` for IPv6), for messages.
    package var authority: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Reads an `http://HOST[:PORT][/PATH][?QUERY]` URL.
    /// - Throws: `ProbeError` naming the URL when it is not plain `http://` with a host (the probe speaks HTTP/1.1
    ///   without TLS: it measures nginx's own listener).
    package init(url: String) throws(ProbeError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw ProbeError("\(url) is not an http:// URL with a host")
        }
        guard scheme == "http" else {
            throw ProbeError("\(url): the probe speaks plain http:// only (probe nginx's http listener)")
        }
        var host = components.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ProbeError("\(url) is not an http:// URL with a host") }
        let port = components.port ?? 80
        guard (1...65535).contains(port) else { throw ProbeError("\(url): port \(port) is out of range") }
        var path = components.percentEncodedPath
        if path.isEmpty { path = "/" }
        if let query = components.percentEncodedQuery { path += "?" + query }
        let written = host.contains(":") ? "[\(host)]" : host
        self.host = host
        self.port = port
        self.path = path
        self.hostHeader = components.port == nil ? written : "\(written):\(port)"
    }
}
