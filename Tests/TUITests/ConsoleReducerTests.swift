import Core
import Foundation
import Testing

@testable import TUI

@Suite("Console reducer")
struct ConsoleReducerTests {
    func type(_ text: String, into state: inout ConsoleState) {
        for character in text { _ = state.handle(.char(character)) }
    }

    @Test func tabAndDigitsMoveFocus() {
        var state = ConsoleFixtures.state()
        #expect(state.focus == .backends)
        _ = state.handle(.tab)
        #expect(state.focus == .upstream)
        _ = state.handle(.backTab)
        #expect(state.focus == .backends)
        _ = state.handle(.char("4"))
        #expect(state.focus == .probe)
        _ = state.handle(.tab)
        #expect(state.focus == .backends)
    }

    @Test func jkAndArrowsMoveAndClamp() {
        var state = ConsoleFixtures.state()
        _ = state.handle(.char("j"))
        _ = state.handle(.down)
        #expect(state.selectedBackend?.key == "/test/apache-8003")
        _ = state.handle(.char("k"))
        #expect(state.selectedBackend?.key == "/test/apache-8002")
        for _ in 0..<20 { _ = state.handle(.down) }
        #expect(state.selectedBackend?.key == "/test/broken")
        for _ in 0..<20 { _ = state.handle(.up) }
        #expect(state.selectedBackend?.key == "/test/apache-8001")
    }

    @Test func addFormSubmitsAValidBackend() {
        var state = ConsoleFixtures.state()
        #expect(state.handle(.char("a")).isEmpty)
        type("apache-8005", into: &state)
        _ = state.handle(.tab)
        type("127.0.0.1:8005", into: &state)
        let intents = state.handle(.enter)
        #expect(intents == [.perform(.change(.add(key: "/test/apache-8005", address: "127.0.0.1:8005")))])
        #expect(state.overlay == nil)
    }

    @Test func addFormRefusesBadInputInlineAndSendsNothing() {
        var state = ConsoleFixtures.state()
        _ = state.handle(.char("a"))
        _ = state.handle(.tab)
        type("127.0.0.1:8005", into: &state)
        #expect(state.handle(.enter).isEmpty)  // key is only the prefix
        guard case .addForm(let form) = state.overlay else {
            Issue.record("the form closed")
            return
        }
        #expect(form.error?.contains("under /test/") == true)

        var other = ConsoleFixtures.state()
        _ = other.handle(.char("a"))
        type("x", into: &other)
        _ = other.handle(.tab)
        type("1.2.3.4:80; evil", into: &other)
        #expect(other.handle(.enter).isEmpty)
        guard case .addForm(let badAddress) = other.overlay else {
            Issue.record("the form closed")
            return
        }
        #expect(badAddress.error?.contains("1.2.3.4:80; evil") == true)
    }

    @Test func escCancelsTheFormAndLettersAreTextInside() {
        var state = ConsoleFixtures.state()
        _ = state.handle(.char("a"))
        type("qdv", into: &state)  // q, d and v are text in the form, not commands
        guard case .addForm(let form) = state.overlay else {
            Issue.record("the form closed")
            return
        }
        #expect(form.key == "/test/qdv")
        #expect(state.handle(.escape).isEmpty)
        #expect(state.overlay == nil)
    }

    @Test func formPreviewAsksTheEngineAndReturnsToTheForm() {
        var state = ConsoleFixtures.state()
        _ = state.handle(.char("a"))
        type("web", into: &state)
        _ = state.handle(.tab)
        type("10.0.0.9:80", into: &state)
        let intents = state.handle(.control("p"))
        #expect(intents == [.preview(.add(key: "/test/web", address: "10.0.0.9:80"))])
        _ = state.handle(.escape)
        guard case .addForm(let form) = state.overlay else {
            Issue.record("did not return to the form")
            return
        }
        #expect(form.address == "10.0.0.9:80")
    }

    @Test func removeNeedsConfirmationThatStartsOnCancel() {
        var state = ConsoleFixtures.state()
        _ = state.handle(.char("j"))
        #expect(state.handle(.char("d")).isEmpty)
        #expect(state.overlay == .confirmRemove(key: "/test/apache-8002", confirmFocused: false))
        #expect(state.handle(.enter).isEmpty)  // Enter presses Cancel
        #expect(state.overlay == nil)

        _ = state.handle(.char("d"))
        #expect(state.handle(.char("n")).isEmpty)
        #expect(state.overlay == nil)

        _ = state.handle(.char("d"))
        #expect(state.handle(.char("y")) == [.perform(.drain(key: "/test/apache-8002"))])

        _ = state.handle(.char("d"))
        _ = state.handle(.right)
        #expect(state.handle(.enter) == [.perform(.drain(key: "/test/apache-8002"))])
    }

    @Test func previewOfRemovingTheSelectedBackend() {
        var state = ConsoleFixtures.state()
        #expect(state.handle(.char("v")) == [.preview(.remove(key: "/test/apache-8001"))])
        // A stale answer for another change is ignored.
        state.receive(preview: [PreviewResult(resource: "x", diff: "+a")], for: .remove(key: "/test/other"))
        guard case .preview(let waiting) = state.overlay else {
            Issue.record("no preview")
            return
        }
        #expect(waiting.lines == nil)
        state.receive(
            preview: [PreviewResult(resource: "nginx.toml", diff: "")], for: .remove(key: "/test/apache-8001"))
        guard case .preview(let pane) = state.overlay else {
            Issue.record("no preview")
            return
        }
        #expect(pane.lines == ["  nginx.toml: no change"])
        _ = state.handle(.escape)
        #expect(state.overlay == nil)
    }

    @Test func renderProbeAndQuit() {
        var state = ConsoleFixtures.state()
        #expect(state.handle(.char("r")) == [.perform(.renderNow)])
        #expect(state.handle(.char("p")) == [.perform(.probeNow)])
        #expect(state.handle(.char("q")) == [.quit])
    }

    @Test func readOnlyRefusesEveryMutationWithAMessage() {
        var state = ConsoleFixtures.state(readOnly: true)
        for key in ["a", "d", "r"] {
            #expect(state.handle(.char(Character(key))).isEmpty)
            #expect(state.overlay == nil)
            #expect(state.message?.text.contains("READ-ONLY") == true)
        }
        #expect(state.handle(.char("p")) == [.perform(.probeNow)])
        #expect(state.handle(.char("v")) == [.preview(.remove(key: "/test/apache-8001"))])
        #expect(ConsoleAction.submitAdd(key: "k", address: "a").isMutation)
        #expect(ConsoleAction.confirmRemove(key: "k").isMutation)
    }

    @Test func filterNarrowsTheFocusedPanelAndEscClears() {
        var state = ConsoleFixtures.state()
        _ = state.handle(.char("/"))
        type("800", into: &state)
        _ = state.handle(.backspace)
        type("04", into: &state)
        _ = state.handle(.enter)
        #expect(!state.editingFilter)
        #expect(state.visibleBackends.map { state.snapshot.backends[$0].key } == ["/test/apache-8004"])
        #expect(state.selectedBackend?.key == "/test/apache-8004")
        _ = state.handle(.escape)
        #expect(state.visibleBackends.count == 5)

        _ = state.handle(.char("3"))
        _ = state.handle(.char("/"))
        type("failed", into: &state)
        #expect(state.visibleReloads.count == 1)
        _ = state.handle(.escape)
        #expect(state.visibleReloads.count == 3)
    }

    @Test func sortCyclesThroughColumns() {
        var state = ConsoleFixtures.state()
        _ = state.handle(.char("s"))
        #expect(state.sort == .address)
        _ = state.handle(.char("s"))
        #expect(state.sort == .ttl)
        #expect(state.visibleBackends.map { state.snapshot.backends[$0].key }.first == "/test/apache-8002")
        _ = state.handle(.char("s"))
        #expect(state.sort == .health)
        #expect(state.visibleBackends.map { state.snapshot.backends[$0].key }.first == "/test/broken")
        _ = state.handle(.char("s"))
        #expect(state.sort == .key)
    }

    @Test func tooSmallOnlyListensToQ() {
        var state = ConsoleFixtures.state(width: 40, height: 10)
        #expect(state.handle(.char("a")).isEmpty)
        #expect(state.overlay == nil)
        #expect(state.handle(.char("q")) == [.quit])
    }

    @Test func newSnapshotKeepsTheCursorInRange() {
        var state = ConsoleFixtures.state()
        for _ in 0..<4 { _ = state.handle(.down) }
        var snapshot = ConsoleFixtures.snapshot()
        snapshot.backends.removeLast(3)
        state.receive(snapshot)
        #expect(state.selectedBackend?.key == "/test/apache-8002")
    }

    @Test func bracketsSwitchTheUpstreamPanelBetweenResourcesAndWrap() {
        var state = ConsoleFixtures.state()
        state.receive(ConsoleFixtures.twoResourceSnapshot())
        #expect(state.upstream.resource == "nginx.toml")
        #expect(state.handle(.char("]")).isEmpty)
        #expect(state.shownResource?.name == "stream.toml")
        #expect(state.upstream.resource == "stream.toml")
        #expect(state.upstream.lines.map(\.text).contains("    server 127.0.0.1:9001;"))
        #expect(state.focus == .upstream)
        #expect(state.message?.text == "Upstream shows stream.toml (2/2)")
        _ = state.handle(.char("]"))
        #expect(state.upstream.resource == "nginx.toml")
        _ = state.handle(.char("["))
        #expect(state.upstream.resource == "stream.toml")
    }

    @Test func theShownResourceStaysAcrossSnapshotsAndFollowsItsRenders() {
        var state = ConsoleFixtures.state()
        var snapshot = ConsoleFixtures.twoResourceSnapshot()
        state.receive(snapshot)
        _ = state.handle(.char("]"))
        snapshot.resources[1].previousRender = snapshot.resources[1].lastRender
        snapshot.resources[1].lastRender = "stream {\n    server 127.0.0.1:9001;\n    server 127.0.0.1:9002;\n}\n"
        state.receive(snapshot)
        #expect(state.upstream.resource == "stream.toml")
        #expect(state.upstream.lines.contains { $0.text == "    server 127.0.0.1:9002;" && $0.mark == .added })
        // The resource went away: the panel falls back to the one left.
        snapshot.resources.removeLast()
        state.receive(snapshot)
        #expect(state.upstream.resource == "nginx.toml")
    }

    @Test func bracketsDoNothingWithOneResource() {
        var state = ConsoleFixtures.state()
        #expect(state.handle(.char("]")).isEmpty)
        #expect(state.upstream.resource == "nginx.toml")
        #expect(state.focus == .backends)
        #expect(state.message == nil)
    }

    @Test func upstreamMarksAddedAndChangedLines() {
        let view = UpstreamView(status: ConsoleFixtures.snapshot().resources.first)
        #expect(view.isBlockOnly)
        #expect(view.lines.first?.text == "upstream backend {")
        #expect(view.lines.last?.text == "}")
        #expect(view.lines.map(\.mark) == [.same, .same, .same, .changed, .added, .same])
        #expect(view.removedCount == 1)
    }

    @Test func intentsDriveAFakeEngineAndItsAnswersComeBack() async {
        let engine = FakeEngine(snapshot: ConsoleFixtures.snapshot())
        var state = ConsoleFixtures.state()
        _ = state.handle(.char("a"))
        type("new", into: &state)
        _ = state.handle(.tab)
        type("[::1]:8080", into: &state)
        for intent in state.handle(.enter) {
            guard case .perform(let effect) = intent else { continue }
            state.receive(effect: effect, error: await engine.perform(effect))
        }
        #expect(engine.performed == [.change(.add(key: "/test/new", address: "[::1]:8080"))])
        #expect(state.message?.text == "added /test/new = [::1]:8080")
        state.receive(effect: .renderNow, error: "check_cmd failed")
        #expect(state.message == StatusMessage("failed: check_cmd failed", isError: true))
    }

    @Test func terminalKeyCodesMapToKeys() {
        #expect(Terminal.key(kind: 0, code: 9) == .tab)
        #expect(Terminal.key(kind: 0, code: 13) == .enter)
        #expect(Terminal.key(kind: 0, code: 27) == .escape)
        #expect(Terminal.key(kind: 0, code: 16) == .control("p"))
        #expect(Terminal.key(kind: 0, code: 127) == .backspace)
        #expect(Terminal.key(kind: 0, code: 113) == .char("q"))
    }
}
