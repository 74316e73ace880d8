import Foundation

/// The JSON shapes of etcd's v3 gateway. Keys and values are base64, 64-bit numbers are strings, and zero
/// fields are omitted, so every field is optional.
enum EtcdWire {
    struct Header: Decodable { var revision: String? }

    struct KeyValue: Decodable {
        var key: String?
        var value: String?
        var modRevision: String?
        var lease: String?

        enum CodingKeys: String, CodingKey {
            case key, value, lease
            case modRevision = "mod_revision"
        }
    }

    struct RangeResponse: Decodable {
        var header: Header?
        var kvs: [KeyValue]?
        var more: Bool?
    }

    struct Event: Decodable {
        var type: String?
        var kv: KeyValue?
    }

    struct WatchResult: Decodable {
        var header: Header?
        var created: Bool?
        var canceled: Bool?
        var compactRevision: String?
        var events: [Event]?

        enum CodingKeys: String, CodingKey {
            case header, created, canceled, events
            case compactRevision = "compact_revision"
        }
    }

    struct WatchLine: Decodable {
        var result: WatchResult?
        var error: ErrorBody?
    }

    struct LeaseAnswer: Decodable {
        var ID: String?
        var TTL: String?
    }

    struct KeepAliveAnswer: Decodable { var result: LeaseAnswer? }

    struct AuthAnswer: Decodable { var token: String? }

    struct ErrorBody: Decodable {
        var error: String?
        var message: String?
        var code: Int?
    }

    /// Snake-case names are spelled out in `CodingKeys`: a key conversion strategy would rewrite every key of every
    /// watch line, which showed as a quarter of the per-change cost with few keys.
    static let decoder = JSONDecoder()

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    static func decode64(_ text: String?) -> String {
        guard let text, let data = Data(base64Encoded: text) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The end of the range holding every key that starts with `prefix` (etcd's "prefix + 1"), base64.
    static func rangeEnd(forPrefix prefix: String) -> String {
        Data(rangeEndBytes(forPrefix: prefix)).base64EncodedString()
    }

    /// The raw bytes of `rangeEnd(forPrefix:)`: `[0]` means every key from the start on.
    static func rangeEndBytes(forPrefix prefix: String) -> [UInt8] {
        var bytes = Array(prefix.utf8)
        while let last = bytes.last {
            if last < 0xff {
                bytes[bytes.count - 1] = last + 1
                return bytes
            }
            bytes.removeLast()
        }
        return [0]
    }

    /// The key where a prefix range starts, base64 (`\0` for the empty prefix: every key).
    static func rangeStart(forPrefix prefix: String) -> String {
        prefix.isEmpty ? Data([0]).base64EncodedString() : base64(prefix)
    }

    /// Store events from one watch result, keeping only keys under one of `prefixes`.
    static func storeEvents(_ result: WatchResult, prefixes: [String]) -> [StoreEvent] {
        let events = (result.events ?? []).sorted {
            Int64($0.kv?.modRevision ?? "0") ?? 0 < Int64($1.kv?.modRevision ?? "0") ?? 0
        }
        return events.compactMap { event -> StoreEvent? in
            let key = decode64(event.kv?.key)
            guard prefixes.isEmpty || prefixes.contains(where: { key.hasPrefix($0) }) else { return nil }
            if event.type == "DELETE" { return .delete(key: key) }
            return .put(key: key, value: decode64(event.kv?.value))
        }
    }
}
