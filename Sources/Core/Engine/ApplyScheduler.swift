import Foundation
import GoText
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Decides when each resource is applied and applies it: one slot per resource, each running the engine's one
/// debounce (`CoalescingLoop`: its `Coalescer` and timer) in a child task of `run()`, and letting one apply at a
/// time through its gate. Every apply asks the `Renderer`, runs the `ApplyPipeline`, and hands the record to the
/// `SnapshotHub`.
final class ApplyScheduler: Service, Sendable {
    /// One resource's place in the scheduler.
    struct Slot: Sendable {
        let plan: ResourcePlan
        /// Changes to keys the resource watches, waiting for its loop.
        let inbox = ChangeInbox()
        /// Lets one apply of this resource run at a time (a change, a manual render, an interval pass).
        let gate = SerialGate()
        let wait: WaitPolicy
    }

    private let slots: [Slot]
    private let configuration: EngineConfiguration
    private let pipeline: ApplyPipeline
    private let renderer: Renderer
    private let mirror: StoreMirror
    private let hub: SnapshotHub
    private let clock: AnyClock
    private let logger: Logger
    /// The revision `runOnce` applied every resource at, so that watching right after it (the demo renders once
    /// before nginx starts) does not apply the same state again.
    private let appliedByRunOnce = NIOLockedValueBox<Int64?>(nil)

    init(
        configuration: EngineConfiguration, renderer: Renderer, mirror: StoreMirror, hub: SnapshotHub,
        clock: AnyClock, logger: Logger
    ) {
        self.configuration = configuration
        self.slots = configuration.resources.map { Slot(plan: $0, wait: $0.wait ?? configuration.wait) }
        self.pipeline = ApplyPipeline(options: configuration.options)
        self.renderer = renderer
        self.mirror = mirror
        self.hub = hub
        self.clock = clock
        self.logger = logger
    }

    /// Runs every slot's loop until the service group shuts down; an apply under way finishes first.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for slot in self.slots {
                    group.addTask {
                        let loop = CoalescingLoop(inbox: slot.inbox, clock: self.clock, policy: slot.wait)
                        await loop.run {
                            let revision = await self.mirror.revision
                            _ = await self.applyToEnd(slot, trigger: .change(revision: revision))
                        }
                    }
                }
            }
        }
    }

    /// Keys changed at `instant`: tells every resource that watches one of them.
    /// - Returns: the resources whose pending or running apply the change joins.
    func keysChanged(_ keys: [GoString], at instant: AnyClock.Instant) -> [String] {
        var joined: [String] = []
        for slot in slots where keys.contains(where: slot.plan.watches) {
            if slot.inbox.post(at: instant) { joined.append(slot.plan.name) }
        }
        return joined
    }

    /// The mirror's first snapshot is in: applies everything unless `runOnce` just applied this revision.
    func loaded(revision: Int64) async {
        guard appliedByRunOnce.withLockedValue({ $0 }) != revision else { return }
        _ = await applyAll(trigger: .startup)
    }

    /// Applies every resource in order, each after any apply already running on it.
    func applyAll(trigger: ApplyTrigger) async -> [ApplyRecord] {
        var records: [ApplyRecord] = []
        for slot in slots { records.append(await applyToEnd(slot, trigger: trigger)) }
        return records
    }

    /// Remembers that `runOnce` applied everything at `revision`.
    func markApplied(revision: Int64) {
        appliedByRunOnce.withLockedValue { $0 = revision }
    }

    /// Applies `slot` once its gate lets it through. The apply runs in a task of its own, awaited here, so that a
    /// shutdown cancelling the caller cannot stop a reload half way: it ends, then the caller stops.
    private func applyToEnd(_ slot: Slot, trigger: ApplyTrigger) async -> ApplyRecord {
        await Task {
            await slot.gate.run { await self.apply(slot.plan, trigger: trigger) }
        }.value
    }

    /// One pass of the pipeline over `plan` against the mirror as it is now.
    private func apply(_ plan: ResourcePlan, trigger: ApplyTrigger) async -> ApplyRecord {
        hub.emit(.applyStarted(resource: plan.name, trigger: trigger))
        let renderedRevision = await mirror.revision
        let job = await renderer.job(for: plan, mirror: await mirror.contents)
        // Shown to people: escaped, so that keys differing only in bytes a terminal hides stay told apart.
        let rejected = job.rejected.map(\.description)
        for (key, value) in zip(rejected, job.rejectedValues.map(\.description))
        where hub.isNewRejection(resource: plan.name, key: key, value: value) {
            hub.emit(.rejected(resource: plan.name, key: key, value: value))
            let message = "\(plan.name): left out \(key): value \(String(reflecting: value)) is not host:port"
            logger.warning("\(message)", metadata: ["resource": "\(plan.name)", "key": "\(key)"])
            hub.update { $0.lastError = message }
        }
        var outcome = await pipeline.apply(
            id: hub.nextRecordID(), trigger: trigger, target: job.target, rejectedKeys: rejected,
            render: job.render)
        outcome.record.revision = renderedRevision
        let record = outcome.record
        var error: String?
        // JSON logs carry the resource and revision as fields; confd's text lines keep their words.
        let fields: Logger.Metadata = [
            "resource": "\(plan.name)", "revision": "\(record.revision)",
            "render_ms": "\(Int(record.renderSeconds * 1000))", "check_ms": "\(Int(record.checkSeconds * 1000))",
            "reload_ms": "\(Int(record.reloadSeconds * 1000))",
        ]
        switch record.result {
        case .applied:
            logger.info(
                "Target config \(record.dest) has been updated (\(record.trigger), +\(record.linesAdded) -\(record.linesRemoved))",
                metadata: fields)
        case .unchanged:
            logger.debug("Target config \(record.dest) in sync", metadata: fields)
        case .wouldChange:
            logger.warning("Noop mode enabled. \(record.dest) will not be modified", metadata: fields)
        default:
            let message = record.error ?? record.result.description
            var failure = fields
            failure["code"] = record.result.errorCode.map { "\($0)" }
            logger.error("\(plan.name): \(message)", metadata: failure)
            // What the failing check or reload printed says why ("exit status 1" does not); confd logs it too.
            if !record.output.isEmpty {
                logger.error(
                    "\(plan.name): command output:\n\(record.output.trimmingCharacters(in: .newlines))",
                    metadata: fields)
            }
            error = "\(plan.name): \(message)"
        }
        hub.record(outcome, resource: plan.name, error: error)
        hub.emit(.applied(record, renderedBytes: outcome.renderedBytes?.count ?? 0))
        configuration.onApply?(outcome)
        return record
    }
}
