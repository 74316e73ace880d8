import Foundation
import GoText

/// The file store's revision: a number every Switchboard writer stamps in the store file's first line
/// (`# Switchboard store revision 42: ...`, a YAML comment confd ignores) under the write lock, one more at every
/// write that changes the pairs. It travels with the pairs in the same atomic rename, so a reader that read the file
/// knows exactly which revision it read, and every process means the same thing by it, as with etcd's.
///
/// A file no Switchboard process has written has revision 0. The lease table keeps the last revision too, so an
/// editor that drops the line cannot send the numbers back; it also keeps the revision each key was last written at
/// (for `switchboard backends`).
enum FileStoreRevision {
    static let marker = "# Switchboard store revision "

    /// The first line of a store file at `revision`.
    static func header(_ revision: Int64) -> String {
        marker + "\(revision): one key per line. confd's file backend reads this file as it is.\n"
    }

    /// The revision stamped in `data`'s first line; `nil` when there is none.
    static func read(_ data: Data) -> Int64? {
        let marker = Array(Self.marker.utf8)
        guard data.count > marker.count, data.starts(with: marker) else { return nil }
        var value: Int64 = 0
        var digits = 0
        for byte in data.dropFirst(marker.count).prefix(20) {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { break }
            value = value &* 10 &+ Int64(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// The revision of a write that changes `old` into `new`, recorded in `leases` with the keys it wrote.
    static func next(
        after stamped: Int64, leases: inout LeaseTable, from old: [GoString: GoString], to new: [GoString: GoString]
    ) -> Int64 {
        let revision = max(stamped, leases.revision ?? 0) + 1
        leases.revision = revision
        // Keys of a file store are UTF-8 (the YAML file is), so their text is exact.
        var modified = leases.modified ?? [:]
        for (key, value) in new where old[key] != value { modified[key.lossyText] = revision }
        for key in modified.keys where new[GoString(key)] == nil { modified[key] = nil }
        leases.modified = modified
        return revision
    }

    /// The revision of a single-file store as read from its contents (0 without a stamp); `nil` for a store of
    /// several files or a directory, whose revisions are counted by each reader.
    static func stamp(paths: [String], contents: Data?) -> Int64? {
        guard paths.count == 1 else { return nil }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: paths[0], isDirectory: &isDirectory), isDirectory.boolValue {
            return nil
        }
        return contents.flatMap(read) ?? 0
    }
}

extension FileStore: RevisionedStore {
    package func removeReportingRevision(_ key: GoString, ifValue expected: GoString?) async throws -> Int64? {
        let file = try writableFile()
        var removed = false
        // Read, compared and written under the file's lock, so nothing can take the key over in between.
        let revision = try StoreFileTransaction.run(file, now: Date()) { pairs, leases in
            guard let value = pairs[key], expected == nil || value == expected else { return }
            pairs[key] = nil
            leases.detach(key)
            removed = true
        }
        return removed ? revision : nil
    }

    package func modifiedRevisions(prefix: String) async throws -> [String: Int64] {
        let file = try writableFile()
        return (LeaseTable.read(for: file).modified ?? [:]).filter { $0.key.hasPrefix(prefix) }
    }
}
