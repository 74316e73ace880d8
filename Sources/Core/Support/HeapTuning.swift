#if canImport(Glibc)
    import Glibc
#endif

/// glibc's malloc settings for a long-running engine.
///
/// Every render of a big config allocates a few buffers of some hundred kilobytes (the output, the sorted values,
/// the live file) and frees them again. By default glibc serves such blocks with fresh `mmap`s or hands the top of
/// the heap back to the kernel once it is free, so the next render takes a page fault and a zeroed page for every
/// 4 KB it touches: an eighth of a 10,000-key apply. Keeping freed blocks for reuse costs at most the largest
/// render's working set in resident memory.
package enum HeapTuning {
    /// glibc's `mallopt` parameters (`<malloc.h>`, which Swift's Glibc module does not import).
    private static let trimThreshold: Int32 = -1
    private static let mmapThreshold: Int32 = -3
    private static let arenaMax: Int32 = -8

    /// One malloc arena for every thread, set before any thread but the main one allocates.
    ///
    /// glibc gives each thread that allocates while another holds the arena an arena of its own, and memory freed
    /// in one arena is never reused by another. The YAML store is read on one of the concurrency runtime's threads
    /// and rendered on another, so a `-onetime` over 100,000 backends peaked at 53.5 MiB with one arena and at up to
    /// 60.6 MiB with several (the two phases' heaps resident side by side); the NIO and gRPC threads of the etcd
    /// store each took an arena too. The engine's threads allocate little and rarely at once, so sharing one lock
    /// costs nothing measurable.
    /// - Returns: true when glibc took the setting (false on a libc without `mallopt`).
    @discardableResult
    package static func shareOneArena() -> Bool {
        mallopt(arenaMax, 1)
    }

    /// Keeps freed blocks below 32 MB in the heap instead of returning them to the kernel after every render.
    /// - Returns: true when glibc took both settings (false on a libc without `mallopt`).
    @discardableResult
    package static func keepFreedMemoryForReuse() -> Bool {
        mallopt(mmapThreshold, 32 << 20) && mallopt(trimThreshold, 64 << 20)
    }

    /// glibc's `mallopt`, looked up at run time (it is not in every libc); true when it took the setting.
    private static func mallopt(_ parameter: Int32, _ value: Int32) -> Bool {
        #if canImport(Glibc)
            guard let symbol = dlsym(nil, "mallopt") else { return false }
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            return unsafeBitCast(symbol, to: Mallopt.self)(parameter, value) == 1
        #else
            return false
        #endif
    }
}
