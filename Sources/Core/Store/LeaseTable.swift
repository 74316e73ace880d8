import Foundation
import GoText

#if canImport(Glibc)
    import Glibc
#endif

/// The file store's leases, kept in `STORE.leases` beside the store file.
struct LeaseTable: Codable, Equatable {
    struct Entry: Codable, Equatable {
        var ttl: Int
        /// Expiry as seconds since 1970.
        var expires: Double
        /// The keys, as text: a store file holds UTF-8 only (`FileStore.put` refuses other bytes). Compared by
        /// their bytes, never as Swift strings (which would take two normalizations of a key for one).
        var keys: [String]
    }

    var next: Int64 = 7_000_000
    var entries: [Int64: Entry] = [:]
    /// The store file's revision as of the last write (a floor in case the file's header line is lost), and the
    /// revision each key was last written at (see `FileStoreRevision`). Optional, so older tables still decode.
    var revision: Int64?
    var modified: [String: Int64]?

    static func path(for file: String) -> String { file + ".leases" }

    /// The table beside `file`; an empty table when there is none or it cannot be read.
    static func read(for file: String) -> LeaseTable {
        guard let data = FileManager.default.contents(atPath: path(for: file)),
            let table = try? JSONDecoder().decode(LeaseTable.self, from: data)
        else { return LeaseTable() }
        return table
    }

    func expiredKeys(now: Date) -> [GoString] {
        entries.values.filter { $0.expires <= now.timeIntervalSince1970 }.flatMap(\.keys).map { GoString($0) }
    }

    /// The earliest expiry still ahead, if any.
    func nextExpiry() -> Date? {
        entries.values.map(\.expires).min().map { Date(timeIntervalSince1970: $0) }
    }

    func lease(of key: GoString) -> Int64? {
        entries.first { $0.value.keys.contains { GoString($0) == key } }?.key
    }

    func secondsLeft(_ lease: Int64, now: Date) -> Int? {
        entries[lease].map { max(0, Int(($0.expires - now.timeIntervalSince1970).rounded(.up))) }
    }

    mutating func attach(_ key: GoString, to lease: Int64) {
        detach(key)
        entries[lease]?.keys.append(key.lossyText)
    }

    mutating func detach(_ key: GoString) {
        for id in entries.keys { entries[id]?.keys.removeAll { GoString($0) == key } }
    }

    mutating func grant(ttl: Int, now: Date) -> Int64 {
        next += 1
        entries[next] = Entry(ttl: ttl, expires: now.timeIntervalSince1970 + Double(ttl), keys: [])
        return next
    }

    /// Renews a live lease; `nil` when it has expired or never existed.
    mutating func renew(_ lease: Int64, now: Date) -> Int? {
        guard var entry = entries[lease], entry.expires > now.timeIntervalSince1970 else { return nil }
        entry.expires = now.timeIntervalSince1970 + Double(entry.ttl)
        entries[lease] = entry
        return entry.ttl
    }

    /// Ends a lease; returns its keys.
    mutating func revoke(_ lease: Int64) -> [GoString] {
        (entries.removeValue(forKey: lease)?.keys ?? []).map { GoString($0) }
    }

    /// Ends every expired lease; returns their keys.
    mutating func collect(now: Date) -> [GoString] {
        let expired = entries.filter { $0.value.expires <= now.timeIntervalSince1970 }
        for id in expired.keys { entries[id] = nil }
        return expired.values.flatMap(\.keys).map { GoString($0) }
    }
}

/// One locked read-modify-write of a store file and its lease table.
enum StoreFileTransaction {
    /// - Returns: the file's revision after the transaction (a new one when the pairs changed).
    @discardableResult
    static func run(
        _ file: String, now: Date = Date(), _ body: (inout [GoString: GoString], inout LeaseTable) throws -> Void
    ) throws -> Int64 {
        let lockPath = file + ".lock"
        let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0 else {
            throw FileStoreError("cannot lock \(lockPath): \(String(cString: strerror(errno)))")
        }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw FileStoreError("cannot lock \(lockPath): \(String(cString: strerror(errno)))")
            }
        }
        defer { flock(lock, LOCK_UN) }

        var pairs: [GoString: GoString] = [:]
        var revision: Int64 = 0
        if let data = FileManager.default.contents(atPath: file) {
            try YAMLFlattener.flatten(data, file: file, into: &pairs)
            revision = FileStoreRevision.read(data) ?? 0
        }
        var leases = LeaseTable.read(for: file)
        let originalPairs = pairs
        let originalLeases = leases
        for key in leases.collect(now: now) { pairs[key] = nil }
        try body(&pairs, &leases)
        if pairs != originalPairs || !FileManager.default.fileExists(atPath: file) {
            revision = FileStoreRevision.next(after: revision, leases: &leases, from: originalPairs, to: pairs)
            try writeAtomically(file, yaml(pairs, revision: revision))
        }
        if leases != originalLeases {
            let data = try JSONEncoder().encode(leases)
            try writeAtomically(LeaseTable.path(for: file), String(decoding: data, as: UTF8.self))
        }
        return revision
    }

    /// A flat YAML map, keys sorted, every scalar double-quoted so YAML 1.1 cannot reinterpret it.
    /// Keys and values are UTF-8 here (the file was, and `FileStore.put` refuses other bytes).
    static func yaml(_ pairs: [GoString: GoString], revision: Int64) -> String {
        var text = FileStoreRevision.header(revision)
        for key in pairs.keys.sorted() {
            text += "\(quote(key.lossyText)): \(quote(pairs[key]!.lossyText))\n"
        }
        return text
    }

    private static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\x%02X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Temp file in the same directory, fsynced, renamed over `path`, directory fsynced.
    static func writeAtomically(_ path: String, _ text: String) throws {
        let temp = FilePaths.directory(of: path) + "/." + FilePaths.lastComponent(path) + ".tmp\(getpid())"
        let descriptor = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw FileStoreError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(descriptor)
                unlink(temp)
                throw FileStoreError("cannot write \(path): \(reason)")
            }
            written += count
        }
        fsync(descriptor)
        close(descriptor)
        guard rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw FileStoreError("cannot replace \(path): \(reason)")
        }
        LiveFile.syncDirectory(of: path)
    }
}
