/// A backend's `host:port`, validated so that it can be written into an nginx `server` line and nothing else.
///
/// Accepted: a dotted IPv4 address, a bracketed IPv6 address (`[::1]:80`), or a DNS name (letters, digits,
/// `-`, `.`; labels of 1–63 characters not starting or ending with `-`), then `:` and a port 1–65535.
/// Everything else — spaces, `;`, `{`, quotes, a missing port — is refused, which is what keeps a value in the
/// store from injecting nginx configuration.
package struct BackendAddress: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    package var port: Int

    /// - Throws: `BackendAddressError` naming the value and what is wrong with it.
    package init(parsing text: String) throws {
        guard let colon = text.lastIndex(of: ":") else {
            throw BackendAddressError(value: text, reason: "expected host:port")
        }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let port = Int(portText), (1...65535).contains(port)
        else {
            throw BackendAddressError(value: text, reason: "port must be a number from 1 to 65535")
        }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else {
                throw BackendAddressError(value: text, reason: "an IPv6 address must be written [address]:port")
            }
            let inner = host.dropFirst().dropLast()
            guard Self.isIPv6(inner) else {
                throw BackendAddressError(value: text, reason: "'\(inner)' is not an IPv6 address")
            }
        } else if host.contains(":") {
            throw BackendAddressError(value: text, reason: "an IPv6 address must be written [address]:port")
        } else if host.isEmpty {
            throw BackendAddressError(value: text, reason: "the host is empty")
        } else if Self.looksNumeric(host) {
            guard Self.isIPv4(host) else {
                throw BackendAddressError(value: text, reason: "'\(host)' is not an IPv4 address")
            }
        } else {
            guard Self.isDNSName(host) else {
                throw BackendAddressError(
                    value: text, reason: "'\(host)' is not a host name (letters, digits, '-' and '.' only)")
            }
            host = host.hasSuffix(".") ? String(host.dropLast()) : host
        }
        self.host = host
        self.port = port
    }

    /// `host:port` as nginx expects it.
    package var description: String { "\(host):\(port)" }

    /// True when `text` parses.
    package static func isValid(_ text: String) -> Bool { (try? BackendAddress(parsing: text)) != nil }

    private static func looksNumeric(_ host: String) -> Bool {
        host.allSatisfy { $0 == "." || ($0.isASCII && $0.isNumber) }
    }

    private static func isIPv4(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                !part.isEmpty && part.count <= 3 && Int(part).map { $0 <= 255 } == true
            }
    }

    private static func isIPv6<S: StringProtocol>(_ text: S) -> Bool {
        guard text.count >= 2, text.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
        let doubleColons = text.components(separatedBy: "::").count - 1
        guard doubleColons <= 1 else { return false }
        let groups = text.split(separator: ":", omittingEmptySubsequences: true)
        var count = 0
        for (index, group) in groups.enumerated() {
            if group.contains(".") {
                // An embedded IPv4 address may only end the address and counts as two groups.
                guard index == groups.count - 1, isIPv4(String(group)) else { return false }
                count += 2
            } else {
                guard group.count <= 4 else { return false }
                count += 1
            }
        }
        return doubleColons == 1 ? count < 8 : count == 8
    }

    private static func isDNSName(_ host: String) -> Bool {
        let name = host.hasSuffix(".") ? host.dropLast() : Substring(host)
        guard !name.isEmpty, name.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}

/// A value that is not a usable `host:port`.
package struct BackendAddressError: Error, Sendable, Hashable, CustomStringConvertible {
    package var value: String
    package var reason: String

    package var description: String {
        "invalid address \"\(value)\": \(reason)"
    }
}
