import EtcdAPI
import Foundation

extension EtcdStore: RevisionedStore {
    public func removeReportingRevision(_ key: String) async throws -> Int64? {
        var request = EtcdPB_DeleteRangeRequest()
        request.key = Data(EtcdBytes.bytes(key))
        let answer = try await call("delete") { member, metadata, options in
            try await member.kv.deleteRange(request, metadata: metadata, options: options)
        }
        return answer.deleted > 0 ? answer.header.revision : nil
    }

    public func modifiedRevisions(prefix: String) async throws -> [String: Int64] {
        var revision: Int64? = nil
        let kvs = try await range(prefix: EtcdBytes.bytes(prefix), revision: &revision)
        return Dictionary(kvs.map { (EtcdBytes.key($0.key), $0.modRevision) }, uniquingKeysWith: max)
    }
}
