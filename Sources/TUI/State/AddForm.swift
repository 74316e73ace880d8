import Core
import Foundation

/// The `a` form: a backend's key and address, validated before anything is sent.
package struct AddForm: Sendable, Hashable {
    /// Which text field has the cursor.
    package enum Field: Sendable, Hashable { case key, address }

    package var key: String
    package var address: String
    package var field: Field = .key
    /// Why the last submit was refused, in words; shown inside the form.
    package var error: String?

    package init(key: String, address: String = "", field: Field = .key, error: String? = nil) {
        self.key = key
        self.address = address
        self.field = field
        self.error = error
    }

    /// The change this form describes, or a sentence saying what is wrong with it.
    package func validated(prefix: String) -> Result<BackendChange, AddFormError> {
        var trimmedKey = key.trimmingCharacters(in: .whitespaces)
        // The field starts with the prefix; an operator who types the whole key (`/test/apache-9100`, or
        // `test/apache-9100`) means that key, not one nested under the prefix again.
        if trimmedKey.hasPrefix(prefix) {
            var rest = String(trimmedKey.dropFirst(prefix.count))
            while rest.hasPrefix("/") { rest.removeFirst() }
            let bare = prefix.hasPrefix("/") ? String(prefix.dropFirst()) : prefix
            if !bare.isEmpty, rest.hasPrefix(bare) { rest.removeFirst(bare.count) }
            trimmedKey = prefix + rest
        }
        if trimmedKey.count <= prefix.count || !trimmedKey.hasPrefix(prefix) {
            return .failure(AddFormError(message: "key must be a name under \(prefix), e.g. \(prefix)apache-8001"))
        }
        if (try? StoreKey(validating: trimmedKey)) == nil {
            return .failure(
                AddFormError(message: "key \"\(trimmedKey)\" must not contain spaces or control characters"))
        }
        do {
            let parsed = try BackendAddress(parsing: address.trimmingCharacters(in: .whitespaces))
            return .success(.add(key: trimmedKey, address: parsed.description))
        } catch {
            return .failure(AddFormError(message: "\(error)"))
        }
    }
}

/// Why an add form cannot be submitted.
package struct AddFormError: Error, Sendable, Hashable, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}
