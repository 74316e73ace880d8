import ArgumentParser
import ConfdDropIn
import Core

/// `switchboard run`: a drop-in replacement for confd. Listed here for help; `Entry` hands its arguments to
/// `ConfdRun` unparsed so that Go-style flags (`-onetime`, `-file=x`) work exactly as with confd.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run as confd does: render conf.d templates from a store, check, swap and reload.",
        discussion: ConfdFlags.usage
    )

    @Argument(parsing: .captureForPassthrough, help: "confd's flags, e.g. -onetime -backend file -file keys.yaml")
    var arguments: [String] = []

    func run() async throws {
        throw ExitCode(await ConfdRun.main(arguments: arguments))
    }
}
