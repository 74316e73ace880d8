import Foundation
import Logging
import ServiceLifecycle

/// How the engine runs: confd's three modes.
package enum EngineMode: Sendable, Hashable {
    /// One pass over every resource, then return.
    case onetime
    /// A pass, then another every so many seconds.
    case interval(seconds: Int)
    /// A pass, then one per change of the store, coalesced.
    case watch
}

/// Everything the engine needs besides the store.
package struct EngineConfiguration: Sendable {
    package var resources: [ResourcePlan]
    package var mode: EngineMode
    package var options: ApplyOptions
    /// The run's coalescing windows (`--wait`); a resource's own `wait` wins.
    package var wait: WaitPolicy
    /// Keys under this prefix are shown as backends (the demo's `/test/`).
    package var backendPrefix: String?
    /// Runs a probe for the console's `p`; `nil` when no probe URL was given.
    package var probe: (@Sendable () async throws -> ProbeReport)?
    /// Called with every apply's outcome (the CLI prints `-noop` diffs and headless log lines from it).
    package var onApply: (@Sendable (ApplyPipeline.Outcome) -> Void)?
    /// How many apply records the history keeps.
    package var historyLimit: Int
    /// Called with every event as it happens (metrics, the systemd status, logs). Must return quickly.
    package var onEvent: (@Sendable (EngineEventRecord) -> Void)?
    /// How many events the snapshot's event log keeps.
    package var eventLimit: Int

    package init(
        resources: [ResourcePlan], mode: EngineMode, options: ApplyOptions = .init(), wait: WaitPolicy = .standard,
        backendPrefix: String? = nil, probe: (@Sendable () async throws -> ProbeReport)? = nil,
        onApply: (@Sendable (ApplyPipeline.Outcome) -> Void)? = nil, historyLimit: Int = 200,
        onEvent: (@Sendable (EngineEventRecord) -> Void)? = nil, eventLimit: Int = 500
    ) {
        self.resources = resources
        self.mode = mode
        self.options = options
        self.wait = wait
        self.backendPrefix = backendPrefix
        self.probe = probe
        self.onApply = onApply
        self.historyLimit = historyLimit
        self.onEvent = onEvent
        self.eventLimit = eventLimit
    }
}

/// The watch-render-reload engine, as a handful of services run in one `ServiceGroup`, the data flowing in the
/// order of their names: the `StoreMirror` follows the store, the `ApplyScheduler` decides when each resource is
/// applied and applies it with the `Renderer`, the `SnapshotHub` publishes what the faces show, and the
/// `ControlPlane` carries out the console's effects and keeps lease TTLs live.
///
/// Time comes from the injected clock, so every timing rule can be run in virtual time.
package final class Engine: Service, EngineControl, Sendable {
    private let configuration: EngineConfiguration
    private let store: any KeyValueStore
    private let logger: Logger
    private let clock: AnyClock
    private let hub: SnapshotHub
    private let mirror: StoreMirror
    private let renderer: Renderer
    private let scheduler: ApplyScheduler
    private let controlPlane: ControlPlane

    /// - Parameters:
    ///   - clock: the engine's time (coalescing windows, retries, lease countdowns); a test passes one it advances.
    ///   - backoff: how the store is retried when it cannot be reached.
    package init(
        configuration: EngineConfiguration, store: any KeyValueStore, logger: Logger, clock: AnyClock = .continuous,
        backoff: Backoff = .standard
    ) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.clock = clock
        let leaseNews = ChangeInbox()
        hub = SnapshotHub(
            configuration: configuration, storeName: store.displayName, leaseNews: leaseNews, clock: clock)
        mirror = StoreMirror(
            store: store, prefixes: Self.watchedPrefixes(configuration), backendPrefix: configuration.backendPrefix,
            backoff: backoff, clock: clock, hub: hub, leaseNews: leaseNews, logger: logger)
        renderer = Renderer(resources: configuration.resources)
        scheduler = ApplyScheduler(
            configuration: configuration, renderer: renderer, mirror: mirror, hub: hub, clock: clock, logger: logger)
        controlPlane = ControlPlane(
            configuration: configuration, store: store, scheduler: scheduler, renderer: renderer, mirror: mirror,
            hub: hub, leaseNews: leaseNews, clock: clock, logger: logger)
    }

    /// Every prefix some resource watches, without duplicates, and the backend prefix.
    private static func watchedPrefixes(_ configuration: EngineConfiguration) -> [String] {
        var seen = Set<String>()
        var prefixes = configuration.resources.flatMap(\.watchedPrefixes).filter { seen.insert($0).inserted }
        if let backendPrefix = configuration.backendPrefix, !prefixes.contains(where: { backendPrefix.hasPrefix($0) }) {
            prefixes.append(backendPrefix)
        }
        return prefixes
    }

    // MARK: Running

    /// Runs the configured mode until it ends (onetime) or the task is cancelled / the service group shuts down.
    package func run() async throws {
        removeLeftoverStageFiles()
        let services: [any Service]
        switch configuration.mode {
        case .onetime:
            _ = try await runOnce()
            return
        case .interval(let seconds):
            services = [
                hub, IntervalPasses(seconds: seconds, mirror: mirror, scheduler: scheduler, clock: clock),
                controlPlane,
            ]
        case .watch:
            await mirror.connect(
                changed: { [scheduler] keys, instant in scheduler.keysChanged(keys, at: instant) },
                loaded: { [scheduler] revision in await scheduler.loaded(revision: revision) })
            services = [hub, mirror, scheduler, controlPlane]
        }
        // Shut down in reverse: effects stop first, a running apply ends, then the faces' streams end.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map {
                    .init(service: $0, successTerminationBehavior: $0 is ControlPlane ? .ignore : .cancelGroup)
                },
                logger: logger))
        try await group.run()
    }

    /// One pass: read the store, apply every resource in order.
    /// - Returns: one record per resource.
    /// - Throws: when the store cannot be read (nothing is applied then).
    package func runOnce() async throws -> [ApplyRecord] {
        try await mirror.reload()
        let revision = await mirror.revision
        let records = await scheduler.applyAll(trigger: .startup)
        if records.allSatisfy({ $0.result.isSuccess }) { scheduler.markApplied(revision: revision) }
        return records
    }

    private func removeLeftoverStageFiles() {
        for plan in configuration.resources {
            for path in LiveFile.leftoverStageFiles(for: plan.target.dest) {
                logger.warning("removing stage file \(path) left by an interrupted apply")
                LiveFile.remove(path)
            }
        }
    }

    // MARK: The faces

    /// Snapshots, newest wins; the current one is delivered at once.
    package func snapshots() -> AsyncStream<EngineSnapshot> { hub.snapshots() }

    /// The state as a value.
    package func currentSnapshot() -> EngineSnapshot { hub.currentSnapshot() }

    /// Carries out a console effect; returns an error in words when it failed.
    package func perform(_ effect: EngineEffect) async -> String? { await controlPlane.perform(effect) }

    /// Renders every resource the change concerns against the store as it would be after it, and diffs with the
    /// live file. Never writes.
    package func preview(_ change: BackendChange) async -> [PreviewResult] { await controlPlane.preview(change) }
}

/// `--interval`: a fresh snapshot and a pass over every resource, then another every so many seconds.
private struct IntervalPasses: Service {
    let seconds: Int
    let mirror: StoreMirror
    let scheduler: ApplyScheduler
    let clock: AnyClock

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var trigger = ApplyTrigger.startup
            while !Task.isCancelled {
                // An unreachable store is reported by the mirror; the live config stays as it is.
                if (try? await mirror.reload()) != nil { _ = await scheduler.applyAll(trigger: trigger) }
                trigger = .interval
                do { try await clock.sleep(for: .seconds(seconds)) } catch { return }
            }
        }
    }
}
