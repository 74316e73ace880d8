import Core
import Foundation
import Testing

@testable import TUI

/// The Probe panel charts the probe's per-second timeline: one row per backend, one column per second, so traffic
/// moving during a deploy reads as one row fading out and another fading in.
@Suite("Probe chart")
struct ProbeChartTests {
    let utc = TimeZone(identifier: "UTC")!

    /// Twelve seconds of a deploy: 8001 leaves at second 5, 8004 arrives at second 3, a reload costs two errors.
    static func deploy() -> [ProbeSecond] {
        (0..<12).map { second in
            var answers: [String: Int] = ["127.0.0.1:8002": 100]
            if second < 6 { answers["127.0.0.1:8001"] = second < 4 ? 100 : 40 }
            if second >= 3 { answers["127.0.0.1:8004"] = second < 5 ? 30 : 100 }
            return ProbeSecond(
                second: second, answers: answers, errors: second == 5 ? ["reset before response": 2] : [:])
        }
    }

    @Test func oneRowPerBackendOneColumnPerSecondScaledToTheBusiestSecond() {
        let lines = Layout.probeChart(Self.deploy(), width: 60, theme: Theme())
        #expect(
            lines.map(\.text) == [
                "answers per second, last 12 s (█ = 100/s)",
                "127.0.0.1:8002 ████████████",
                "127.0.0.1:8004    ▃▃███████",
                "127.0.0.1:8001 ████▄▄      ",
                "errors              ▁      ",
            ])
        #expect(lines.map(\.role) == [.dim, .ok, .ok, .ok, .bad])
    }

    @Test func theLatestSecondsAreKeptWhenTheyDoNotAllFit() {
        // 16 columns: labels cut to 6, a space, the last 9 seconds (3 to 11).
        let lines = Layout.probeChart(Self.deploy(), width: 16, theme: Theme(ascii: true))
        #expect(lines.first?.text == "answers per second, last 9 s (# = 100/s)")
        #expect(
            lines.dropFirst().map { String($0.text.suffix(9)) } == ["#########", "::#######", "#--      ", "  .      "])
        #expect(lines.allSatisfy { $0.text.unicodeScalars.allSatisfy(\.isASCII) })
    }

    @Test func aRunShorterThanTwoSecondsHasNoChart() {
        #expect(Layout.probeChart([ProbeSecond(second: 0, answers: ["a": 5])], width: 80, theme: Theme()).isEmpty)
        #expect(Layout.probeChart([], width: 80, theme: Theme()).isEmpty)
    }

    @Test func theProbePanelShowsTheChart() {
        var snapshot = ConsoleFixtures.snapshot()
        var probe = ProbeReport(
            url: "http://127.0.0.1:8080/", time: ConsoleFixtures.start.addingTimeInterval(130), requests: 2400,
            errors: 2, handlers: ["127.0.0.1:8002": 1200, "127.0.0.1:8004": 760, "127.0.0.1:8001": 440],
            latency: LatencySummary(p50: 1.2, p90: 2.5, p99: 7.9, max: 12.4),
            errorsByKind: ["reset before response": 2], missing: [], unexpected: [])
        probe.timeline = Self.deploy()
        snapshot.probe = probe
        var state = ConsoleState(snapshot: snapshot, size: TerminalSize(width: 120, height: 40))
        _ = state.handle(.char("4"))
        let text = Layout.frame(state: state, size: state.size, theme: Theme(), timeZone: utc).text
        #expect(text.contains("answers per second, last 12 s"))
        assertSnapshot(text, named: "probe-chart-120x40")
    }
}
