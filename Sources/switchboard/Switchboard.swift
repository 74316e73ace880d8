import ArgumentParser
import ConfdDropIn
import Core
import Foundation

/// The `switchboard` command: one tool for the whole control plane.
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "A confd-compatible control plane for nginx: watch a store, render, check, swap, reload.",
        version: SwitchboardVersion.current,
        subcommands: [
            RunCommand.self, DemoCommand.self, ConsoleCommand.self, RegisterCommand.self, DeregisterCommand.self,
            BackendsCommand.self, HelloCommand.self, ProbeCommand.self, DrainCommand.self,
        ]
    )
}

/// `switchboard run` takes confd's command line verbatim (Go flag syntax), so it bypasses the argument parser;
/// everything else goes through it.
@main
enum Entry {
    static func main() async {
        HeapTuning.shareOneArena()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "run", !arguments.dropFirst().contains(where: { $0 == "--help" }) {
            let status = await ConfdRun.main(arguments: Array(arguments.dropFirst()))
            exit(status)
        }
        await Switchboard.main()
    }
}
