import Foundation
import GoText

/// What one engine says it has applied for one resource: "engine E has the store as of revision R live for
/// resource X (the keys under these prefixes), and the apply ended so". Published under
/// `/_switchboard/applied/ENGINE/RESOURCE`, attached to the engine's own lease, so an engine that dies drops out
/// when its lease expires.
///
/// This is how a leaving backend learns that no nginx routes to it any more (`AppliedBarrier`), and how
/// `switchboard backends` counts the engines that route to each backend.
package struct AppliedAcknowledgement: Sendable, Hashable, Codable {
    /// The whole `/_switchboard/` namespace is Switchboard's: the engine's mirror hides it from every resource (even
    /// one that watches `/`) and from change detection, so publishing an acknowledgement never causes an apply.
    package static let reservedPrefix = "/_switchboard/"
    /// Where acknowledgements live: `/_switchboard/applied/ENGINE/RESOURCE`.
    package static let prefix = reservedPrefix + "applied/"

    /// Who publishes: `HOST-PID` unless configured; never contains `/`.
    package var engine: String
    /// The resource's name (its toml path under conf.d).
    package var resource: String
    /// The store revision the live config was rendered from; 0 while the resource has not been applied yet.
    package var revision: Int64
    /// How the apply ended (`applied`, `unchanged`, `check failed`...), or `pending` before the first apply.
    package var result: String
    /// The key prefixes the resource renders: a key under one of them can be in its config.
    package var prefixes: [String]
    /// When the apply ended, as seconds since 1970.
    package var time: Double

    package init(engine: String, resource: String, revision: Int64, result: String, prefixes: [String], time: Double) {
        self.engine = engine
        self.resource = resource
        self.revision = revision
        self.result = result
        self.prefixes = prefixes
        self.time = time
    }

    /// The result word before a resource's first apply.
    package static let pending = "pending"

    /// True when the config rendered at `revision` is live: the apply wrote it (and reloaded), or found it already
    /// in place. A failed check, a rollback or `-noop` leave the previous config live, so they do not count.
    package var isLive: Bool {
        result == ApplyResult.applied.description || result == ApplyResult.unchanged.description
    }

    /// True when `key` can be in this resource's config.
    package func covers(_ key: String) -> Bool {
        prefixes.contains { key.utf8.starts(with: $0.utf8) }
    }

    /// The store key this acknowledgement is published under.
    package var key: String { Self.prefix + engine + "/" + resource }

    /// True when `key` is in Switchboard's reserved namespace.
    package static func isReserved(_ key: String) -> Bool {
        key.utf8.starts(with: reservedPrefix.utf8)
    }

    /// Whether a store key (as bytes) is under the reserved prefix.
    package static func isReserved(_ key: GoString) -> Bool {
        key.hasPrefix(reservedPrefix)
    }

    /// The value as stored: one line of JSON.
    package var encoded: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Reads a stored value; `nil` when it is not an acknowledgement (it is skipped, not trusted).
    package init?(decoding value: String) {
        guard let decoded = try? JSONDecoder().decode(Self.self, from: Data(value.utf8)) else { return nil }
        self = decoded
    }

    /// The acknowledgements among `entries` (a `list(prefix: AppliedAcknowledgement.prefix)`).
    package static func decodeAll(_ entries: [KeyValue]) -> [AppliedAcknowledgement] {
        entries.compactMap { AppliedAcknowledgement(decoding: $0.value.lossyText) }
    }

    /// This machine's name and a process id (this process's by default): unique among live engines, readable in
    /// `backends`.
    package static func defaultEngineID(pid: Int32 = getpid()) -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "engine"
        return "\(host.replacingOccurrences(of: "/", with: "_"))-\(pid)"
    }
}
