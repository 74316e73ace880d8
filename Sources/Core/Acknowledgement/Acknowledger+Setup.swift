import Foundation

extension Acknowledger {
    /// `store` as a store acknowledgements can be written to.
    /// - Throws: `AcknowledgementError` naming why not (the env backend, a file store of several files).
    package static func writableStore(_ store: any KeyValueStore) throws -> any WritableKeyValueStore {
        if let file = store as? FileStore {
            // The file store's own rule: one YAML file, not a directory or several files.
            do {
                _ = try file.writableFile()
            } catch {
                throw AcknowledgementError(
                    "\(store.displayName): acknowledgements need a store Switchboard can write: \(error)")
            }
            return file
        }
        guard let writable = store as? any WritableKeyValueStore else {
            throw AcknowledgementError("\(store.displayName): this store cannot be written, so no acknowledgement")
        }
        return writable
    }

    /// Every handler given, called in order with each event; `nil` when none is.
    package static func fanOut(
        _ handlers: [(@Sendable (EngineEventRecord) -> Void)?]
    ) -> (@Sendable (EngineEventRecord) -> Void)? {
        let present = handlers.compactMap { $0 }
        guard present.count > 1 else { return present.first }
        return { record in for handler in present { handler(record) } }
    }
}

/// Why acknowledgements cannot be published, in words.
package struct AcknowledgementError: Error, Sendable, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
