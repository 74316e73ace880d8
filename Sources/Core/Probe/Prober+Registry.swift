extension Prober {
    /// The backends registered under `prefix` in `store`, read afresh on every call: what a probe judges its answers
    /// against (once a second for the timeline, and at the end for `missing`, `unexpected` and `gone`).
    package static func registry(in store: any KeyValueStore, prefix: String) -> @Sendable () async throws -> [String] {
        { try await store.snapshot(prefixes: [prefix]).pairs.values.map(\.lossyText) }
    }

    /// The probe the console's `p` and the demo run: 100 requests (or `duration` of them), 4 at a time, through
    /// `url`, judged against the backends registered under `prefix` when it ends.
    package static func quickCheck(url: String, store: any KeyValueStore, prefix: String, duration: Duration? = nil)
        -> @Sendable () async throws -> ProbeReport
    {
        let registry = registry(in: store, prefix: prefix)
        let prober =
            duration.map { Prober(url: url, duration: $0, concurrency: 4) }
            ?? Prober(url: url, requests: 100, concurrency: 4)
        return { try await prober.run(registry: registry) }
    }
}
