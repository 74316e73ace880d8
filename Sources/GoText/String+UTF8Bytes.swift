extension String {
    /// Calls `body` with the string's UTF-8 bytes in one buffer: in place for a native string (a small one is
    /// copied to the stack), through a copy otherwise. Hot loops over keys and values read bytes this way rather
    /// than through `String.UTF8View`, whose iterator costs tens of instructions a byte.
    @inlinable
    package func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}
