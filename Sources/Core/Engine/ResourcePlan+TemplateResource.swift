extension ResourcePlan {
    /// The engine's plan for a conf.d resource.
    /// - Parameter commandTimeout: the run's default for `check_cmd` and `reload_cmd`.
    package init(_ resource: TemplateResource, commandTimeout: Duration = .seconds(60)) {
        self.init(
            name: resource.name, templatePath: resource.source, templateDisplayName: resource.sourceDisplayName,
            target: ApplyTarget(
                name: resource.name, dest: resource.dest, mode: resource.mode, uid: resource.uid, gid: resource.gid,
                reloadCommand: resource.reloadCommand, checkTimeout: resource.checkTimeout ?? commandTimeout,
                reloadTimeout: resource.reloadTimeout ?? commandTimeout),
            checkCommandSource: resource.checkCommand, watchedPrefixes: resource.storeKeys,
            view: { resource.view(of: $0) }, valuesMustBeAddresses: resource.valuesMustBeAddresses,
            wait: resource.wait)
    }
}
