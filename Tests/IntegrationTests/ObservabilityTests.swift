import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `/metrics`, `/healthz`, `/readyz`, JSON logs and sd_notify of a real `switchboard run`, checked by a real
/// Prometheus, promtool, etcd and a notify socket of the test's own.
@Suite(.serialized) struct ObservabilityTests {
    /// A tree whose check fails when 127.0.0.1:6666 is registered and whose reload fails when 127.0.0.1:7777 is.
    static func tree() throws -> (FaultSupport.Tree, String) {
        let tree = try FaultSupport.Tree(prefix: "switchboard-observe")
        let out = tree.root + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try tree.resource(
            "app", template: "{{range getvs \"/test/*\"}}server {{.}};\n{{end}}",
            lines: [
                "dest = \"\(out)/app.conf\"", "keys = [\"/test\"]", "values = \"host:port\"",
                "check_cmd = \"sh -c '! grep -q 127.0.0.1:6666 {{.src}}'\"",
                "reload_cmd = \"sh -c '! grep -q 127.0.0.1:7777 \(out)/app.conf'\"",
            ])
        return (tree, out + "/app.conf")
    }

    static func store(_ backends: [String: String]) -> String {
        "test:\n" + backends.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)\n" }.joined()
    }

    @Test func prometheusScrapesTheCountersOfAScriptedSequence() async throws {
        guard PrometheusProcess.available(), EtcdProcess.available() else { return }
        let (tree, _) = try Self.tree()
        defer { tree.remove() }
        let etcd = EtcdProcess()
        try await etcd.start()
        defer { etcd.stop() }
        let store = try etcd.store()
        try await store.put("/test/a", "127.0.0.1:8001", lease: nil)
        let metricsPort = EtcdProcess.freePort()
        let run = try ObservabilitySupport.start(
            [
                "run", "-watch", "-backend", "etcdv3", "-node", etcd.endpoint, "-confdir", tree.confdir,
                "-metrics-listen", "127.0.0.1:\(metricsPort)",
            ], log: tree.log)
        defer { FaultSupport.kill9(run) }
        let prometheus = PrometheusProcess()
        try prometheus.start(scraping: "127.0.0.1:\(metricsPort)")
        try await prometheus.waitUntilReady()
        defer { prometheus.stop() }
        let metricsURL = "http://127.0.0.1:\(metricsPort)/metrics"

        func scraped(_ name: String, _ labels: [String: String] = [:]) async -> Double? {
            guard let scrape = await ObservabilitySupport.get(metricsURL) else { return nil }
            return ObservabilitySupport.value(in: scrape.body, name, labels)
        }
        func step(_ result: String, reaches count: Double) async -> Bool {
            await ObservabilitySupport.eventually(20) {
                await scraped("switchboard_applies_total", ["resource": "app.toml", "result": result]) == count
            }
        }

        #expect(await step("applied", reaches: 1), "startup apply: \(tree.logText())")
        // A registration.
        try await store.put("/test/b", "127.0.0.1:8002", lease: nil)
        #expect(await step("applied", reaches: 2), "registration: \(tree.logText())")
        // A value that is not host:port: left out, so the render does not change; then it goes.
        try await store.put("/test/bad", "nonsense", lease: nil)
        #expect(await step("unchanged", reaches: 1), "rejected value: \(tree.logText())")
        try await store.delete("/test/bad")
        #expect(await step("unchanged", reaches: 2), "rejected value removed: \(tree.logText())")
        // A failing check; the live config keeps a and b, so removing the key changes nothing.
        try await store.put("/test/c", "127.0.0.1:6666", lease: nil)
        #expect(await step("check_failed", reaches: 1), "failing check: \(tree.logText())")
        try await store.delete("/test/c")
        #expect(await step("unchanged", reaches: 3), "failing key removed: \(tree.logText())")
        // etcd killed: the engine says the store is lost and keeps the live config; restarted: it reconnects.
        etcd.kill()
        #expect(
            await ObservabilitySupport.eventually(30) { await scraped("switchboard_store_connected") == 0 },
            "store loss: \(tree.logText())")
        try await etcd.start()
        #expect(
            await ObservabilitySupport.eventually(30) { await scraped("switchboard_store_connected") == 1 },
            "store back: \(tree.logText())")
        // A failing reload, rolled back, on the reconnected store.
        try await etcd.store().put("/test/d", "127.0.0.1:7777", lease: nil)
        #expect(await step("rolled_back", reaches: 1), "rollback: \(tree.logText())")

        let expected: [(String, Double)] = [
            (#"switchboard_applies_total{resource="app.toml",result="applied"}"#, 2),
            (#"switchboard_applies_total{resource="app.toml",result="unchanged"}"#, 3),
            (#"switchboard_applies_total{resource="app.toml",result="check_failed"}"#, 1),
            (#"switchboard_applies_total{resource="app.toml",result="rolled_back"}"#, 1),
            (#"switchboard_applies_total{resource="app.toml",result="render_failed"}"#, 0),
            (#"switchboard_rejected_values_total{resource="app.toml"}"#, 1),
            (#"switchboard_check_duration_seconds_count{resource="app.toml"}"#, 4),
            (#"switchboard_store_connected"#, 1),
            (#"switchboard_store_losses_total"#, 1),
            (#"switchboard_store_reconnects_total"#, 1),
            (#"switchboard_mirrored_keys"#, 3),
            (#"switchboard_watch_events_total >= bool 6"#, 1),
            (#"time() - switchboard_last_successful_apply_timestamp_seconds{resource="app.toml"} < bool 120"#, 1),
        ]
        for (query, value) in expected {
            let reached = await ObservabilitySupport.eventually(20) { await prometheus.query(query) == value }
            let actual = await prometheus.query(query)
            #expect(reached, "\(query) = \(String(describing: actual)), expected \(value)")
        }

        // Every query of the Grafana dashboard is PromQL this Prometheus accepts, over metrics that exist.
        let dashboardPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("contrib/grafana/switchboard.json")
        let dashboard = try JSONSerialization.jsonObject(with: Data(contentsOf: dashboardPath)) as? [String: Any]
        let panels = try #require(dashboard?["panels"] as? [[String: Any]])
        let exported = try #require(await ObservabilitySupport.get(metricsURL)).body
        for panel in panels {
            for target in panel["targets"] as? [[String: Any]] ?? [] {
                let expr = try #require(target["expr"] as? String)
                let query = expr.replacingOccurrences(of: "$__rate_interval", with: "1m")
                    .replacingOccurrences(of: "$instance", with: ".*")
                #expect(await prometheus.accepts(query), "dashboard query refused: \(query)")
                // Probe series exist once a probe ran (console, demo); `run` has none.
                for name in Self.metricNames(in: expr) where !name.hasPrefix("switchboard_probe_") {
                    #expect(exported.contains("\n" + name), "dashboard uses \(name), which is not exported")
                }
            }
        }

        // promtool finds nothing to complain about in a scrape.
        let scrape = try #require(await ObservabilitySupport.get(metricsURL))
        let file = tree.root + "/scrape.txt"
        try scrape.body.write(toFile: file, atomically: true, encoding: .utf8)
        let lint = FaultSupport.tool("/bin/sh", ["-c", "\(PrometheusProcess.promtool) check metrics < \(file) 2>&1"])
        #expect(lint.status == 0 && lint.output.isEmpty, "promtool check metrics:\n\(lint.output)")
    }

    /// The `switchboard_` names a PromQL expression reads (`_bucket` series count as their histogram's).
    static func metricNames(in expr: String) -> Set<String> {
        var names: Set<String> = []
        var rest = Substring(expr)
        while let range = rest.range(of: "switchboard_") {
            let name = rest[range.lowerBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            names.insert(String(name))
            rest = rest[name.endIndex...]
        }
        return names
    }

    @Test func readyzWaitsForTheStoreAndTheFirstApplyWhileHealthzStaysUp() async throws {
        guard EtcdProcess.available() else { return }
        let (tree, dest) = try Self.tree()
        defer { tree.remove() }
        let etcd = EtcdProcess()
        defer { etcd.stop() }
        let metricsPort = EtcdProcess.freePort()
        let run = try ObservabilitySupport.start(
            [
                "run", "-watch", "-backend", "etcdv3", "-node", etcd.endpoint, "-confdir", tree.confdir,
                "-metrics-listen", "127.0.0.1:\(metricsPort)",
            ], log: tree.log)
        defer { FaultSupport.kill9(run) }
        let base = "http://127.0.0.1:\(metricsPort)"
        // Nobody listens on the etcd port yet.
        #expect(await ObservabilitySupport.eventually(20) { await ObservabilitySupport.get(base + "/readyz") != nil })
        let notReady = try #require(await ObservabilitySupport.get(base + "/readyz"))
        #expect(notReady.status == 503)
        #expect(notReady.body.contains("unreachable") || notReady.body.contains("connecting"), "\(notReady.body)")
        #expect(await ObservabilitySupport.get(base + "/healthz")?.status == 200)
        #expect(!FileManager.default.fileExists(atPath: dest))

        try await etcd.start()
        let ready = await ObservabilitySupport.eventually(30) {
            await ObservabilitySupport.get(base + "/readyz")?.status == 200
        }
        #expect(ready, "\(tree.logText())")
        #expect(FileManager.default.fileExists(atPath: dest))
        #expect(await ObservabilitySupport.get(base + "/healthz")?.status == 200)
        #expect(await ObservabilitySupport.get(base + "/nope")?.status == 404)
    }

    @Test func everyLineOfAJSONLogParsesWithTheNamedFields() async throws {
        let (tree, _) = try Self.tree()
        defer { tree.remove() }
        // The check fails: the run logs an error with multi-line command output too.
        try tree.writeStore(Self.store(["a": "127.0.0.1:8001", "c": "127.0.0.1:6666", "bad": "nonsense"]))
        let (status, output) = try FaultSupport.run(
            tree.runArguments("-onetime", extra: ["-log-format", "json", "-log-level", "debug"]), log: tree.log)
        #expect(status == 1)
        let lines = output.split(separator: "\n")
        #expect(lines.count >= 4, "\(output)")
        var resources: Set<String> = []
        var codes: [String] = []
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)")
            guard let object else { continue }
            for field in ["time", "level", "message", "resource", "revision"] {
                #expect(object.keys.contains(field), "\(field) missing in \(line)")
            }
            if let resource = object["resource"] as? String { resources.insert(resource) }
            if let code = object["code"] as? String { codes.append(code) }
        }
        #expect(resources == ["app.toml"], "\(output)")
        // The failed apply carries its code, for a log pipeline to branch on.
        #expect(codes == ["check-failed"], "\(output)")
        #expect(output.contains(#""level":"error""#))
    }

    @Test func sdNotifyReadyAfterTheFirstApplyAndWatchdogAtTheRequestedRate() async throws {
        let (tree, dest) = try Self.tree()
        defer { tree.remove() }
        try tree.writeStore(Self.store(["a": "127.0.0.1:8001"]))
        let socket = try NotifySocket()
        let run = try ObservabilitySupport.start(
            tree.runArguments("-watch"), log: tree.log,
            environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "400000"])
        defer { FaultSupport.kill9(run) }

        var messages: [String] = []
        var readyAt: Date?
        var watchdogsAfterReady = 0
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            guard let message = socket.receive(timeout: 1) else { continue }
            messages.append(message)
            let fields = message.split(separator: "\n")
            if readyAt == nil, fields.contains("READY=1") {
                #expect(FileManager.default.fileExists(atPath: dest), "READY=1 before the first apply")
                readyAt = Date()
            }
            if let readyAt, fields.contains("WATCHDOG=1") {
                watchdogsAfterReady += 1
                if Date().timeIntervalSince(readyAt) >= 2 { break }
            }
        }
        let ready = try #require(readyAt, "no READY=1: \(messages)\n\(tree.logText())")
        // WATCHDOG_USEC=400000 asks for a ping every 200 ms: about ten in two seconds. A loaded machine may be late,
        // so the bounds are wide, but a watchdog that is off, or pinging at the full interval, fails them.
        let seconds = Date().timeIntervalSince(ready)
        let rate = Double(watchdogsAfterReady) / seconds
        #expect(rate >= 2.5 && rate <= 12, "\(watchdogsAfterReady) WATCHDOG=1 in \(seconds) s: \(messages)")
        #expect(messages.contains { $0.contains("STATUS=store connected") }, "\(messages)")

        // An apply is bracketed by RELOADING=1 (with MONOTONIC_USEC) and READY=1.
        try tree.writeStore(Self.store(["a": "127.0.0.1:8001", "b": "127.0.0.1:8002"]))
        var sawReloading = false
        var readyAfterReloading = false
        let applyDeadline = Date().addingTimeInterval(20)
        while Date() < applyDeadline, !readyAfterReloading {
            guard let message = socket.receive(timeout: 1) else { continue }
            if message.contains("RELOADING=1") {
                #expect(message.contains("MONOTONIC_USEC="))
                sawReloading = true
            } else if sawReloading, message.split(separator: "\n").contains("READY=1") {
                readyAfterReloading = true
            }
        }
        #expect(readyAfterReloading)

        kill(run.processIdentifier, SIGTERM)
        var stopping = false
        let stopDeadline = Date().addingTimeInterval(10)
        while Date() < stopDeadline, !stopping {
            guard let message = socket.receive(timeout: 1) else { continue }
            stopping = message.split(separator: "\n").contains("STOPPING=1")
        }
        #expect(stopping)
    }
}
