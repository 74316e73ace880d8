import GoTemplate

// Which code each of Core's errors carries: in one place, so that the codes stay one vocabulary.

extension KeyError: SwitchboardError { package var code: ErrorCode { .invalidKey } }
extension BackendAddressError: SwitchboardError { package var code: ErrorCode { .invalidAddress } }
extension DurationParseError: SwitchboardError { package var code: ErrorCode { .invalidDuration } }
extension StoreURLError: SwitchboardError { package var code: ErrorCode { .invalidStoreURL } }
extension ResourceError: SwitchboardError { package var code: ErrorCode { .invalidResource } }
extension TemplateError: SwitchboardError { package var code: ErrorCode { .invalidTemplate } }
extension TemplateFileError: SwitchboardError { package var code: ErrorCode { .invalidTemplate } }
extension YAMLError: SwitchboardError { package var code: ErrorCode { .invalidStoreFile } }
extension FileStoreError: SwitchboardError { package var code: ErrorCode { .invalidStoreFile } }
extension EtcdTLSError: SwitchboardError { package var code: ErrorCode { .invalidTLSFile } }
extension EtcdLeaseExpired: SwitchboardError { package var code: ErrorCode { .leaseExpired } }
extension LeaseExpiredError: SwitchboardError { package var code: ErrorCode { .leaseExpired } }
extension AcknowledgementError: SwitchboardError { package var code: ErrorCode { .storeReadOnly } }
extension FileError: SwitchboardError { package var code: ErrorCode { .fileFailed } }
extension CommandError: SwitchboardError { package var code: ErrorCode { .commandFailed } }
extension NginxError: SwitchboardError { package var code: ErrorCode { .nginxFailed } }
extension HelloServerError: SwitchboardError { package var code: ErrorCode { .listenFailed } }
extension ObservabilityServerError: SwitchboardError { package var code: ErrorCode { .listenFailed } }
extension ProbeError: SwitchboardError { package var code: ErrorCode { .probeFailed } }
extension DemoError: SwitchboardError { package var code: ErrorCode { .demoFailed } }
extension SystemdNotifyError: SwitchboardError { package var code: ErrorCode { .notifyFailed } }

extension EtcdError: SwitchboardError {
    package var code: ErrorCode {
        switch kind {
        case .unreachable: return .storeUnreachable
        case .notFound: return .leaseExpired
        case .compacted: return .storeCompacted
        case .unauthenticated, .authenticationFailed, .permissionDenied: return .storeAccessDenied
        case .refused: return .storeRefused
        }
    }
}

extension ApplyResult {
    /// The code of a failed apply, for logs and callers; `nil` when the apply did what it should.
    package var errorCode: ErrorCode? {
        switch self {
        case .unchanged, .applied, .wouldChange: return nil
        case .renderFailed: return .invalidTemplate
        case .checkFailed: return .checkFailed
        case .writeFailed: return .fileFailed
        case .reloadFailedRolledBack: return .reloadFailed
        case .reloadFailedRollbackFailed: return .rollbackFailed
        }
    }
}
