import Core
import Foundation
import GoText
import Testing

@testable import TUI

@Suite("Console layout")
struct ConsoleLayoutTests {
    let utc = TimeZone(identifier: "UTC")!

    func render(_ state: ConsoleState, theme: Theme = Theme()) -> String {
        Layout.frame(state: state, size: state.size, theme: theme, timeZone: utc).text
    }

    @Test func overviewAt80x24() {
        let text = render(ConsoleFixtures.state())
        for title in ["Backends", "Upstream", "Reloads", "Probe"] { #expect(text.contains(title)) }
        assertSnapshot(text, named: "overview-80x24")
    }

    @Test func overviewAt120x40() {
        let text = render(ConsoleFixtures.state(width: 120, height: 40))
        #expect(text.contains("▶ apache-8001"))
        #expect(text.contains("+     server 127.0.0.1:8004;"))
        #expect(text.contains("~     server 127.0.0.1:8003;"))
        #expect(text.contains("✗ check failed"))
        #expect(text.contains("? missing"))
        assertSnapshot(text, named: "overview-120x40")
    }

    @Test func twoResourcesNameTheShownOneAndEveryReloadsResource() {
        var state = ConsoleFixtures.state(width: 60, height: 24)
        state.receive(ConsoleFixtures.twoResourceSnapshot())
        _ = state.handle(.char("]"))
        // Narrow: the Reloads panel keeps a RESOURCE column, since records are for two resources.
        let text = render(state)
        #expect(text.contains("RESOURCE"))
        #expect(text.contains("stream.…"))
        assertSnapshot(text, named: "two-resources-60x24")
        state.size = TerminalSize(width: 120, height: 30)
        let wide = render(state)
        #expect(wide.contains("Upstream stream.toml (2/2)"))
        #expect(wide.contains("server 127.0.0.1:9001;"))
    }

    @Test func tooSmallNamesTheSizeNeededAndQuit() {
        let text = render(ConsoleFixtures.state(width: 50, height: 10))
        #expect(text.contains("50x10"))
        #expect(text.contains("60x15"))
        #expect(text.contains("q to quit"))
        assertSnapshot(text, named: "too-small-50x10")
    }

    @Test func asciiUsesNoNonASCIICharacters() {
        let text = render(ConsoleFixtures.state(width: 120, height: 40), theme: Theme(color: true, ascii: true))
        let allASCII = text.unicodeScalars.allSatisfy { $0.isASCII }
        #expect(allASCII)
        #expect(text.contains("x invalid"))
        assertSnapshot(text, named: "ascii-120x40")
    }

    @Test func noColorUsesNoColourPairsButKeepsStateVisible() {
        let theme = Theme(color: false, ascii: false)
        var state = ConsoleFixtures.state(width: 80, height: 24)
        state.receive(ConsoleFixtures.snapshot(readOnlyError: true))
        let frame = Layout.frame(state: state, size: state.size, theme: theme, timeZone: utc)
        let roles = Set(frame.rows.flatMap { $0.map(\.role) })
        #expect(roles.allSatisfy { theme.attributes(for: $0).colorPair == 0 })
        #expect(theme.attributes(for: .selected).reverse)
        #expect(frame.text.contains("error: etcd: connection refused"))
        #expect(frame.text.contains("✗ invalid"))
        assertSnapshot(frame.text, named: "no-color-80x24")
    }

    @Test func themeFollowsNoColorAndLocale() {
        #expect(Theme.detect(environment: ["LANG": "C.UTF-8"], noColor: false, ascii: false) == Theme())
        #expect(!Theme.detect(environment: ["LANG": "C.UTF-8", "NO_COLOR": "1"], noColor: false, ascii: false).color)
        #expect(!Theme.detect(environment: ["LANG": "C.UTF-8"], noColor: true, ascii: false).color)
        #expect(Theme.detect(environment: ["LANG": "C"], noColor: false, ascii: false).ascii)
        #expect(
            Theme.detect(environment: ["LC_ALL": "POSIX", "LANG": "en_US.UTF-8"], noColor: false, ascii: false).ascii)
        #expect(Theme.detect(environment: ["LANG": "en_US.UTF-8"], noColor: false, ascii: true).ascii)
    }

    @Test func readOnlyHelpShowsMutationsDisabled() {
        var state = ConsoleFixtures.state(width: 120, height: 40, readOnly: true)
        _ = state.handle(.char("?"))
        let text = render(state)
        #expect(text.contains("READ-ONLY"))
        #expect(text.contains("add a backend (form: Tab, Enter, ^P preview, Esc)  (disabled: read-only)"))
        #expect(!text.contains("probe nginx now  (disabled"))
        assertSnapshot(text, named: "help-readonly-120x40")
    }

    @Test func addFormShowsInlineError() {
        var state = ConsoleFixtures.state(width: 120, height: 40)
        _ = state.handle(.char("a"))
        for character in "web" { _ = state.handle(.char(character)) }
        _ = state.handle(.tab)
        for character in "10.0.0.1:99999" { _ = state.handle(.char(character)) }
        _ = state.handle(.enter)
        let text = render(state)
        #expect(text.contains("/test/web"))
        #expect(text.contains("port must be a number from 1 to 65535"))
        assertSnapshot(text, named: "add-form-error-120x40")
    }

    @Test func removeConfirmationStartsOnCancel() {
        var state = ConsoleFixtures.state(width: 120, height: 40)
        _ = state.handle(.char("d"))
        let text = render(state)
        #expect(text.contains("Remove /test/apache-8001 (127.0.0.1:8001) from the store?"))
        #expect(text.contains("▶ [ Cancel ]"))
        assertSnapshot(text, named: "confirm-remove-120x40")
    }

    @Test func previewShowsTheDiffAndSaysNothingIsApplied() {
        var state = ConsoleFixtures.state(width: 120, height: 40)
        _ = state.handle(.char("v"))
        #expect(render(state).contains("Rendering the change"))
        let diff =
            "--- /etc/nginx/nginx.conf\n+++ /etc/nginx/nginx.conf (preview)\n@@ -3,4 +3,3 @@\n"
            + "     upstream backend {\n-        server 127.0.0.1:8001;\n         server 127.0.0.1:8002;\n"
        state.receive(
            preview: [PreviewResult(resource: "nginx.toml", diff: diff)], for: .remove(key: "/test/apache-8001"))
        let text = render(state)
        #expect(text.contains("Preview: remove /test/apache-8001"))
        #expect(text.contains("-        server 127.0.0.1:8001;"))
        #expect(text.contains("Nothing has been applied"))
        assertSnapshot(text, named: "preview-120x40")
    }

    @Test func reloadOutputOverlayShowsCommandOutput() {
        var state = ConsoleFixtures.state(width: 120, height: 40)
        _ = state.handle(.char("3"))
        _ = state.handle(.char("j"))
        _ = state.handle(.enter)
        let text = render(state)
        #expect(text.contains("Apply #2 output"))
        #expect(text.contains("[emerg] unexpected"))
        #expect(text.contains("check_cmd failed with exit status 1"))
    }

    @Test func backendsScrollToKeepTheSelectionVisible() {
        var snapshot = ConsoleFixtures.snapshot()
        snapshot.backends = (0..<200).map {
            BackendEntry(key: "/test/b\(1000 + $0)", address: "10.0.0.1:\(1000 + $0)")
        }
        var state = ConsoleState(snapshot: snapshot, size: TerminalSize(width: 80, height: 24))
        for _ in 0..<50 { _ = state.handle(.down) }
        let text = render(state)
        #expect(text.contains("▶ b1050"))
        #expect(!text.contains("b1000 "))
    }

    @Test func keysDifferingOnlyInNormalizationAreTwoEscapedRows() {
        var snapshot = ConsoleFixtures.snapshot()
        snapshot.backends = [
            BackendEntry(key: GoString(Array("/test/cafe".utf8) + [0xCC, 0x81]), address: "127.0.0.1:8002"),
            BackendEntry(key: GoString(Array("/test/caf".utf8) + [0xC3, 0xA9]), address: "127.0.0.1:8001"),
            BackendEntry(
                key: "/test/latin", address: GoString(Array("caf".utf8) + [0xE9]), isValidAddress: false),
        ]
        let text = render(ConsoleState(snapshot: snapshot, size: TerminalSize(width: 80, height: 24)))
        #expect(text.contains("cafe\\u{301}"))
        #expect(text.contains("caf\u{E9} "))
        #expect(text.contains("caf\\xe9"))
        assertSnapshot(text, named: "backends-bytes-80x24")
    }

    @Test func aLongMissingListShowsItsCountAndTheFirstFew() {
        let many = (1...20).map { "10.0.0.\($0):80" }
        #expect(Layout.listed("missing", Array(many.prefix(2)), theme: Theme()) == "missing: 10.0.0.1:80, 10.0.0.2:80")
        let long = Layout.listed("missing", many, theme: Theme(ascii: true))
        #expect(long.hasPrefix("missing (20): 10.0.0.1:80, 10.0.0.2:80,"))
        #expect(long.hasSuffix("10.0.0.8:80, ~") && !long.contains("10.0.0.9:80"))
    }

    @Test func layoutOf10000BackendsFormatsOnlyVisibleRows() {
        var snapshot = ConsoleFixtures.snapshot()
        snapshot.backends = (0..<10_000).map {
            BackendEntry(
                key: GoString(String(format: "/test/backend-%05d", $0)), address: "10.0.\($0 / 250).\($0 % 250):8080")
        }
        let state = ConsoleState(snapshot: snapshot, size: TerminalSize(width: 120, height: 40))
        let text = render(state)
        #expect(text.contains("(10000/10000, by key)"))
        #expect(text.contains("backend-00000"))
        #expect(!text.contains("backend-09999"))
    }
}
