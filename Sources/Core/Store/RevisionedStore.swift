import GoText

/// A writable store whose revisions mean the same to every process (etcd's, and the file store's stamped ones), so a
/// removal's revision can be compared with the revision an engine says it applied (`AppliedBarrier`).
package protocol RevisionedStore: WritableKeyValueStore {
    /// Removes `key`; with `expected`, only while it holds that value, in one step (another process may have
    /// taken the key over since it was read).
    /// - Returns: the store revision from which on the key is absent; `nil` when it was not removed: not there (so
    ///   when it went is unknown), or holding another value.
    func removeReportingRevision(_ key: GoString, ifValue expected: GoString?) async throws -> Int64?
    /// The revision at which each key under `prefix` was last written; keys the store has no revision for are
    /// left out.
    func modifiedRevisions(prefix: String) async throws -> [String: Int64]
}
