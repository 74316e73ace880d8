import Foundation
import Testing

@testable import Core
@testable import GoText

/// Inputs that crashed the template engine (found by scripts/fuzz, or by probing the limits it pointed at). Each
/// must now end in a clear error — or, where Go's behaviour is an output, that output — instead of a trap.
@Suite struct FuzzRegressionTests {
    /// Crash files saved by scripts/fuzz (`Fuzz/crashes/template/`), run as they are.
    static let crashDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz/crashes/template")

    static var crashFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: crashDirectory.path)) ?? []).sorted()
    }

    @Test func everySavedCrashInputNowParsesOrFailsCleanly() throws {
        let files = Self.crashFiles
        #expect(!files.isEmpty, "no crash inputs under \(Self.crashDirectory.path)")
        for file in files {
            let data = try Data(contentsOf: Self.crashDirectory.appendingPathComponent(file))
            guard let source = String(data: data, encoding: .utf8) else { continue }
            // Reaching the next line at all is the point; the result is either output or a positioned error.
            let result = render(source, sampleStore, dot: ["src": "/tmp/stage"])
            if result.hasPrefix("ERROR ") { #expect(result.contains("t.tmpl:"), "\(file): \(result)") }
        }
    }

    @Test(arguments: [
        // A `define` inside nested ifs whose body fails: the define's error unwound the scopes twice (fuzzer).
        ("{{if.}}{{if 1}}{{define\"\"}}{{}}", "t.tmpl:1:18: unexpected <define> in command"),
        // Go allows `define` only at the top level.
        ("{{if 1}}{{define \"x\"}}y{{end}}{{end}}", "t.tmpl:1:11: unexpected <define> in command"),
        // `last - first` overflowed in seq's size check.
        ("{{seq -9223372036854775807 9223372036854775807}}", "t.tmpl:1:3: seq: range too large"),
        // An empty character constant read the byte after its end (the fuzzer, first run through SwiftPM).
        ("{{''}}", "t.tmpl:1:3: malformed character constant: ''"),
    ])
    func formerCrashesAreErrors(source: String, expected: String) {
        #expect(render(source) == "ERROR " + expected)
    }

    @Test(arguments: [
        // `-w` overflowed for the smallest Int64; Go's fmt refuses widths beyond a million.
        ("{{printf \"%*d\" -9223372036854775808 1}}", "%!(BADWIDTH)1"),
        ("{{printf \"%.*d\" 9223372036854775807 1}}", "%!(BADPREC)1"),
        // Digits of a width, precision or argument index multiplied past Int.max.
        ("{{printf \"%99999999999999999999d\" 1}}", "%!(NOVERB)%!(EXTRA int=1)"),
        ("{{printf \"%.99999999999999999999d\" 1}}", "%!(NOVERB)%!(EXTRA int=1)"),
        ("{{printf \"%[99999999999999999999]d\" 1}}", "%!d(BADINDEX)"),
        ("{{printf \"%5d|%-3d|%.2f\" 1 2 3.14159}}", "    1|2  |3.14"),
    ])
    func printfBoundsFollowGo(source: String, expected: String) {
        #expect(render(source) == expected)
    }

    @Test func deepNestingIsAnErrorNotAStackOverflow() {
        let parens = "{{" + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000) + "}}"
        #expect(render(parens).contains("nesting deeper than 200 levels"))
        let ifs = String(repeating: "{{if 1}}", count: 5000) + "x" + String(repeating: "{{end}}", count: 5000)
        #expect(render(ifs).contains("nesting deeper than 200 levels"))
        // Within the limit it still works.
        let fine = String(repeating: "{{if 1}}", count: 150) + "x" + String(repeating: "{{end}}", count: 150)
        #expect(render(fine) == "x")
    }

    @Test func nestingTimesRecursionIsBoundedWhileRendering() {
        // 150 nested ifs around a recursive call: each call is 151 levels deep, so the render stops on the total.
        let body =
            String(repeating: "{{if 1}}", count: 150) + "{{template \"r\" .}}"
            + String(repeating: "{{end}}", count: 150)
        let source = "{{define \"r\"}}\(body){{end}}{{template \"r\" 1}}"
        #expect(render(source).contains("exceeded maximum nesting depth (1500)"))
        // Plain recursion still meets the template depth limit first.
        #expect(render("{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\" 1}}").contains("template depth"))
    }

    @Test func deeplyNestedJSONIsAnError() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(render("{{jsonArray \"\(deep)\"}}").contains("jsonArray: exceeded max depth"))
        let store: [GoString: GoString] = [
            "/j": GoString(String(repeating: "{\"a\":", count: 5000) + "1" + String(repeating: "}", count: 5000))
        ]
        #expect(render("{{json (getv \"/j\")}}", store).contains("json: exceeded max depth"))
        #expect(render("{{index (jsonArray \"[[[1]]]\") 0 0 0}}") == "1")
    }
}
