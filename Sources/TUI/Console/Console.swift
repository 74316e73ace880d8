import Core
import Foundation

/// The operator console: a face over an engine. It reads snapshots and sends effects; nothing else.
package enum Console {
    /// Takes over the terminal until the user presses `q` (or SIGINT/SIGTERM/SIGHUP arrives), then restores it.
    /// - Throws: `ConsoleError` when stdin or stdout is not a terminal.
    package static func run(engine: any EngineControl, options: ConsoleOptions) async throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw ConsoleError(message: "switchboard console needs a terminal on stdin and stdout")
        }
        let mailbox = try ConsoleMailbox()
        let (intents, continuation) = AsyncStream<ConsoleIntent>.makeStream()
        let snapshots = engine.snapshots()
        var iterator = snapshots.makeAsyncIterator()
        let first = await iterator.next() ?? EngineSnapshot(store: "?")
        let terminal = Terminal(options: options, initial: first, mailbox: mailbox, intents: continuation)

        let signals = Task {
            await ShutdownSignals.forEach(of: [.sigint, .sigterm, .sighup]) { mailbox.requestQuit() }
        }
        defer { signals.cancel() }

        let thread = Thread { terminal.run() }
        thread.name = "switchboard-console"
        thread.start()

        // The terminal thread ends the intents stream when it has restored the terminal: that is when we return.
        await withTaskCancellationHandler {
            await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for await snapshot in snapshots { mailbox.post(snapshot) }
                    mailbox.requestQuit()  // the engine stopped: leave too
                    return false
                }
                group.addTask {
                    // A drain waits for the engines (seconds): it runs beside the other effects, so probing while
                    // it waits shows the traffic moving.
                    await withDiscardingTaskGroup { drains in
                        for await intent in intents {
                            switch intent {
                            case .quit:
                                continue
                            case .perform(let effect):
                                if case .drain = effect {
                                    drains.addTask {
                                        mailbox.post(.effect(effect, error: await engine.perform(effect)))
                                    }
                                    continue
                                }
                                let error = await engine.perform(effect)
                                mailbox.post(.effect(effect, error: error))
                            case .preview(let change):
                                let results = await engine.preview(change)
                                mailbox.post(.preview(change, results))
                            }
                        }
                    }
                    return true
                }
                while let terminalEnded = await group.next() {
                    if terminalEnded {
                        group.cancelAll()
                        break
                    }
                }
            }
        } onCancel: {
            mailbox.requestQuit()
        }
    }
}
