import ArgumentParser
import Core

/// The `switchboard` command: one tool for the whole control plane.
@main
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "A confd-compatible control plane for nginx: watch a store, render, check, swap, reload.",
        version: SwitchboardVersion.current,
        subcommands: [
            RunCommand.self
        ]
    )
}
