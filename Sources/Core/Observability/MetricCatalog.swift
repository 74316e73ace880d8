import CoreMetrics
import Prometheus

/// Every metric Switchboard exports: its Prometheus name, help text and, for histograms, buckets.
///
/// The engine's observer speaks swift-metrics (`Counter`, `Gauge`, `Timer`); `CatalogMetricsFactory` turns those
/// into swift-prometheus collectors carrying this help text, which `promtool check metrics` asks for (the stock
/// factory registers every metric without it).
package enum MetricCatalog {
    /// Help text by metric name.
    package static let help: [String: String] = [
        "switchboard_applies_total": "Applies of a template resource, by result.",
        "switchboard_check_duration_seconds": "Time check_cmd took, per resource.",
        "switchboard_reload_duration_seconds": "Time reload_cmd took (with a rollback's reload), per resource.",
        "switchboard_render_duration_seconds": "Time rendering a resource's template took.",
        "switchboard_rendered_bytes": "Size of a resource's last rendered config.",
        "switchboard_coalesced_changes_total": "Store changes that joined an apply already waiting or running.",
        "switchboard_store_connected": "1 while the store is connected, 0 otherwise.",
        "switchboard_store_reconnects_total": "Times the store came back after being unreachable.",
        "switchboard_store_losses_total": "Times the store became unreachable.",
        "switchboard_store_resyncs_total": "Times the mirror was replaced because the store could not send increments.",
        "switchboard_watch_events_total": "Key changes read from the store's watch.",
        "switchboard_last_store_event_timestamp_seconds": "Unix time of the last change read from the store.",
        "switchboard_last_successful_apply_timestamp_seconds": "Unix time of a resource's last successful apply.",
        "switchboard_applied_revision": "Store revision of a resource's last successful apply.",
        "switchboard_store_revision": "Store revision the engine's mirror is at.",
        "switchboard_mirrored_keys": "Keys the engine mirrors from the store.",
        "switchboard_backends": "Keys registered under the backend prefix.",
        "switchboard_backend_registrations_total": "Keys that appeared under the backend prefix.",
        "switchboard_backend_removals_total": "Keys that went away under the backend prefix (deregistered or expired).",
        "switchboard_rejected_values_total": "Keys left out of a render because their value failed the values check.",
        "switchboard_rejected_keys": "Keys left out of a resource's last render by its values check.",
        "switchboard_probe_runs_total": "Probes run against nginx.",
        "switchboard_probe_answers_total": "Probe answers, by the backend nginx sent them to.",
        "switchboard_probe_errors_total": "Probe requests that failed, by kind.",
        "switchboard_probe_missing_backends": "Registered backends that did not answer the last probe.",
        "switchboard_build_info": "Always 1; the version label names the build.",
    ]

    /// Histogram buckets by metric name; durations not listed use `commandBuckets`.
    static let renderBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .seconds(1),
    ]
    static let commandBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60),
    ]

    static func descriptor(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help[name] ?? "")
    }
}

/// A swift-metrics factory over one Prometheus registry, with the catalog's help text and buckets.
package struct CatalogMetricsFactory: MetricsFactory {
    /// The registry `/metrics` renders.
    package let registry: PrometheusCollectorRegistry

    package init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    package func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: MetricCatalog.descriptor(label), labels: dimensions)
    }

    package func makeFloatingPointCounter(
        label: String, dimensions: [(String, String)]
    ) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: MetricCatalog.descriptor(label), labels: dimensions)
    }

    package func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        // Sizes are reported as gauges (the last value); nothing here records a distribution of plain values.
        registry.makeGauge(descriptor: MetricCatalog.descriptor(label), labels: dimensions)
    }

    package func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: MetricCatalog.descriptor(label), labels: dimensions)
    }

    package func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let buckets =
            label == "switchboard_render_duration_seconds" ? MetricCatalog.renderBuckets : MetricCatalog.commandBuckets
        return registry.makeDurationHistogram(
            descriptor: MetricCatalog.descriptor(label), labels: dimensions, buckets: buckets)
    }

    // A series, once exported, stays: Prometheus users expect counters not to vanish between scrapes.
    package func destroyCounter(_ handler: any CounterHandler) {}
    package func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    package func destroyRecorder(_ handler: any RecorderHandler) {}
    package func destroyMeter(_ handler: any MeterHandler) {}
    package func destroyTimer(_ handler: any TimerHandler) {}
}
