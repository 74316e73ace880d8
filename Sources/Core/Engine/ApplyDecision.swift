/// The apply pipeline's decisions, kept pure so that every failure path can be tested without touching a file.
package enum ApplyDecision: Sendable, Equatable {
    /// The rendered file equals the live one: no check, no reload.
    case unchanged
    /// `-noop`: report the diff, touch nothing.
    case reportOnly
    /// Stage, check and swap the file in.
    case write
    /// The check (or the write) failed: leave the live file as it is.
    case keepOld
    /// The reload failed after the swap: put the previous file back and reload again.
    case rollback
    /// Finished successfully.
    case done

    /// What to do with a fresh render given the live file.
    package static func afterRender(rendered: FileState, live: FileState?, noop: Bool) -> ApplyDecision {
        if let live, live == rendered { return .unchanged }
        return noop ? .reportOnly : .write
    }

    /// What to do after `check_cmd` ran (`nil`: no check configured or `-sync-only`).
    package static func afterCheck(_ outcome: CommandOutcome?) -> ApplyDecision {
        guard let outcome else { return .write }
        return outcome.succeeded ? .write : .keepOld
    }

    /// What to do after `reload_cmd` ran (`nil`: no reload configured or `-sync-only`).
    package static func afterReload(_ outcome: CommandOutcome?) -> ApplyDecision {
        guard let outcome else { return .done }
        return outcome.succeeded ? .done : .rollback
    }
}

/// What makes a file "the same" for confd: its bytes, mode and owner.
package struct FileState: Sendable, Equatable {
    package var bytes: [UInt8]
    package var mode: UInt32
    package var uid: UInt32
    package var gid: UInt32

    package init(bytes: [UInt8], mode: UInt32, uid: UInt32, gid: UInt32) {
        self.bytes = bytes
        self.mode = mode
        self.uid = uid
        self.gid = gid
    }
}
