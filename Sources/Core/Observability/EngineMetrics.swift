import CoreMetrics
import Foundation
import Prometheus

/// The engine's events turned into Prometheus metrics (see `MetricCatalog` for every name).
///
/// Counters and histograms move as events arrive; what is a state rather than a happening (store connected,
/// revision, mirrored keys, backends, the last probe) is read from a snapshot at scrape time. "Seconds since" facts
/// are exported the way Prometheus users expect them: as `_timestamp_seconds` gauges holding a Unix time, so that
/// `time() - switchboard_last_successful_apply_timestamp_seconds` is the age and alerts need no scrape-time clock.
package final class EngineMetrics: @unchecked Sendable {
    /// The registry `/metrics` renders.
    package let registry: PrometheusCollectorRegistry
    private let factory: CatalogMetricsFactory
    private let lock = NSLock()
    private var everConnected = false
    private var lastState: StoreConnectionState = .connecting
    private var countedProbeTimes: Set<Date> = []
    private var initialisedResources: Set<String> = []

    /// The results an apply can end with, as label values.
    static let resultLabels: [ApplyResult] = [
        .applied, .unchanged, .wouldChange, .renderFailed, .checkFailed, .writeFailed, .reloadFailedRolledBack,
        .reloadFailedRollbackFailed,
    ]

    package init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        factory = CatalogMetricsFactory(registry: registry)
        gauge("switchboard_build_info", ["version": SwitchboardVersion.current]).record(1)
        for name in [
            "switchboard_store_reconnects_total", "switchboard_store_losses_total", "switchboard_store_resyncs_total",
            "switchboard_watch_events_total", "switchboard_backend_registrations_total",
            "switchboard_backend_removals_total", "switchboard_probe_runs_total",
        ] {
            counter(name).increment(by: 0)
        }
        gauge("switchboard_store_connected").record(0)
    }

    /// The label value of an apply result: `applied`, `unchanged`, `check_failed`, `rolled_back`, ...
    package static func label(for result: ApplyResult) -> String {
        switch result {
        case .unchanged: return "unchanged"
        case .applied: return "applied"
        case .wouldChange: return "would_change"
        case .renderFailed: return "render_failed"
        case .checkFailed: return "check_failed"
        case .writeFailed: return "write_failed"
        case .reloadFailedRolledBack: return "rolled_back"
        case .reloadFailedRollbackFailed: return "rollback_failed"
        }
    }

    /// Counts one event. Called on the engine's executor: quick, never blocks for long.
    package func observe(_ record: EngineEventRecord) {
        lock.lock()
        defer { lock.unlock() }
        let time = record.time.timeIntervalSince1970
        switch record.event {
        case .storeConnection(let state):
            switch state {
            case .connected:
                if everConnected, case .unreachable = lastState {
                    counter("switchboard_store_reconnects_total").increment()
                }
                everConnected = true
                gauge("switchboard_store_connected").record(1)
            case .unreachable:
                if everConnected, lastState == .connected { counter("switchboard_store_losses_total").increment() }
                gauge("switchboard_store_connected").record(0)
            case .connecting:
                gauge("switchboard_store_connected").record(0)
            }
            lastState = state
        case .storeChanges(let count, let revision):
            counter("switchboard_watch_events_total").increment(by: count)
            gauge("switchboard_last_store_event_timestamp_seconds").record(time)
            gauge("switchboard_store_revision").record(Double(revision))
        case .storeResync(let revision):
            counter("switchboard_store_resyncs_total").increment()
            gauge("switchboard_last_store_event_timestamp_seconds").record(time)
            gauge("switchboard_store_revision").record(Double(revision))
        case .changeCoalesced(let resource):
            counter("switchboard_coalesced_changes_total", ["resource": resource]).increment()
        case .applyStarted:
            break
        case .applied(let apply, let renderedBytes):
            observeApply(apply, renderedBytes: renderedBytes, time: time)
        case .rejected(let resource, _, _):
            counter("switchboard_rejected_values_total", ["resource": resource]).increment()
        case .backendAdded:
            counter("switchboard_backend_registrations_total").increment()
        case .backendRemoved:
            counter("switchboard_backend_removals_total").increment()
        }
    }

    private func observeApply(_ apply: ApplyRecord, renderedBytes: Int, time: Double) {
        let resource = ["resource": apply.resource]
        initialise(resource: apply.resource)
        counter("switchboard_applies_total", resource.merging(["result": Self.label(for: apply.result)]) { $1 })
            .increment()
        timer("switchboard_render_duration_seconds", resource).recordSeconds(apply.renderSeconds)
        // A check or reload that did not run (render failed, unchanged, no command) is not a zero-second sample.
        if apply.checkSeconds > 0 {
            timer("switchboard_check_duration_seconds", resource).recordSeconds(apply.checkSeconds)
        }
        if apply.reloadSeconds > 0 {
            timer("switchboard_reload_duration_seconds", resource).recordSeconds(apply.reloadSeconds)
        }
        if renderedBytes > 0 { gauge("switchboard_rendered_bytes", resource).record(renderedBytes) }
        gauge("switchboard_rejected_keys", resource).record(apply.rejectedKeys.count)
        if apply.result.isSuccess {
            gauge("switchboard_last_successful_apply_timestamp_seconds", resource).record(time)
            gauge("switchboard_applied_revision", resource).record(Double(apply.revision))
        }
    }

    /// Exports every result of `resource` at 0, so `rate()` and `increase()` see the first failure.
    private func initialise(resource: String) {
        guard initialisedResources.insert(resource).inserted else { return }
        for result in Self.resultLabels {
            counter("switchboard_applies_total", ["resource": resource, "result": Self.label(for: result)])
                .increment(by: 0)
        }
        counter("switchboard_coalesced_changes_total", ["resource": resource]).increment(by: 0)
        counter("switchboard_rejected_values_total", ["resource": resource]).increment(by: 0)
    }

    /// Updates the gauges that describe a state from `snapshot` (called at scrape time).
    package func refresh(from snapshot: EngineSnapshot) {
        lock.lock()
        defer { lock.unlock() }
        for resource in snapshot.resources { initialise(resource: resource.name) }
        gauge("switchboard_store_connected").record(snapshot.connection == .connected ? 1 : 0)
        gauge("switchboard_store_revision").record(Double(snapshot.revision))
        gauge("switchboard_mirrored_keys").record(snapshot.mirroredKeys)
        gauge("switchboard_backends").record(snapshot.backends.count)
        guard let probe = snapshot.probe, countedProbeTimes.insert(probe.time).inserted else { return }
        counter("switchboard_probe_runs_total").increment()
        for (address, answers) in probe.answersByAddress {
            counter("switchboard_probe_answers_total", ["backend": address]).increment(by: answers)
        }
        for (kind, count) in probe.errorsByKind {
            counter("switchboard_probe_errors_total", ["kind": kind]).increment(by: count)
        }
        gauge("switchboard_probe_missing_backends").record(probe.missing.count)
    }

    /// The Prometheus text exposition of every metric.
    package func exposition() -> String {
        registry.emitToString()
    }

    // MARK: swift-metrics handles

    private func counter(_ name: String, _ labels: [String: String] = [:]) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: name, dimensions: Self.dimensions(labels), factory: factory)
    }

    private func gauge(_ name: String, _ labels: [String: String] = [:]) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: name, dimensions: Self.dimensions(labels), factory: factory)
    }

    private func timer(_ name: String, _ labels: [String: String] = [:]) -> CoreMetrics.Timer {
        CoreMetrics.Timer(label: name, dimensions: Self.dimensions(labels), factory: factory)
    }

    private static func dimensions(_ labels: [String: String]) -> [(String, String)] {
        labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
