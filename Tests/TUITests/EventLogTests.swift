import Core
import Foundation
import Testing

@testable import TUI

@Suite("Console event log")
struct EventLogTests {
    let utc = TimeZone(identifier: "UTC")!

    func render(_ state: ConsoleState) -> String {
        Layout.frame(state: state, size: state.size, theme: Theme(), timeZone: utc).text
    }

    /// A day in the log: connected, a registration, an apply, a failing check, a rollback, a lost store, an expiry.
    static func events() -> [EngineEventRecord] {
        let start = ConsoleFixtures.start
        let history = ConsoleFixtures.snapshot().history
        var rolledBack = ApplyRecord(
            id: 4, time: start.addingTimeInterval(200), resource: "nginx.toml", dest: "/etc/nginx/nginx.conf",
            trigger: .change(revision: 44), result: .reloadFailedRolledBack, checkSeconds: 0.01, reloadSeconds: 0.02,
            output: "reload: nginx: [emerg] bind() to 0.0.0.0:80 failed\nrollback reload: ok",
            error: "reload_cmd failed with exit status 1; the previous config was restored")
        rolledBack.revision = 44
        let happenings: [(Double, EngineEvent)] = [
            (0, .storeConnection(.connected)),
            (1, .applyStarted(resource: "nginx.toml", trigger: .startup)),
            (1, .applied(history[0], renderedBytes: 300)),
            (60, .backendAdded(key: "/test/apache-8009", address: "127.0.0.1:8009")),
            (60, .storeChanges(count: 1, revision: 40)),
            (61, .applied(history[1], renderedBytes: 310)),
            (90, .rejected(resource: "nginx.toml", key: "/test/broken", value: "not an address")),
            (200, .applied(rolledBack, renderedBytes: 320)),
            (250, .storeConnection(.unreachable("connection refused"))),
            (300, .backendRemoved(key: "/test/apache-8009")),
        ]
        return happenings.map { EngineEventRecord(time: start.addingTimeInterval($0.0), event: $0.1) }
    }

    func state() -> ConsoleState {
        var snapshot = ConsoleFixtures.snapshot()
        snapshot.events = Self.events()
        return ConsoleState(snapshot: snapshot, size: TerminalSize(width: 120, height: 40), readOnly: false)
    }

    @Test func eOpensTheLogNewestFirstWithCommandOutput() {
        var state = state()
        _ = state.handle(.char("e"))
        let text = render(state)
        #expect(text.contains("Event log"))
        let lost = text.range(of: "store unreachable: connection refused")
        let rollback = text.range(of: "nginx.toml: rolled back")
        let connected = text.range(of: "store connected")
        #expect(lost != nil && rollback != nil && connected != nil)
        if let lost, let rollback, let connected {
            #expect(lost.lowerBound < rollback.lowerBound && rollback.lowerBound < connected.lowerBound)
        }
        #expect(text.contains("[emerg] bind() to 0.0.0.0:80 failed"))
        #expect(text.contains("check: nginx: [emerg] unexpected"))
        #expect(text.contains("left out /test/broken"))
        #expect(text.contains("backend /test/apache-8009 gone"))
        #expect(!text.contains("apply started"))
        assertSnapshot(text, named: "event-log-120x40")
    }

    @Test func slashFiltersTheLogAndEscClearsThenCloses() {
        var state = state()
        _ = state.handle(.char("e"))
        _ = state.handle(.char("/"))
        for character in "emerg" { _ = state.handle(.char(character)) }
        _ = state.handle(.enter)
        var text = render(state)
        #expect(text.contains("filter: emerg  (2 shown"))
        #expect(text.contains("rolled back"))
        #expect(text.contains("check failed"))
        #expect(!text.contains("store connected"))
        assertSnapshot(text, named: "event-log-filtered-120x40")
        _ = state.handle(.escape)
        text = render(state)
        #expect(text.contains("store connected"))
        _ = state.handle(.escape)
        #expect(state.overlay == nil)
    }

    @Test func footerAndHelpNameTheKey() {
        var state = state()
        #expect(render(state).contains("e events"))
        _ = state.handle(.char("?"))
        #expect(render(state).contains("event log, newest first"))
    }
}
