/// What went wrong, as a stable name that code branches on (`error.code == .storeUnreachable`) and logs carry; the
/// message beside it is for people, names the file, line, key or value, and may be reworded.
///
/// A struct of constants rather than an enum, so that a code can be added without breaking a caller's `switch`.
package struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package let rawValue: String
    package init(rawValue: String) { self.rawValue = rawValue }
    package var description: String { rawValue }

    // What a person gave us.
    /// A store key that is not `/`-rooted, or holds what a key may not.
    package static let invalidKey = ErrorCode(rawValue: "invalid-key")
    /// A backend address that is not `HOST:PORT`.
    package static let invalidAddress = ErrorCode(rawValue: "invalid-address")
    /// A command-line flag or option value.
    package static let invalidFlag = ErrorCode(rawValue: "invalid-flag")
    /// A duration that is not Go's `300ms`, `1.5h`, `2h45m` form.
    package static let invalidDuration = ErrorCode(rawValue: "invalid-duration")
    /// A store URL.
    package static let invalidStoreURL = ErrorCode(rawValue: "invalid-store-url")
    /// A template resource (`conf.d/*.toml`) or confd's config file.
    package static let invalidResource = ErrorCode(rawValue: "invalid-resource")
    /// A template that does not parse or does not render.
    package static let invalidTemplate = ErrorCode(rawValue: "invalid-template")
    /// A YAML store file.
    package static let invalidStoreFile = ErrorCode(rawValue: "invalid-store-file")
    /// A TLS certificate, key or CA file.
    package static let invalidTLSFile = ErrorCode(rawValue: "invalid-tls-file")

    // The store.
    /// No member answered, or not in time.
    package static let storeUnreachable = ErrorCode(rawValue: "store-unreachable")
    /// The store cannot be written (`env:`), or refused a write.
    package static let storeReadOnly = ErrorCode(rawValue: "store-read-only")
    /// The store refused the user, the password or the permission.
    package static let storeAccessDenied = ErrorCode(rawValue: "store-access-denied")
    /// The revision asked for was compacted away.
    package static let storeCompacted = ErrorCode(rawValue: "store-compacted")
    /// The store answered with another error.
    package static let storeRefused = ErrorCode(rawValue: "store-refused")
    /// A lease expired, was revoked, or never existed.
    package static let leaseExpired = ErrorCode(rawValue: "lease-expired")

    // Applying a config.
    /// `check_cmd` refused the staged config.
    package static let checkFailed = ErrorCode(rawValue: "check-failed")
    /// `reload_cmd` failed; the previous file was restored and reloaded.
    package static let reloadFailed = ErrorCode(rawValue: "reload-failed")
    /// The rollback after a failed reload failed too.
    package static let rollbackFailed = ErrorCode(rawValue: "rollback-failed")
    /// A command could not start, or was killed at its timeout.
    package static let commandFailed = ErrorCode(rawValue: "command-failed")
    /// A file could not be read, staged, synced or renamed.
    package static let fileFailed = ErrorCode(rawValue: "file-failed")

    // Processes this one runs or serves.
    /// nginx did not start, stop or reload.
    package static let nginxFailed = ErrorCode(rawValue: "nginx-failed")
    /// A listening socket could not be opened.
    package static let listenFailed = ErrorCode(rawValue: "listen-failed")
    /// The probe could not run (its URL, most often).
    package static let probeFailed = ErrorCode(rawValue: "probe-failed")
    /// The demo could not come up.
    package static let demoFailed = ErrorCode(rawValue: "demo-failed")
    /// The terminal could not be used by the console.
    package static let consoleFailed = ErrorCode(rawValue: "console-failed")
    /// systemd's notify socket could not be written.
    package static let notifyFailed = ErrorCode(rawValue: "notify-failed")
}

/// An error Switchboard reports: a stable `code` to branch on and a `description` for people. Every package error
/// type of Switchboard's modules conforms (`ErrorCode+Errors.swift` says which code each carries).
package protocol SwitchboardError: Error, CustomStringConvertible {
    var code: ErrorCode { get }
}

extension Error {
    /// The Switchboard code of this error; `nil` for an error from elsewhere (the system, a library).
    package var switchboardCode: ErrorCode? { (self as? any SwitchboardError)?.code }
}
