import EtcdAPI
import Foundation
import GoText

extension EtcdStore: RevisionedStore {
    public func removeReportingRevision(_ key: GoString) async throws -> Int64? {
        var request = EtcdPB_DeleteRangeRequest()
        request.key = Data(key.bytes)
        let answer = try await call("delete") { member, metadata, options in
            try await member.kv.deleteRange(request, metadata: metadata, options: options)
        }
        return answer.deleted > 0 ? answer.header.revision : nil
    }

    public func modifiedRevisions(prefix: String) async throws -> [String: Int64] {
        var revision: Int64? = nil
        let kvs = try await range(prefix: Array(prefix.utf8), revision: &revision)
        // Keyed by text, as the acknowledgements compare keys: a key that is not UTF-8 is shown as U+FFFD.
        return Dictionary(
            kvs.map { (String(decoding: $0.key, as: UTF8.self), $0.modRevision) }, uniquingKeysWith: max)
    }
}
