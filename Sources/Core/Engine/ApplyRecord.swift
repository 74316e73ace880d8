import Foundation

/// Why an apply happened.
package enum ApplyTrigger: Sendable, Hashable, CustomStringConvertible {
    /// The first pass after the engine started.
    case startup
    /// A store change, up to this revision.
    case change(revision: Int64)
    /// The `-interval` timer.
    case interval
    /// An operator asked for it (the console's `r`).
    case manual

    package var description: String {
        switch self {
        case .startup: return "startup"
        case .change(let revision): return "change @\(revision)"
        case .interval: return "interval"
        case .manual: return "manual"
        }
    }
}

/// How an apply ended.
package enum ApplyResult: Sendable, Hashable, CustomStringConvertible {
    /// The rendered bytes, mode and owner equal the live file: nothing was touched.
    case unchanged
    /// The new file is live and the reload (if any) succeeded.
    case applied
    /// `-noop`: the file would have changed; nothing was touched.
    case wouldChange
    /// The template could not be rendered; the live file is untouched.
    case renderFailed
    /// `check_cmd` rejected the staged file; the live file is untouched.
    case checkFailed
    /// The staged file could not be written or moved into place; the live file is untouched.
    case writeFailed
    /// `reload_cmd` failed; the previous file was restored and reloaded.
    case reloadFailedRolledBack
    /// `reload_cmd` failed and so did restoring the previous file: the operator must look.
    case reloadFailedRollbackFailed

    /// True when the apply did what it should (unchanged and noop count as success).
    package var isSuccess: Bool {
        switch self {
        case .unchanged, .applied, .wouldChange: return true
        default: return false
        }
    }

    package var description: String {
        switch self {
        case .unchanged: return "unchanged"
        case .applied: return "applied"
        case .wouldChange: return "would change"
        case .renderFailed: return "render failed"
        case .checkFailed: return "check failed"
        case .writeFailed: return "write failed"
        case .reloadFailedRolledBack: return "rolled back"
        case .reloadFailedRollbackFailed: return "rollback failed"
        }
    }
}

/// One pass of the apply pipeline over one template resource: what the console's Reloads panel shows.
package struct ApplyRecord: Sendable, Hashable, Identifiable {
    /// Increases by one per record within one engine.
    package var id: Int
    package var time: Date
    /// The resource's name: its toml file relative to `conf.d`.
    package var resource: String
    package var dest: String
    package var trigger: ApplyTrigger
    package var result: ApplyResult
    /// Time spent rendering, checking, reloading (and rolling back), in seconds.
    package var renderSeconds: Double
    package var checkSeconds: Double
    package var reloadSeconds: Double
    /// Lines added and removed against the previous live file.
    package var linesAdded: Int
    package var linesRemoved: Int
    /// Output of `check_cmd`, `reload_cmd` and a rollback's reload, in that order, labelled.
    package var output: String
    /// What went wrong, in words; `nil` on success.
    package var error: String?
    /// Store keys left out of the render because their values failed the resource's value check.
    package var rejectedKeys: [String]
    /// The store revision the render read (set by the engine; 0 when unknown).
    package var revision: Int64 = 0

    package init(
        id: Int, time: Date, resource: String, dest: String, trigger: ApplyTrigger, result: ApplyResult,
        renderSeconds: Double = 0, checkSeconds: Double = 0, reloadSeconds: Double = 0,
        linesAdded: Int = 0, linesRemoved: Int = 0, output: String = "", error: String? = nil,
        rejectedKeys: [String] = []
    ) {
        self.id = id
        self.time = time
        self.resource = resource
        self.dest = dest
        self.trigger = trigger
        self.result = result
        self.renderSeconds = renderSeconds
        self.checkSeconds = checkSeconds
        self.reloadSeconds = reloadSeconds
        self.linesAdded = linesAdded
        self.linesRemoved = linesRemoved
        self.output = output
        self.error = error
        self.rejectedKeys = rejectedKeys
    }

    /// Total wall time of the apply.
    package var totalSeconds: Double { renderSeconds + checkSeconds + reloadSeconds }
}
