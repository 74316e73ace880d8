import GoTemplate
import GoText

/// Turns a resource's template and its view of the mirror into bytes; the same path for an apply and a preview,
/// so what the console previews is what an apply would write.
///
/// Templates are parsed once and re-parsed only when their file changes on disk.
actor Renderer {
    /// Everything one apply needs from the renderer, prepared against the mirror as it was when the apply began.
    struct Job: Sendable {
        var target: ApplyTarget
        /// Keys left out of the view because their value is not `host:port`, sorted.
        var rejected: [GoString]
        /// The view's values for `rejected`, to report them.
        var rejectedValues: [GoString]
        var render: @Sendable () throws -> [UInt8]
    }

    private var templates = TemplateCache()
    /// Per resource: the order `getvs` sorted values in at its last render (see `ValueOrderCache`).
    private let valueOrderCaches: [String: ValueOrderCache]

    init(resources: [ResourcePlan]) {
        valueOrderCaches = Dictionary(
            resources.map { ($0.name, ValueOrderCache()) }, uniquingKeysWith: { first, _ in first })
    }

    /// Prepares an apply of `plan` against `mirror`.
    func job(for plan: ResourcePlan, mirror: SortedKeyMap) -> Job {
        let (view, rejected) = plan.guardedView(of: mirror)
        let template = Result { try templates.template(at: plan.templatePath, displayName: plan.templateDisplayName) }
        var target = plan.target
        if let source = plan.checkCommandSource {
            let command = Result { try templates.command(source, resource: plan.name) }
            target.checkCommand = { stage in
                String(decoding: try command.get().render(StoreView([:]), dot: ["src": stage]), as: UTF8.self)
            }
        }
        let storeView = StoreView(view, orderCache: valueOrderCaches[plan.name])
        return Job(
            target: target, rejected: rejected, rejectedValues: rejected.map { mirror[$0] ?? "" },
            render: { try template.get().render(storeView) })
    }

    /// The text `plan` renders to against `mirror` (a hypothetical one for a preview). Writes nothing.
    /// - Throws: the template's error.
    func text(of plan: ResourcePlan, mirror: SortedKeyMap) throws -> String {
        let template = try templates.template(at: plan.templatePath, displayName: plan.templateDisplayName)
        return String(decoding: try template.render(StoreView(plan.guardedView(of: mirror).view)), as: UTF8.self)
    }
}
