import Foundation
import GoText

/// confd's env backend: `/a/b` is read from `A_B`; names map back by lowercasing and `_` → `/`.
///
/// Unlike confd, watch mode renders with it: the environment of a process does not change, so the stream
/// delivers nothing after the first snapshot, and the engine never hangs waiting for it.
package struct EnvStore: KeyValueStore {
    package let displayName = "env"
    private let environment: [String: String]

    package init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The env variable a key is read from: `/app/db_host` → `APP_DB_HOST`.
    static func variableName(for key: String) -> String {
        var name = key
        if name.hasPrefix("/") { name.removeFirst() }
        return name.replacingOccurrences(of: "/", with: "_").uppercased()
    }

    /// The key a variable is listed as: `APP_DB` → `/app/db`.
    static func key(for variable: String) -> String {
        ("/" + variable).lowercased().replacingOccurrences(of: "_", with: "/")
    }

    package func snapshot(prefixes: [String]) async throws -> StoreSnapshot {
        var pairs: [GoString: GoString] = [:]
        for prefix in prefixes {
            let variablePrefix = Self.variableName(for: prefix)
            for (name, value) in environment where name.hasPrefix(variablePrefix) {
                pairs[GoString(Self.key(for: name))] = GoString(value)
            }
        }
        return StoreSnapshot(pairs: pairs, revision: 1)
    }

    package func updates(prefixes: [String], after revision: Int64) -> AsyncThrowingStream<StoreUpdate, Error> {
        // Nothing ever changes; the stream stays open (and idle) until the engine stops.
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: StoreUpdate.self)
        continuation.yield(.connection(.connected))
        // The stream holds its own continuation until the consumer goes away, so it stays open and idle.
        continuation.onTermination = { _ in _ = continuation }
        return stream
    }
}
