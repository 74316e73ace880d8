import Foundation

/// The smallest single key range covering several prefixes (base64 for the gateway). Events outside the
/// prefixes are filtered out after the watch delivers them.
struct EtcdWatchRange: Equatable {
    var key: String
    var rangeEnd: String

    init(prefixes: [String]) {
        let list = prefixes.isEmpty ? [""] : prefixes
        let lowest = list.min() ?? ""
        let ends = list.map { Array(EtcdWire.rangeEndBytes(forPrefix: $0)) }
        // [0] means "to the end of the keyspace" and wins over everything.
        let end = ends.contains([0]) ? [UInt8(0)] : (ends.max { $0.lexicographicallyPrecedes($1) } ?? [0])
        key = EtcdWire.rangeStart(forPrefix: lowest)
        rangeEnd = Data(end).base64EncodedString()
    }
}
