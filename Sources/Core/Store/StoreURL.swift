import Foundation

/// Where a store lives, parsed from `etcd://h1:2379,h2:2379`, `etcds://…`, `file:PATH` or `env:`.
package enum StoreURL: Sendable, Hashable, CustomStringConvertible {
    /// etcd members as `host:port`, with TLS for `etcds://`, and optional `user:password@`; `tlsFiles` are the
    /// `?cert=PATH&key=PATH&ca=PATH` options of an `etcds://` URL.
    case etcd(endpoints: [String], tls: Bool, user: String?, password: String?, tlsFiles: EtcdTLSFiles = .init())
    case file(path: String)
    case env

    /// Parses a store URL; the error names the part that is wrong.
    package static func parse(_ text: String) throws -> StoreURL {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("file:") {
            var path = String(trimmed.dropFirst("file:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else {
                throw StoreURLError(url: text, reason: "file: needs a path, e.g. file:store.yaml")
            }
            return .file(path: path)
        }
        if trimmed == "env:" || trimmed == "env" { return .env }
        let tls: Bool
        var rest: Substring
        if trimmed.hasPrefix("etcd://") {
            tls = false
            rest = trimmed.dropFirst("etcd://".count)
        } else if trimmed.hasPrefix("etcds://") {
            tls = true
            rest = trimmed.dropFirst("etcds://".count)
        } else {
            throw StoreURLError(
                url: text, reason: "the scheme is not one of etcd://, etcds://, file: or env:")
        }
        var tlsFiles = EtcdTLSFiles()
        if let question = rest.firstIndex(of: "?") {
            tlsFiles = try parseOptions(rest[rest.index(after: question)...], url: text)
            rest = rest[..<question]
            guard tls || tlsFiles.isEmpty else {
                throw StoreURLError(url: text, reason: "cert, key and ca are TLS options: use etcds://")
            }
        }
        var hosts = rest
        var user: String? = nil
        var password: String? = nil
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            hosts = rest[rest.index(after: at)...]
            let parts = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            user = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            password = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : nil
            guard user?.isEmpty == false else {
                throw StoreURLError(url: text, reason: "the user name before @ is empty")
            }
        }
        if hosts.hasSuffix("/") { hosts = hosts.dropLast() }
        var endpoints: [String] = []
        for part in hosts.split(separator: ",", omittingEmptySubsequences: false) {
            let member = String(part)
            guard let address = try? BackendAddress(parsing: member) else {
                throw StoreURLError(
                    url: text, reason: "member \"\(member)\" is not host:port with a port from 1 to 65535")
            }
            endpoints.append(address.description)
        }
        return .etcd(endpoints: endpoints, tls: tls, user: user, password: password, tlsFiles: tlsFiles)
    }

    /// `cert=PATH&key=PATH&ca=PATH` (values percent-decoded); any other option is an error.
    private static func parseOptions(_ query: Substring, url: String) throws -> EtcdTLSFiles {
        var files = EtcdTLSFiles()
        for option in query.split(separator: "&") {
            let parts = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            let raw = parts.count > 1 ? String(parts[1]) : ""
            let value = raw.removingPercentEncoding ?? raw
            guard !value.isEmpty else {
                throw StoreURLError(
                    url: url, reason: "option \(name) needs a file path, e.g. \(name)=/etc/etcd/\(name).pem")
            }
            switch name {
            case "cert": files.certificate = value
            case "key": files.key = value
            case "ca": files.ca = value
            default:
                throw StoreURLError(url: url, reason: "unknown option \"\(name)\" (use cert=, key= and ca=)")
            }
        }
        return files
    }

    /// The URL with any password replaced by `***`.
    package var description: String {
        switch self {
        case .etcd(let endpoints, let tls, let user, let password, let files):
            let credentials = user.map { $0 + (password == nil ? "" : ":***") + "@" } ?? ""
            let options = [("cert", files.certificate), ("key", files.key), ("ca", files.ca)].compactMap { option in
                option.1.map { "\(option.0)=\($0)" }
            }
            return (tls ? "etcds://" : "etcd://") + credentials + endpoints.joined(separator: ",")
                + (options.isEmpty ? "" : "?" + options.joined(separator: "&"))
        case .file(let path): return "file:\(path)"
        case .env: return "env:"
        }
    }
}

/// A store URL that cannot be used, with the reason (the password is never repeated).
package struct StoreURLError: Error, Sendable, Hashable, CustomStringConvertible {
    package var url: String
    package var reason: String

    package init(url: String, reason: String) {
        self.url = StoreURLError.redacted(url)
        self.reason = reason
    }

    package var description: String { "store URL \"\(url)\": \(reason)" }

    static func redacted(_ url: String) -> String {
        guard let scheme = url.firstRange(of: "://"), let at = url.lastIndex(of: "@"), scheme.upperBound < at else {
            return url
        }
        let credentials = url[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}
