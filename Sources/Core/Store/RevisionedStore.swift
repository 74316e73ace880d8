import GoText

/// A writable store whose revisions mean the same to every process (etcd's, and the file store's stamped ones), so a
/// removal's revision can be compared with the revision an engine says it applied (`AppliedBarrier`).
public protocol RevisionedStore: WritableKeyValueStore {
    /// Removes `key`.
    /// - Returns: the store revision from which on the key is absent; `nil` when it was not there (so when it went
    ///   is unknown).
    func removeReportingRevision(_ key: GoString) async throws -> Int64?
    /// The revision at which each key under `prefix` was last written; keys the store has no revision for are
    /// left out.
    func modifiedRevisions(prefix: String) async throws -> [String: Int64]
}
