import Core
import Foundation
import TUI

/// Deterministic engine data for console tests.
enum ConsoleFixtures {
    static let start = Date(timeIntervalSince1970: 1_764_050_400)  // 2025-11-25 06:00:00 UTC

    static let previousRender = """
        worker_processes 1;
        http {
            upstream backend {
                server 127.0.0.1:8001;
                server 127.0.0.1:8002;
                server 127.0.0.1:8009;
            }
            server {
                listen 80;
                location / {
                    proxy_pass http://backend;
                    add_header X-Handler $upstream_addr;
                }
            }
        }

        """

    static let lastRender = """
        worker_processes 1;
        http {
            upstream backend {
                server 127.0.0.1:8001;
                server 127.0.0.1:8002;
                server 127.0.0.1:8003;
                server 127.0.0.1:8004;
            }
            server {
                listen 80;
                location / {
                    proxy_pass http://backend;
                    add_header X-Handler $upstream_addr;
                }
            }
        }

        """

    static func snapshot(readOnlyError: Bool = false) -> EngineSnapshot {
        EngineSnapshot(
            store: "etcd://127.0.0.1:2379", connection: .connected, revision: 42,
            backends: [
                BackendEntry(key: "/test/apache-8001", address: "127.0.0.1:8001", ttlRemaining: 27),
                BackendEntry(key: "/test/apache-8002", address: "127.0.0.1:8002", ttlRemaining: 9),
                BackendEntry(key: "/test/apache-8003", address: "127.0.0.1:8003"),
                BackendEntry(key: "/test/apache-8004", address: "127.0.0.1:8004", ttlRemaining: 55),
                BackendEntry(key: "/test/broken", address: "not an address", isValidAddress: false),
            ],
            resources: [
                ResourceStatus(
                    name: "nginx.toml", dest: "/etc/nginx/nginx.conf", lastRender: lastRender,
                    previousRender: previousRender)
            ],
            history: [
                ApplyRecord(
                    id: 1, time: start, resource: "nginx.toml", dest: "/etc/nginx/nginx.conf", trigger: .startup,
                    result: .applied, renderSeconds: 0.002, checkSeconds: 0.011, reloadSeconds: 0.020,
                    linesAdded: 16, output: "check: nginx: configuration file test is successful\nreload: ok"),
                ApplyRecord(
                    id: 2, time: start.addingTimeInterval(61), resource: "nginx.toml", dest: "/etc/nginx/nginx.conf",
                    trigger: .change(revision: 40), result: .checkFailed, renderSeconds: 0.001, checkSeconds: 0.009,
                    output: "check: nginx: [emerg] unexpected \"}\" in /tmp/.nginx.conf123:7",
                    error: "check_cmd failed with exit status 1"),
                ApplyRecord(
                    id: 3, time: start.addingTimeInterval(125), resource: "nginx.toml", dest: "/etc/nginx/nginx.conf",
                    trigger: .change(revision: 42), result: .applied, renderSeconds: 0.001, checkSeconds: 0.010,
                    reloadSeconds: 0.018, linesAdded: 2, linesRemoved: 1, output: "reload: ok"),
            ],
            probe: ProbeReport(
                url: "http://127.0.0.1:8080/", time: start.addingTimeInterval(130), requests: 200, errors: 0,
                handlers: ["127.0.0.1:8001": 60, "127.0.0.1:8002": 50, "127.0.0.1:8003": 50, "127.0.0.1:9999": 40],
                latency: LatencySummary(p50: 1.2, p90: 2.5, p99: 7.9, max: 12.4), errorsByKind: [:],
                missing: ["127.0.0.1:8004"], unexpected: ["127.0.0.1:9999"]),
            lastError: readOnlyError ? "etcd: connection refused at 127.0.0.1:2379" : nil)
    }

    /// The fixture's snapshot with a second resource, `stream.toml`, and a record for it.
    static func twoResourceSnapshot() -> EngineSnapshot {
        var snapshot = snapshot()
        snapshot.resources.append(
            ResourceStatus(
                name: "stream.toml", dest: "/etc/nginx/stream.conf",
                lastRender: "stream {\n    server 127.0.0.1:9001;\n}\n"))
        snapshot.history.append(
            ApplyRecord(
                id: 4, time: start.addingTimeInterval(130), resource: "stream.toml", dest: "/etc/nginx/stream.conf",
                trigger: .change(revision: 42), result: .applied, renderSeconds: 0.001, linesAdded: 3))
        return snapshot
    }

    static func state(width: Int = 80, height: Int = 24, readOnly: Bool = false) -> ConsoleState {
        ConsoleState(snapshot: snapshot(), size: TerminalSize(width: width, height: height), readOnly: readOnly)
    }
}

/// An engine that records what the console asks of it.
final class FakeEngine: EngineControl, @unchecked Sendable {
    private let lock = NSLock()
    private var performedEffects: [EngineEffect] = []
    let snapshot: EngineSnapshot

    init(snapshot: EngineSnapshot) { self.snapshot = snapshot }

    var performed: [EngineEffect] { lock.withLock { performedEffects } }

    func snapshots() -> AsyncStream<EngineSnapshot> {
        let snapshot = self.snapshot
        return AsyncStream { continuation in continuation.yield(snapshot) }
    }

    func perform(_ effect: EngineEffect) async -> String? {
        lock.withLock { performedEffects.append(effect) }
        return nil
    }

    func preview(_ change: BackendChange) async -> [PreviewResult] {
        [PreviewResult(resource: "nginx.toml", diff: "--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n")]
    }
}
