import Foundation
import GoTemplate
import GoText
import TOMLKit

/// One `conf.d/*.toml` template resource, validated: everything confd reads from its `[template]` table, plus
/// Switchboard's additions.
package struct TemplateResource: Sendable, Hashable {
    /// The toml file, relative to `conf.d` (the resource's name in logs and records).
    package var name: String
    /// The template file: `src` resolved under `<confdir>/templates`.
    package var source: String
    /// `src` as written, relative to the templates directory (for error messages: `templates/nginx.tmpl`).
    package var sourceDisplayName: String
    package var dest: String
    /// `keys` as written.
    package var keys: [String]
    /// The prefix in effect, with a leading `/` (the run's `-prefix` replaces the resource's).
    package var prefix: String
    /// Permission bits from `mode` (octal); `nil` keeps the live file's mode or uses 0644.
    package var mode: UInt32?
    package var uid: UInt32?
    package var gid: UInt32?
    package var checkCommand: String?
    package var reloadCommand: String?
    /// Switchboard: `check_timeout` / `reload_timeout` in seconds; `nil` uses the run's.
    package var checkTimeout: Duration?
    package var reloadTimeout: Duration?
    /// Switchboard: `wait = "MIN:MAX"`.
    package var wait: WaitPolicy?
    /// Switchboard: `values = "host:port"`: every value under `keys` must be a `host:port`.
    package var valuesMustBeAddresses: Bool

    /// `keys` joined to the prefix as confd does (`path.Join(prefix, key)`): the store prefixes this resource reads.
    package var storeKeys: [String] {
        keys.map { GoPath.join(prefix, $0) }
    }

    /// The resource's view of the store, as confd builds it: every key that starts (as bytes, like Go's
    /// `strings.HasPrefix`) with one of `storeKeys`, renamed to `path.Join("/", strings.TrimPrefix(key, prefix))`.
    ///
    /// The keys under `storeKeys` are slices of the sorted mirror, and renaming mostly keeps their order (always with
    /// the root prefix and clean keys), so the view is usually built without a sort. When two keys rename to the same
    /// view key, the one greater in byte order wins.
    package func view(of mirror: SortedKeyMap) -> SortedKeyMap {
        // Under the root prefix a clean key is its own view key: with no other kind in the mirror, the view is the
        // mirror's slices (or the mirror itself), with no per-key work.
        if prefix == "/", mirror.uncleanKeyCount == 0 {
            return mirror.restricted(to: mirror.ranges(withPrefixes: storeKeys))
        }
        var keys: [GoString] = []
        var values: [GoString] = []
        let prefixBytes = GoString(prefix)
        var inOrder = true
        for range in mirror.ranges(withPrefixes: storeKeys) {
            keys.reserveCapacity(keys.count + range.count)
            values.reserveCapacity(values.count + range.count)
            for index in range {
                let key = mirror.keys[index]
                let viewKey: GoString
                // With the root prefix a clean key is its own view key; skip the string surgery.
                if prefix == "/", SortedKeyMap.isCleanAbsolute(key) {
                    viewKey = key
                } else {
                    viewKey = GoPath.rooted(key.hasPrefix(prefixBytes) ? key.dropFirst(prefixBytes.count) : key)
                }
                if inOrder, let last = keys.last, !(last < viewKey) { inOrder = false }
                keys.append(viewKey)
                values.append(mirror.values[index])
            }
        }
        if inOrder { return SortedKeyMap(sortedKeys: keys, values: values) }
        return SortedKeyMap(unsortedPairs: zip(keys, values).map { (key: $0, value: $1) })
    }
}

/// Something in a conf.d tree or a template resource that is wrong, naming the file (and line or key).
package struct ResourceError: Error, Sendable, Hashable, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// A field confd would silently ignore: reported so typos do not go unnoticed.
package struct ResourceWarning: Sendable, Hashable, CustomStringConvertible {
    package var file: String
    package var field: String
    package var description: String { "\(file): unknown field \"\(field)\" is ignored" }
}
