import Foundation
import GoText

#if canImport(Glibc)
    import Glibc
#endif

/// Name lookups for `lookupIP*` and `lookupSRV`. As in confd, a failed lookup gives an empty list.
enum Resolver {
    /// Whether lookups give fixed answers instead of asking the network: so in the fuzzer (scripts/fuzz builds with
    /// `-D SWITCHBOARD_FUZZ`), where a fuzzed `lookupIP "…"` must cost nothing and answer the same every run.
    #if SWITCHBOARD_FUZZ
        private static let fixedAnswers = true
    #else
        private static let fixedAnswers = false
    #endif

    /// Every address of `host`, IPv4 and IPv6, without duplicates.
    static func lookupIP(_ host: String) -> [String] {
        if fixedAnswers { return host == "localhost" ? ["127.0.0.1", "::1"] : [] }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            if entry.pointee.ai_family == AF_INET, let address = entry.pointee.ai_addr {
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    var raw = pointer.pointee.sin_addr
                    inet_ntop(AF_INET, &raw, &buffer, socklen_t(buffer.count))
                }
            } else if entry.pointee.ai_family == AF_INET6, let address = entry.pointee.ai_addr {
                address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    var raw = pointer.pointee.sin6_addr
                    inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count))
                }
            }
            let text = String(cString: buffer)
            if !text.isEmpty, !addresses.contains(text) { addresses.append(text) }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }

    struct SRVRecord: Sendable {
        var target: String
        var port: Int64
        var priority: Int64
        var weight: Int64
    }

    /// `_service._proto.name` SRV records, asked of the first name server in /etc/resolv.conf over UDP, sorted as
    /// confd sorts them (by target, port, priority, weight printed together).
    static func lookupSRV(service: String, proto: String, name: String) -> [SRVRecord] {
        if fixedAnswers {
            return name == "example.com" ? [SRVRecord(target: "a.example.com.", port: 80, priority: 1, weight: 10)] : []
        }
        let query = service.isEmpty && proto.isEmpty ? name : "_\(service)._\(proto).\(name)"
        guard let server = nameServer(), let answer = exchange(query: query, server: server) else { return [] }
        let records = parseSRV(answer)
        return records.sorted { a, b in
            GoFormat.goLess(
                "\(a.target)\(a.port)\(a.priority)\(a.weight)", "\(b.target)\(b.port)\(b.priority)\(b.weight)")
        }
    }

    private static func nameServer() -> String? {
        guard let text = try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count >= 2, fields[0] == "nameserver", !fields[1].contains(":") { return String(fields[1]) }
        }
        return nil
    }

    private static func exchange(query: String, server: String) -> [UInt8]? {
        var packet: [UInt8] = [0x5B, 0x17, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        for label in query.split(separator: ".") {
            let bytes = Array(label.utf8)
            guard bytes.count < 64 else { return nil }
            packet.append(UInt8(bytes.count))
            packet += bytes
        }
        packet += [0, 0, 33, 0, 1]
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(53).bigEndian
        guard inet_pton(AF_INET, server, &address.sin_addr) == 1 else { return nil }
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(descriptor, packet, packet.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard sent == packet.count else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        guard count > 12, buffer[0] == 0x5B, buffer[1] == 0x17 else { return nil }
        return Array(buffer[0..<count])
    }

    private static func parseSRV(_ message: [UInt8]) -> [SRVRecord] {
        func u16(_ at: Int) -> Int { at + 1 < message.count ? Int(message[at]) << 8 | Int(message[at + 1]) : 0 }
        func readName(_ start: Int) -> (String, Int) {
            var labels: [String] = []
            var position = start
            var end = -1
            var jumps = 0
            while position < message.count {
                let length = Int(message[position])
                if length == 0 {
                    position += 1
                    break
                }
                if length & 0xC0 == 0xC0 {
                    if end < 0 { end = position + 2 }
                    position = (length & 0x3F) << 8 | Int(message[min(position + 1, message.count - 1)])
                    jumps += 1
                    if jumps > 20 { break }
                    continue
                }
                let from = position + 1
                let to = min(from + length, message.count)
                labels.append(String(decoding: message[from..<to], as: UTF8.self))
                position = to
            }
            return (labels.joined(separator: ".") + ".", end >= 0 ? end : position)
        }
        guard message[3] & 0x0F == 0 else { return [] }
        let questions = u16(4)
        let answers = u16(6)
        var position = 12
        for _ in 0..<questions { position = readName(position).1 + 4 }
        var records: [SRVRecord] = []
        for _ in 0..<answers {
            guard position < message.count else { break }
            position = readName(position).1
            let type = u16(position)
            let length = u16(position + 8)
            let data = position + 10
            if type == 33, data + 6 <= message.count {
                let target = readName(data + 6).0
                records.append(
                    SRVRecord(
                        target: target, port: Int64(u16(data + 4)), priority: Int64(u16(data)),
                        weight: Int64(u16(data + 2))))
            }
            position = data + length
        }
        return records
    }
}
