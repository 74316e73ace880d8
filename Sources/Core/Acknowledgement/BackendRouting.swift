/// How many engines route to one backend, as `switchboard backends` shows it: of the engines that render the key
/// (an acknowledgement whose prefixes cover it), those whose live config was rendered at or after the revision the
/// key was last written (so it holds the backend as it is now).
package struct BackendRouting: Sendable, Hashable {
    /// Engines whose live config holds the backend; `nil` when the store does not say when the key was written.
    package var routing: Int?
    /// Engines that render the key at all.
    package var rendering: Int

    package init(routing: Int?, rendering: Int) {
        self.routing = routing
        self.rendering = rendering
    }

    /// Counts engines (not resources: an engine routes when any of its resources that render the key does).
    package static func of(
        key: String, modifiedAt: Int64?, acknowledgements: [AppliedAcknowledgement]
    ) -> BackendRouting {
        let covering = acknowledgements.filter { $0.covers(key) }
        let rendering = Set(covering.map(\.engine)).count
        guard let modifiedAt else { return BackendRouting(routing: nil, rendering: rendering) }
        let routing = Set(covering.filter { $0.isLive && $0.revision >= modifiedAt }.map(\.engine)).count
        return BackendRouting(routing: routing, rendering: rendering)
    }

    /// `2/3` (two of the three engines that render the key route to it), `?/3`, or `-` when no engine publishes.
    package var words: String {
        guard rendering > 0 else { return "-" }
        return "\(routing.map(String.init) ?? "?")/\(rendering)"
    }
}
