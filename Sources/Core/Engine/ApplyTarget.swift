/// Where and how one resource's rendered file goes live: what the apply pipeline needs of a template resource.
package struct ApplyTarget: Sendable {
    /// The resource's name (its toml path under conf.d), for records and logs.
    package var name: String
    /// Absolute path of the live file.
    package var dest: String
    /// Permission bits; `nil` keeps the live file's mode, or 0644 for a new file (as confd).
    package var mode: UInt32?
    /// Owner; `nil` means the effective user/group of this process (as confd).
    package var uid: UInt32?
    package var gid: UInt32?
    /// `check_cmd`: given the stage file's path, the command line to run (the engine renders confd's
    /// `{{.src}}` template here).
    package var checkCommand: (@Sendable (_ stagePath: String) throws -> String)?
    /// `reload_cmd`, run through `/bin/sh -c`.
    package var reloadCommand: String?
    package var checkTimeout: Duration
    package var reloadTimeout: Duration

    package init(
        name: String, dest: String, mode: UInt32? = nil, uid: UInt32? = nil, gid: UInt32? = nil,
        checkCommand: (@Sendable (_ stagePath: String) throws -> String)? = nil, reloadCommand: String? = nil,
        checkTimeout: Duration = .seconds(60), reloadTimeout: Duration = .seconds(60)
    ) {
        self.name = name
        self.dest = dest
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.checkCommand = checkCommand
        self.reloadCommand = reloadCommand
        self.checkTimeout = checkTimeout
        self.reloadTimeout = reloadTimeout
    }
}

/// Run-wide switches of the apply pipeline (confd's flags).
package struct ApplyOptions: Sendable, Hashable {
    /// `-noop`: print a diff, touch nothing.
    package var noop = false
    /// `-sync-only`: write files, skip `check_cmd` and `reload_cmd`.
    package var syncOnly = false
    /// `-keep-stage-file`: leave the stage file behind.
    package var keepStageFile = false

    package init(noop: Bool = false, syncOnly: Bool = false, keepStageFile: Bool = false) {
        self.noop = noop
        self.syncOnly = syncOnly
        self.keepStageFile = keepStageFile
    }
}
