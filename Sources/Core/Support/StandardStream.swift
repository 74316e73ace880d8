#if canImport(Glibc)
    import Glibc
#endif

/// Standard output or standard error, written with write(2) directly.
///
/// Foundation's `FileHandle` is an `NSObject` whose first use starts CoreFoundation's object machinery; every log
/// line of `run` went through it, and so did every run's resident memory (scripts/bench-etcd).
package struct StandardStream: Sendable {
    let descriptor: Int32

    package static let output = StandardStream(descriptor: 1)
    package static let error = StandardStream(descriptor: 2)

    /// Writes all of `text`, retrying after a signal; a stream that is gone (a closed pipe) loses the text.
    package func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
