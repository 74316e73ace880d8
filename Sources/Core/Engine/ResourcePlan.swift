import GoTemplate
import GoText

/// What the engine needs to know about one template resource, independent of how it was configured.
///
/// Built from a conf.d `TemplateResource`; the engine only ever sees plans.
package struct ResourcePlan: Sendable {
    /// The resource's name (its toml path under conf.d).
    package var name: String
    /// The template file, and the name errors use for it (`templates/nginx.conf.tmpl`).
    package var templatePath: String
    package var templateDisplayName: String
    /// Where and how the rendered file goes live.
    package var target: ApplyTarget
    /// `check_cmd` as written (a template over `{{.src}}`); parsed once.
    package var checkCommandSource: String?
    /// Store prefixes whose changes concern this resource.
    package var watchedPrefixes: [String]
    /// The resource's view of the store: filtered by its keys and prefix-stripped, exactly as confd.
    package var view: @Sendable (SortedKeyMap) -> SortedKeyMap
    /// When set, every value the view holds must be a `host:port`; other keys are left out and reported.
    package var valuesMustBeAddresses: Bool
    /// Coalescing windows for this resource; `nil` uses the run's.
    package var wait: WaitPolicy?

    package init(
        name: String, templatePath: String, templateDisplayName: String, target: ApplyTarget,
        checkCommandSource: String?, watchedPrefixes: [String],
        view: @escaping @Sendable (SortedKeyMap) -> SortedKeyMap,
        valuesMustBeAddresses: Bool = false, wait: WaitPolicy? = nil
    ) {
        self.name = name
        self.templatePath = templatePath
        self.templateDisplayName = templateDisplayName
        self.target = target
        self.checkCommandSource = checkCommandSource
        self.watchedPrefixes = watchedPrefixes
        self.view = view
        self.valuesMustBeAddresses = valuesMustBeAddresses
        self.wait = wait
    }

    /// True when a change to `key` can change this resource's view (its bytes start with a watched prefix, as the
    /// view selects them).
    package func watches(_ key: GoString) -> Bool {
        watchedPrefixes.contains { key.hasPrefix($0) }
    }

    /// The view with values that are not `host:port` left out (when the resource asks for that), and the full
    /// store keys that were left out, sorted.
    package func guardedView(of mirror: SortedKeyMap) -> (view: SortedKeyMap, rejected: [GoString]) {
        guard valuesMustBeAddresses else { return (view(mirror), []) }
        var rejected: [GoString] = []
        for range in mirror.ranges(withPrefixes: watchedPrefixes) {
            for index in range where !(mirror.values[index].utf8Text.map(BackendAddress.isValid) ?? false) {
                rejected.append(mirror.keys[index])
            }
        }
        guard !rejected.isEmpty else { return (view(mirror), []) }
        var clean = mirror
        for key in rejected { clean.remove(key) }
        return (view(clean), rejected.sorted())
    }
}
