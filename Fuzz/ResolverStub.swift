// Stands in for Sources/Core/Template/Resolver.swift in the template fuzzer: the same API, fixed answers, no
// network, so a fuzzed `lookupIP "…"` costs nothing and gives the same result every run.
enum Resolver {
    static func lookupIP(_ host: String) -> [String] {
        host == "localhost" ? ["127.0.0.1", "::1"] : []
    }

    struct SRVRecord: Sendable {
        var target: String
        var port: Int64
        var priority: Int64
        var weight: Int64
    }

    static func lookupSRV(service: String, proto: String, name: String) -> [SRVRecord] {
        name == "example.com" ? [SRVRecord(target: "a.example.com.", port: 80, priority: 1, weight: 10)] : []
    }
}
