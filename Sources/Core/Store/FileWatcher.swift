import Foundation
import GoText

#if canImport(Glibc)
    import Glibc
#endif

/// Watches a file store's files with inotify on a thread of its own (no polling: it sleeps in `poll` until a
/// file changes, a lease expires, or it is stopped) and reports what changed under the watched prefixes.
final class FileWatcher: @unchecked Sendable {
    // Mutable state is only touched by the watcher thread; `stop()` only writes to the wake-up pipe.
    private let paths: [String]
    private let filter: String
    private let prefixes: [String]
    private let continuation: AsyncThrowingStream<StoreUpdate, Error>.Continuation
    private var wakeRead: Int32 = -1
    private var wakeWrite: Int32 = -1

    /// A burst of file events is read once, after this much quiet (or at most `maximumDelay` after the first).
    static let quiet: Double = 0.02
    static let maximumDelay: Double = 0.2

    init(
        paths: [String], filter: String, prefixes: [String],
        continuation: AsyncThrowingStream<StoreUpdate, Error>.Continuation
    ) {
        self.paths = paths
        self.filter = filter
        self.prefixes = prefixes
        self.continuation = continuation
        var fds: [Int32] = [0, 0]
        if pipe(&fds) == 0 {
            wakeRead = fds[0]
            wakeWrite = fds[1]
        }
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "switchboard.file-watcher"
        thread.start()
    }

    func stop() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    private func directoriesToWatch() -> [String] {
        var directories: [String] = []
        for path in paths {
            if FilePaths.kind(of: path) == .directory {
                directories.append(path)
                for entry in FilePaths.entries(under: path) where entry.kind == .directory {
                    directories.append(FilePaths.join(path, entry.relative))
                }
            } else {
                directories.append(FilePaths.directory(of: path))
            }
        }
        return Array(Set(directories))
    }

    /// The watched pairs and the single-file store's stamped revision (`nil`: count revisions here).
    private func read() throws -> (pairs: [GoString: GoString], revision: Int64?) {
        let (pairs, revision) = try FileStore.readStamped(paths: paths, filter: filter)
        return (FileStore.filter(pairs, prefixes), revision)
    }

    private func run() {
        defer {
            close(wakeRead)
            close(wakeWrite)
        }
        let inotify = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard inotify >= 0 else {
            continuation.finish(throwing: FileStoreError("cannot watch files: \(String(cString: strerror(errno)))"))
            return
        }
        defer { close(inotify) }
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_MODIFY)
        for directory in directoriesToWatch() {
            _ = inotify_add_watch(inotify, directory, mask)
        }
        let singleFile = paths.count == 1 ? paths[0] : nil

        var revision: Int64 = 0
        var current: [GoString: GoString] = [:]
        var healthy = true
        func refresh() {
            do {
                let (next, stamp) = try read()
                if !healthy {
                    healthy = true
                    continuation.yield(.connection(.connected))
                }
                var events: [StoreEvent] = []
                for (key, value) in next where current[key] != value { events.append(.put(key: key, value: value)) }
                for key in current.keys where next[key] == nil { events.append(.delete(key: key)) }
                current = next
                if !events.isEmpty {
                    revision = stamp ?? revision + 1
                    continuation.yield(.events(events.sorted { $0.key < $1.key }, revision: revision))
                }
            } catch {
                // Reported on every failed read, so a second, different mistake is shown too.
                healthy = false
                continuation.yield(.connection(.unreachable("\(error)")))
            }
        }
        // Start from the state on disk now, so nothing between the engine's snapshot and this watch is lost.
        do {
            let (pairs, stamp) = try read()
            current = pairs
            revision = stamp ?? 1
            continuation.yield(.resync(StoreSnapshot(pairs: current, revision: revision)))
        } catch {
            healthy = false
            continuation.yield(.connection(.unreachable("\(error)")))
        }

        var firstEvent: Double?
        var lastEvent: Double?
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let now = Date().timeIntervalSince1970
            var timeout: Double = -1
            if let first = firstEvent, let last = lastEvent {
                timeout = max(0, min(last + Self.quiet, first + Self.maximumDelay) - now)
            }
            if let singleFile, let expiry = LeaseTable.read(for: singleFile).nextExpiry() {
                let untilExpiry = max(0, expiry.timeIntervalSince1970 - now) + 0.01
                timeout = timeout < 0 ? untilExpiry : min(timeout, untilExpiry)
            }
            var fds = [
                pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
            ]
            let milliseconds = timeout < 0 ? -1 : Int32(min(timeout * 1000, 3_600_000).rounded(.up))
            let ready = poll(&fds, 2, milliseconds)
            if ready < 0 && errno != EINTR { break }
            if fds[1].revents != 0 { break }
            if fds[0].revents != 0 {
                while Glibc.read(inotify, &buffer, buffer.count) > 0 {}
                let stamp = Date().timeIntervalSince1970
                if firstEvent == nil { firstEvent = stamp }
                lastEvent = stamp
                continue
            }
            // Timed out: either a burst went quiet, or a lease expired.
            if let singleFile, let expiry = LeaseTable.read(for: singleFile).nextExpiry(),
                expiry.timeIntervalSince1970 <= Date().timeIntervalSince1970
            {
                FileStore.collectExpired(singleFile)
            }
            firstEvent = nil
            lastEvent = nil
            refresh()
        }
        continuation.finish()
    }
}
