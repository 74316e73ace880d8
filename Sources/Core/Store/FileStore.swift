import Foundation
import GoTemplate
import GoText

#if canImport(Glibc)
    import Glibc
#endif

/// The embedded store: YAML files, read as confd's file backend reads them, watched with inotify, and — for a
/// single file — writable safely between processes.
///
/// Reading: each path is a file or a directory searched recursively for files whose name matches `filter` (Go
/// `path.Match`, default `*`), in lexical order; later files override earlier keys.
///
/// Writing (`register`, the console, the demo): only when the store is one file. Every write takes an exclusive
/// `flock` on `PATH.lock`, reads the current state, applies the change, and replaces the file atomically (a temp
/// file in the same directory, fsynced, renamed). The file is rewritten as a flat map of full keys
/// (`"/test/apache-8001": "127.0.0.1:8001"`), which confd's file backend reads unchanged.
///
/// Leases: a file cannot expire keys by itself, so leases live beside it in `PATH.leases` (JSON: id, TTL, expiry
/// time, keys). The closest honest thing to etcd: every reader treats a key whose lease has expired as absent, the
/// watching engine wakes at the next expiry and removes the keys from the file (so plain confd sees them go too),
/// and every writer collects expired leases first. Expiry is measured with the wall clock of the machine, to the
/// second.
package actor FileStore: WritableKeyValueStore {
    package nonisolated let displayName: String
    package nonisolated let paths: [String]
    package nonisolated let filter: String
    /// The wall clock leases are measured with (tests pass a fixed one).
    nonisolated let clock: @Sendable () -> Date

    /// The pairs last read from a store of several files (whose revision this reader counts); a single file's
    /// revision is stamped in it, and its pairs are not kept (a second copy of the table at 100,000 keys).
    private var lastPairs: [GoString: GoString]?
    private var revision: Int64 = 0

    /// - Parameters:
    ///   - paths: files or directories (confd's repeatable `-file`).
    ///   - filter: file-name pattern for directories (confd's `-filter`).
    package init(paths: [String], filter: String = "*", clock: @escaping @Sendable () -> Date = { Date() }) {
        self.paths = paths
        self.filter = filter
        self.clock = clock
        displayName = "file:" + paths.joined(separator: ",")
    }

    // MARK: Reading

    package func snapshot(prefixes: [String]) async throws -> StoreSnapshot {
        let (all, stamp) = try Self.readStamped(paths: paths, filter: filter, now: clock())
        if let stamp { return StoreSnapshot(pairs: Self.filter(all, prefixes), revision: stamp) }
        if all != lastPairs {
            lastPairs = all
            revision += 1
        }
        return StoreSnapshot(pairs: Self.filter(all, prefixes), revision: revision)
    }

    /// The pairs under any of `prefixes`. Usually every key is (the resources watch what the file holds), and then
    /// the dictionary is returned as it is rather than rebuilt key by key.
    static func filter(_ pairs: [GoString: GoString], _ prefixes: [String]) -> [GoString: GoString] {
        let isWanted = { (key: GoString) in prefixes.contains { key.hasPrefix($0) } }
        guard pairs.keys.contains(where: { !isWanted($0) }) else { return pairs }
        return pairs.filter { key, _ in isWanted(key) }
    }

    /// Every key of every file, live leases applied.
    static func readAll(paths: [String], filter: String, now: Date = Date()) throws -> [GoString: GoString] {
        try readStamped(paths: paths, filter: filter, now: now).pairs
    }

    /// Every key of every file, live leases applied, and the revision stamped in a single-file store (see
    /// `FileStoreRevision`; `nil` for several files or a directory).
    static func readStamped(
        paths: [String], filter: String, now: Date = Date()
    ) throws -> (pairs: [GoString: GoString], revision: Int64?) {
        var pairs: [GoString: GoString] = [:]
        var contents: Data?
        for file in try files(paths: paths, filter: filter) {
            guard let data = FileManager.default.contents(atPath: file) else {
                if !FileManager.default.fileExists(atPath: file) { continue }
                throw FileStoreError("\(file): cannot be read (\(String(cString: strerror(errno))))")
            }
            contents = data
            try YAMLFlattener.flatten(data, file: file, into: &pairs)
            let leases = LeaseTable.read(for: file)
            for key in leases.expiredKeys(now: now) { pairs[key] = nil }
        }
        return (pairs, FileStoreRevision.stamp(paths: paths, contents: contents))
    }

    /// The files behind `paths`, in the order confd reads them.
    static func files(paths: [String], filter: String) throws -> [String] {
        var result: [String] = []
        for path in paths {
            guard let kind = FilePaths.kind(of: path) else {
                // A single store file may not exist yet (a new demo); a missing directory is an error.
                if paths.count == 1, !path.hasSuffix("/") { continue }
                throw FileStoreError("\(path): no such file or directory")
            }
            if kind != .directory {
                result.append(path)
                continue
            }
            var found: [String] = []
            for entry in FilePaths.entries(under: path) where entry.kind != .directory {
                let name = FilePaths.lastComponent(entry.relative)
                if !name.hasSuffix(".leases"), !name.hasSuffix(".lock"), (try? GoPath.match(filter, name)) == true {
                    found.append(FilePaths.join(path, entry.relative))
                }
            }
            result += found.sorted()
        }
        return result
    }

    // MARK: Watching

    package nonisolated func updates(prefixes: [String], after revision: Int64) -> AsyncThrowingStream<
        StoreUpdate, Error
    > {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: StoreUpdate.self)
        let watcher = FileWatcher(paths: paths, filter: filter, prefixes: prefixes, continuation: continuation)
        continuation.onTermination = { _ in watcher.stop() }
        watcher.start()
        return stream
    }

    // MARK: Writing

    nonisolated func writableFile() throws -> String {
        guard paths.count == 1 else {
            throw FileStoreError("only a single-file store can be written; this one reads \(paths.count) paths")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: paths[0], isDirectory: &isDirectory), isDirectory.boolValue {
            throw FileStoreError("\(paths[0]) is a directory; a writable store is one YAML file")
        }
        return paths[0]
    }

    package func put(_ key: GoString, _ value: GoString, lease: LeaseID?) async throws {
        let file = try writableFile()
        for bytes in [key, value] where bytes.utf8Text == nil {
            throw FileStoreError("\(file): cannot hold \(bytes): a YAML file holds UTF-8 text only")
        }
        let now = clock()
        try StoreFileTransaction.run(file, now: now) { pairs, leases in
            if let lease {
                guard leases.entries[lease.rawValue] != nil else { throw LeaseExpiredError(lease: lease) }
                leases.attach(key, to: lease.rawValue)
            } else {
                leases.detach(key)
            }
            pairs[key] = value
        }
    }

    package func delete(_ key: GoString) async throws {
        let file = try writableFile()
        let now = clock()
        try StoreFileTransaction.run(file, now: now) { pairs, leases in
            pairs[key] = nil
            leases.detach(key)
        }
    }

    package func list(prefix: String) async throws -> [KeyValue] {
        let file = try writableFile()
        let now = clock()
        let pairs = try Self.readAll(paths: [file], filter: "*", now: now)
        let leases = LeaseTable.read(for: file)
        return pairs.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key < $1.key }.map { key, value in
            let lease = leases.lease(of: key)
            return KeyValue(
                key: key, value: value, lease: lease.map(LeaseID.init),
                ttlRemaining: lease.flatMap { leases.secondsLeft($0, now: now) })
        }
    }

    package func grantLease(ttl: Int) async throws -> LeaseID {
        let file = try writableFile()
        let now = clock()
        var granted: Int64 = 0
        try StoreFileTransaction.run(file, now: now) { _, leases in
            granted = leases.grant(ttl: ttl, now: now)
        }
        return LeaseID(granted)
    }

    package func keepAlive(_ lease: LeaseID) async throws -> Int {
        let file = try writableFile()
        let now = clock()
        var ttl = 0
        try StoreFileTransaction.run(file, now: now) { _, leases in
            guard let renewed = leases.renew(lease.rawValue, now: now) else { throw LeaseExpiredError(lease: lease) }
            ttl = renewed
        }
        return ttl
    }

    package func revoke(_ lease: LeaseID) async throws {
        let file = try writableFile()
        let now = clock()
        try StoreFileTransaction.run(file, now: now) { pairs, leases in
            for key in leases.revoke(lease.rawValue) { pairs[key] = nil }
        }
    }

    /// Removes keys whose lease has expired from the file (what the watching engine does at each expiry).
    static func collectExpired(_ file: String) {
        try? StoreFileTransaction.run(file) { _, _ in }
    }
}

/// A file-store problem, in words.
package struct FileStoreError: Error, Sendable, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
