import Foundation
import Testing

@testable import Core

/// Every error carries a code from the one vocabulary, and code can branch on it without reading the message.
@Suite struct ErrorCodeTests {
    @Test func inputErrorsNameWhatWasWrong() throws {
        #expect(KeyError(key: "no slash").switchboardCode == .invalidKey)
        let address = #expect(throws: BackendAddressError.self) { try BackendAddress(parsing: "nonsense") }
        #expect(address?.code == .invalidAddress)
        let duration = #expect(throws: DurationParseError.self) { try GoDuration.parse("5 parsecs") }
        #expect(duration?.code == .invalidDuration)
        let url = #expect(throws: StoreURLError.self) { try StoreURL.parse("ftp://x") }
        #expect(url?.code == .invalidStoreURL)
        #expect(url.map { "\($0)" }?.contains("ftp://x") == true, "the message still names the value")
    }

    @Test func etcdFailuresMapByKind() {
        func code(_ kind: EtcdError.Kind) -> ErrorCode {
            EtcdError(endpoint: "http://127.0.0.1:2379", call: "range", reason: "r", kind: kind).code
        }
        #expect(code(.unreachable) == .storeUnreachable)
        #expect(code(.compacted) == .storeCompacted)
        #expect(code(.authenticationFailed) == .storeAccessDenied)
        #expect(code(.permissionDenied) == .storeAccessDenied)
        #expect(code(.notFound) == .leaseExpired)
        #expect(code(.refused) == .storeRefused)
        #expect(EtcdLeaseExpired(lease: LeaseID(7)).code == LeaseExpiredError(lease: LeaseID(7)).code)
    }

    @Test func failedAppliesHaveCodesAndSuccessesNone() {
        #expect(ApplyResult.checkFailed.errorCode == .checkFailed)
        #expect(ApplyResult.reloadFailedRolledBack.errorCode == .reloadFailed)
        #expect(ApplyResult.reloadFailedRollbackFailed.errorCode == .rollbackFailed)
        #expect(ApplyResult.renderFailed.errorCode == .invalidTemplate)
        #expect(ApplyResult.writeFailed.errorCode == .fileFailed)
        #expect([ApplyResult.applied, .unchanged, .wouldChange].allSatisfy { $0.errorCode == nil })
    }

    @Test func anErrorFromElsewhereHasNoCode() {
        #expect(CancellationError().switchboardCode == nil)
        #expect(CocoaError(.fileNoSuchFile).switchboardCode == nil)
    }
}
