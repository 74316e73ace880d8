import Core

/// What the reducer asks the outside world to do after a key press.
package enum ConsoleIntent: Sendable, Hashable {
    /// Send an effect to the engine (add/remove a backend, render now, probe now).
    case perform(EngineEffect)
    /// Ask the engine for the diff a change would produce; the answer goes to `ConsoleState.receive(preview:)`.
    case preview(BackendChange)
    /// Leave the console.
    case quit
}
