import ArgumentParser
import Core

/// `switchboard run`: a drop-in replacement for confd, taking confd's flags.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run as confd does: render conf.d templates from a store, check, swap and reload."
    )

    @Argument(parsing: .allUnrecognized, help: "confd's flags, e.g. -onetime -backend file -file keys.yaml")
    var arguments: [String] = []

    func run() async throws {
        print("not yet")
    }
}
