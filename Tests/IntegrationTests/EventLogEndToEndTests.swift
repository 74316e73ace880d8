import Foundation
import Testing

/// The console's event log in tmux: an apply and a rollback, with the reload's output, newest first; and the same
/// console's `/metrics` counting them.
@Suite("Event log end to end", .serialized)
struct EventLogEndToEndTests {
    @Test func eventLogShowsAnApplyAndARollbackWithTheirOutput() async throws {
        guard let tmux = ConsoleTmux.findExecutable("tmux") else {
            _ = FaultSupport.require(false, "tmux is not installed; the event log test needs it")
            return
        }
        let binary = try #require(ConsoleTmux.switchboardBinary(), "build the switchboard product first")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sb-events-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/article")
        let output = directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        for item in ["conf.d", "templates", "keys.yaml"] {
            try FileManager.default.copyItem(
                at: fixture.appendingPathComponent(item), to: directory.appendingPathComponent(item))
        }
        // The reload fails (and says why) when 127.0.0.1:7777 is in the config: the previous file comes back.
        let toml = directory.appendingPathComponent("conf.d/nginx.toml")
        let reload =
            "sh -c 'if grep -q 127.0.0.1:7777 \(output.path)/nginx.conf; then echo port 7777 refused >&2; exit 1; fi'"
        try String(contentsOf: toml, encoding: .utf8)
            .replacingOccurrences(of: "reload_cmd = \"touch @OUT@/reloaded\"", with: "reload_cmd = \"\(reload)\"")
            .replacingOccurrences(of: "@OUT@", with: output.path)
            .write(to: toml, atomically: true, encoding: .utf8)
        let keys = directory.appendingPathComponent("keys.yaml")
        let metricsPort = EtcdProcess.freePort()

        let session = ConsoleTmux(tmux: tmux, socket: directory.appendingPathComponent("tmux.sock").path)
        defer { session.kill() }
        try session.start(
            "LANG=C.UTF-8 '\(binary)' console --store 'file://\(keys.path)' --confdir '\(directory.path)'"
                + " --metrics-listen 127.0.0.1:\(metricsPort); echo console-exited-$?; sleep 30")
        // A console that exits at start leaves its error and exit status on the pane for the failure to show.
        #expect(
            await session.waitFor { $0.contains("Backends") && $0.contains("apache-8002") }, "\(session.capture())")

        session.keys("a")
        #expect(await session.waitFor { $0.contains("Add backend") })
        session.type("apache-7777")
        session.keys("Tab")
        session.type("127.0.0.1:7777")
        session.keys("Enter")
        #expect(await session.waitFor { $0.contains("rolled back") }, "\(session.capture())")

        session.keys("e")
        #expect(
            await session.waitFor { $0.contains("Event log") && $0.contains("port 7777 refused") },
            "\(session.capture())")
        let screen = session.capture()
        let rollback = screen.range(of: "nginx.toml: rolled back")
        let applied = screen.range(of: "nginx.toml: applied (startup)")
        #expect(rollback != nil && applied != nil, "\(screen)")
        if let rollback, let applied { #expect(rollback.lowerBound < applied.lowerBound, "newest first:\n\(screen)") }
        #expect(screen.contains("backend /test/apache-7777 = 127.0.0.1:7777 registered"), "\(screen)")

        session.keys("/")
        session.type("rolled back")
        session.keys("Enter")
        #expect(await session.waitFor { $0.contains("filter: rolled back  (1 shown") }, "\(session.capture())")
        #expect(!session.capture().contains("applied (startup)"))
        session.keys("Escape")
        session.keys("Escape")
        #expect(await session.waitFor { !$0.contains("Event log") && $0.contains("Backends") })

        let scrape = try #require(await ObservabilitySupport.get("http://127.0.0.1:\(metricsPort)/metrics"))
        let series: (String) -> Double? = { result in
            ObservabilitySupport.value(
                in: scrape.body, "switchboard_applies_total", ["resource": "nginx.toml", "result": result])
        }
        #expect(series("rolled_back") == 1, "\(scrape.body)")
        #expect(series("applied") == 1)
        #expect(
            ObservabilitySupport.value(in: scrape.body, "switchboard_backend_registrations_total") == 1,
            "\(scrape.body)")
        session.keys("q")
        #expect(await session.waitFor { $0.contains("console-exited-0") })
    }
}
