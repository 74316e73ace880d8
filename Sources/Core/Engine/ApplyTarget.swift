/// Where and how one resource's rendered file goes live: what the apply pipeline needs of a template resource.
public struct ApplyTarget: Sendable {
    /// The resource's name (its toml path under conf.d), for records and logs.
    public var name: String
    /// Absolute path of the live file.
    public var dest: String
    /// Permission bits; `nil` keeps the live file's mode, or 0644 for a new file (as confd).
    public var mode: UInt32?
    /// Owner; `nil` means the effective user/group of this process (as confd).
    public var uid: UInt32?
    public var gid: UInt32?
    /// `check_cmd`: given the stage file's path, the command line to run (the engine renders confd's
    /// `{{.src}}` template here).
    public var checkCommand: (@Sendable (_ stagePath: String) throws -> String)?
    /// `reload_cmd`, run through `/bin/sh -c`.
    public var reloadCommand: String?
    public var checkTimeout: Duration
    public var reloadTimeout: Duration

    public init(
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
public struct ApplyOptions: Sendable, Hashable {
    /// `-noop`: print a diff, touch nothing.
    public var noop = false
    /// `-sync-only`: write files, skip `check_cmd` and `reload_cmd`.
    public var syncOnly = false
    /// `-keep-stage-file`: leave the stage file behind.
    public var keepStageFile = false

    public init(noop: Bool = false, syncOnly: Bool = false, keepStageFile: Bool = false) {
        self.noop = noop
        self.syncOnly = syncOnly
        self.keepStageFile = keepStageFile
    }
}
