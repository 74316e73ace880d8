import GoTemplate

// Which code each of Core's errors carries: in one place, so that the codes stay one vocabulary.

extension KeyError: SwitchboardError { public var code: ErrorCode { .invalidKey } }
extension BackendAddressError: SwitchboardError { public var code: ErrorCode { .invalidAddress } }
extension DurationParseError: SwitchboardError { public var code: ErrorCode { .invalidDuration } }
extension StoreURLError: SwitchboardError { public var code: ErrorCode { .invalidStoreURL } }
extension ResourceError: SwitchboardError { public var code: ErrorCode { .invalidResource } }
extension TemplateError: SwitchboardError { public var code: ErrorCode { .invalidTemplate } }
extension TemplateFileError: SwitchboardError { public var code: ErrorCode { .invalidTemplate } }
extension YAMLError: SwitchboardError { public var code: ErrorCode { .invalidStoreFile } }
extension FileStoreError: SwitchboardError { public var code: ErrorCode { .invalidStoreFile } }
extension EtcdTLSError: SwitchboardError { public var code: ErrorCode { .invalidTLSFile } }
extension EtcdLeaseExpired: SwitchboardError { public var code: ErrorCode { .leaseExpired } }
extension LeaseExpiredError: SwitchboardError { public var code: ErrorCode { .leaseExpired } }
extension AcknowledgementError: SwitchboardError { public var code: ErrorCode { .storeReadOnly } }
extension FileError: SwitchboardError { public var code: ErrorCode { .fileFailed } }
extension CommandError: SwitchboardError { public var code: ErrorCode { .commandFailed } }
extension NginxError: SwitchboardError { public var code: ErrorCode { .nginxFailed } }
extension HelloServerError: SwitchboardError { public var code: ErrorCode { .listenFailed } }
extension ObservabilityServerError: SwitchboardError { public var code: ErrorCode { .listenFailed } }
extension ProbeError: SwitchboardError { public var code: ErrorCode { .probeFailed } }
extension DemoError: SwitchboardError { public var code: ErrorCode { .demoFailed } }
extension SystemdNotifyError: SwitchboardError { public var code: ErrorCode { .notifyFailed } }

extension EtcdError: SwitchboardError {
    public var code: ErrorCode {
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
    public var errorCode: ErrorCode? {
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
