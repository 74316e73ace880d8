import EtcdAPI
import Foundation
import GoText

extension EtcdStore: RevisionedStore {
    package func removeReportingRevision(_ key: GoString, ifValue expected: GoString?) async throws -> Int64? {
        var delete = EtcdPB_DeleteRangeRequest()
        delete.key = Data(key.bytes)
        guard let expected else {
            let answer = try await call("delete") { member, metadata, options in
                try await member.kv.deleteRange(delete, metadata: metadata, options: options)
            }
            return answer.deleted > 0 ? answer.header.revision : nil
        }
        // One transaction: delete only while the value is the expected one (a missing key fails the comparison).
        var unchanged = EtcdPB_Compare()
        unchanged.result = .equal
        unchanged.target = .value
        unchanged.key = Data(key.bytes)
        unchanged.value = Data(expected.bytes)
        var request = EtcdPB_TxnRequest()
        request.compare = [unchanged]
        request.success = [EtcdPB_RequestOp.with { $0.requestDeleteRange = delete }]
        let answer = try await call("delete if unchanged") { member, metadata, options in
            try await member.kv.txn(request, metadata: metadata, options: options)
        }
        guard answer.succeeded, (answer.responses.first?.responseDeleteRange.deleted ?? 0) > 0 else { return nil }
        return answer.header.revision
    }

    package func modifiedRevisions(prefix: String) async throws -> [String: Int64] {
        var revision: Int64? = nil
        let kvs = try await range(prefix: Array(prefix.utf8), revision: &revision)
        // Keyed by text, as the acknowledgements compare keys: a key that is not UTF-8 is shown as U+FFFD.
        return Dictionary(
            kvs.map { (String(decoding: $0.key, as: UTF8.self), $0.modRevision) }, uniquingKeysWith: max)
    }
}
