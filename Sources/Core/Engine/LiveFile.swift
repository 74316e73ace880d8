import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// File operations of the apply pipeline: reading the live file, writing a stage file beside it, swapping it in
/// atomically. Every write is fsynced before it is renamed, so a crash leaves the whole old or the whole new file.
enum LiveFile {
    /// The live file's bytes, mode and owner, or `nil` when it does not exist.
    static func read(_ path: String) throws -> FileState? {
        var info = stat()
        if stat(path, &info) != 0 {
            if errno == ENOENT { return nil }
            throw FileError(path: path, action: "stat", errorNumber: errno)
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(path: path, action: "read", errorNumber: errno) }
        defer { close(descriptor) }
        // One byte more than the size, so the read that finds the end needs no second, bigger buffer (growing it
        // copied the whole file once per apply).
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: 4096)) }
            let count = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, action: "read", errorNumber: errno)
            }
            if count == 0 { break }
            filled += count
        }
        bytes.removeLast(bytes.count - filled)
        return FileState(bytes: bytes, mode: UInt32(info.st_mode) & 0o7777, uid: info.st_uid, gid: info.st_gid)
    }

    /// Writes `state` to a new stage file `.<destname><digits>` in the dest directory (same file system, so the
    /// rename is atomic): created 0600, filled, given its mode and owner, then fsynced.
    /// - Returns: the stage file's path.
    static func writeStage(for dest: String, _ state: FileState) throws -> String {
        let directory = FilePaths.directory(of: dest)
        let base = FilePaths.lastComponent(dest)
        var descriptor: Int32 = -1
        var path = ""
        for _ in 0..<100 {
            path = directory + "/." + base + String(UInt32.random(in: .min ... .max))
            descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT {
                throw FileError(path: directory, action: "use the dest directory", errorNumber: code)
            }
            throw FileError(path: path, action: "create the stage file", errorNumber: code)
        }
        do {
            defer { close(descriptor) }
            var written = 0
            while written < state.bytes.count {
                let count = state.bytes.withUnsafeBytes { buffer in
                    write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw FileError(path: path, action: "write the stage file", errorNumber: errno)
                }
                written += count
            }
            // Owner and mode before the fsync, so that one fsync makes them durable with the bytes: set after it,
            // a crash could leave the new file live with the stage file's 0600.
            guard fchown(descriptor, state.uid, state.gid) == 0 || (geteuid() != 0 && state.uid == geteuid()) else {
                throw FileError(path: path, action: "set the owner \(state.uid):\(state.gid) of", errorNumber: errno)
            }
            guard fchmod(descriptor, mode_t(state.mode)) == 0 else {
                throw FileError(path: path, action: "set the mode of", errorNumber: errno)
            }
            guard fsync(descriptor) == 0 else {
                throw FileError(path: path, action: "fsync the stage file", errorNumber: errno)
            }
        } catch {
            unlink(path)
            throw error
        }
        return path
    }

    /// Renames `stage` over `dest` and fsyncs the directory so the swap itself survives a crash.
    static func swap(stage: String, into dest: String) throws {
        guard rename(stage, dest) == 0 else {
            throw FileError(path: dest, action: "rename the stage file onto", errorNumber: errno)
        }
        syncDirectory(of: dest)
    }

    /// Removes `path`; a missing file is fine.
    static func remove(_ path: String) {
        unlink(path)
    }

    static func syncDirectory(of path: String) {
        let descriptor = open(FilePaths.directory(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// Stage files left behind by a process that died mid-apply: `.<destname>` followed by digits only, in the
    /// dest directory. Removed at start.
    static func leftoverStageFiles(for dest: String) -> [String] {
        let directory = FilePaths.parent(dest)
        let prefix = "." + FilePaths.lastComponent(dest)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)
        else { return [] }
        return names.filter { name in
            name.hasPrefix(prefix) && name.count > prefix.count
                && name.dropFirst(prefix.count).allSatisfy { $0.isASCII && $0.isNumber }
        }.map { FilePaths.join(directory, $0) }
    }
}

/// A file operation that failed, naming the file and the system's reason.
package struct FileError: Error, Sendable, Hashable, CustomStringConvertible {
    package var path: String
    package var action: String
    /// The system's `errno`.
    package var errorNumber: Int32

    package var description: String {
        "cannot \(action) \(path): \(String(cString: strerror(errorNumber)))"
    }
}
