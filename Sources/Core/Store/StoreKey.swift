import GoText

/// A key someone asked Switchboard to write (`register`, `hello --register`, `drain`, the console's add form),
/// validated once, by the one rule: an absolute store path (`/test/apache-8001`), more than `/`, with no spaces
/// and no control characters. Keys read from a store are taken as they are (`GoString`); this rule is for keys we
/// are about to create, where a typo would otherwise become a backend nobody renders.
package struct StoreKey: Sendable, Hashable, CustomStringConvertible {
    package let text: String

    /// - Throws: `KeyError` (code `invalid-key`) naming the key.
    package init(validating text: String) throws {
        let printable = !text.unicodeScalars.contains {
            $0.properties.isWhitespace || $0.properties.generalCategory == .control
        }
        guard text.hasPrefix("/"), text.count > 1, printable else { throw KeyError(key: text) }
        self.text = text
    }

    /// The key's bytes, as stores hold them.
    package var bytes: GoString { GoString(text) }
    package var description: String { text }
}
