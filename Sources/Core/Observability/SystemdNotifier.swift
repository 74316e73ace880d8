import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// systemd's readiness protocol (`sd_notify`): newline-separated `KEY=VALUE` assignments sent as one datagram to the
/// AF_UNIX socket named by `NOTIFY_SOCKET` (a path, or an abstract name written with a leading `@`).
package final class SystemdNotifier: Sendable {
    /// The socket's name as given (`/run/systemd/notify` or `@name`).
    package let socketName: String
    /// Half of `WATCHDOG_USEC` when the watchdog is on for this process: how often to send `WATCHDOG=1`.
    package let watchdogInterval: Duration?
    private let descriptor: Int32

    /// The notifier the environment asks for, or `nil` when this process does not run under `Type=notify`.
    ///
    /// Removes `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from the environment, as `sd_notify` does when asked
    /// to, so that `check_cmd` and `reload_cmd` children do not talk to systemd in this service's name.
    package static func fromEnvironment() -> SystemdNotifier? {
        let environment = ProcessInfo.processInfo.environment
        defer {
            unsetenv("NOTIFY_SOCKET")
            unsetenv("WATCHDOG_USEC")
            unsetenv("WATCHDOG_PID")
        }
        guard let name = environment["NOTIFY_SOCKET"], !name.isEmpty else { return nil }
        var interval: Duration?
        if let text = environment["WATCHDOG_USEC"], let usec = Int64(text), usec > 0 {
            let pidMatches = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
            if pidMatches { interval = .microseconds(usec / 2) }
        }
        return try? SystemdNotifier(socketName: name, watchdogInterval: interval)
    }

    /// Opens a datagram socket for `socketName`.
    /// - Throws: `SystemdNotifyError` when the name is not usable or no socket can be made.
    package init(socketName: String, watchdogInterval: Duration? = nil) throws {
        guard socketName.hasPrefix("/") || socketName.hasPrefix("@") else {
            throw SystemdNotifyError("NOTIFY_SOCKET \(String(reflecting: socketName)) is neither a path nor @name")
        }
        #if canImport(Darwin)
            let type = SOCK_DGRAM
        #else
            let type = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #endif
        let fd = socket(AF_UNIX, type, 0)
        guard fd >= 0 else {
            throw SystemdNotifyError("cannot open a datagram socket: \(String(cString: strerror(errno)))")
        }
        self.socketName = socketName
        self.watchdogInterval = watchdogInterval
        descriptor = fd
    }

    deinit {
        close(descriptor)
    }

    /// Sends `assignments` (e.g. `["READY=1", "STATUS=applied"]`) as one datagram.
    /// - Throws: `SystemdNotifyError` naming the socket when the datagram cannot be sent.
    package func send(_ assignments: [String]) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketName.utf8)
        let abstract = path.first == UInt8(ascii: "@")
        if abstract { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { throw SystemdNotifyError("NOTIFY_SOCKET \(socketName) is too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in path.enumerated() { bytes[index] = byte }
        }
        // An abstract name's length counts exactly its bytes; a path is NUL-terminated.
        let length = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + path.count + (abstract ? 0 : 1)
        let message = Array(assignments.joined(separator: "\n").utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                message.withUnsafeBytes { buffer in
                    sendto(descriptor, buffer.baseAddress, buffer.count, 0, socketAddress, socklen_t(length))
                }
            }
        }
        guard sent == message.count else {
            throw SystemdNotifyError("cannot notify \(socketName): \(String(cString: strerror(errno)))")
        }
    }

    /// `MONOTONIC_USEC=` for `RELOADING=1`: CLOCK_MONOTONIC in microseconds, as systemd compares it.
    package static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }
}

/// The systemd notification socket could not be used.
package struct SystemdNotifyError: Error, Sendable, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
