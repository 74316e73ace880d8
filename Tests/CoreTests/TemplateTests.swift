import Foundation
import Testing

@testable import Core
@testable import GoTemplate
@testable import GoText

/// Renders `source` over `pairs`; returns the output or the error text.
func render(_ source: String, _ pairs: [GoString: GoString] = [:], dot: [String: String]? = nil) -> String {
    do {
        let template = try Template(source: source, name: "t.tmpl")
        return try template.renderString(StoreView(pairs), dot: dot)
    } catch {
        return "ERROR \(error)"
    }
}

let sampleStore: [GoString: GoString] = [
    "/test/apache-8001": "127.0.0.1:8001",
    "/test/apache-8002": "127.0.0.1:8002",
    "/app/web/b": "2",
    "/app/web/a": "1",
    "/app/web/c/d": "deep",
    "/app/name": "demo",
    "/app/json": #"{"a":1000000,"b":[1,"x",true,null],"c":{"d":1.5}}"#,
    "/app/list": #"["z","y",3]"#,
    "/app/empty": "",
    "/numbers/10": "10",
    "/numbers/9": "9",
    "/numbers/B": "B",
    "/numbers/a": "a",
]

@Suite struct TemplateSyntaxTests {
    @Test(arguments: [
        ("plain text", "plain text"),
        ("{{/* a comment */}}x", "x"),
        ("a  {{- /* trimmed */ -}}  b", "ab"),
        ("a \n\t {{- \"x\" -}} \n b", "axb"),
        ("{{-3}}", "-3"),
        ("{{- 3}}", "3"),
        ("{{.}}", "<no value>"),
        ("{{$}}", "<no value>"),
        ("{{\"a\\tb\"}}", "a\tb"),
        ("{{`raw\\n`}}", "raw\\n"),
        ("{{'a'}}", "97"),
        ("{{0x1F}} {{0o17}} {{017}} {{0b101}} {{1_000}}", "31 15 15 5 1000"),
        ("{{1.5}} {{1e3}} {{1.0}} {{-0.5}}", "1.5 1000 1 -0.5"),
        ("{{true}} {{false}}", "true false"),
        ("{{print nil}}", "<nil>"),
        ("{{$x := 1}}{{$x}}", "1"),
        ("{{$x := 1}}{{$x = 2}}{{$x}}", "2"),
        ("{{$x := \"a\"}}{{if true}}{{$x = \"b\"}}{{end}}{{$x}}", "b"),
        ("{{if true}}{{$y := 1}}{{$y}}{{end}}", "1"),
        ("{{if 1}}yes{{else}}no{{end}}", "yes"),
        ("{{if 0}}yes{{else}}no{{end}}", "no"),
        ("{{if \"\"}}yes{{else if 0}}zero{{else if 1}}one{{else}}none{{end}}", "one"),
        ("{{if .}}x{{else}}nil{{end}}", "nil"),
        ("{{with \"v\"}}{{.}}{{end}}", "v"),
        ("{{with \"\"}}{{.}}{{else}}empty{{end}}", "empty"),
        ("{{with $x := \"v\"}}{{$x}}{{.}}{{end}}", "vv"),
        ("{{with 0}}a{{else with 2}}{{.}}{{end}}", "2"),
        ("{{range $i, $e := split \"a,b,c\" \",\"}}{{$i}}={{$e}} {{end}}", "0=a 1=b 2=c "),
        ("{{range split \"a,b\" \",\"}}[{{.}}]{{end}}", "[a][b]"),
        ("{{range $e := split \"a,b\" \",\"}}{{$e}}{{end}}", "ab"),
        ("{{range gets \"/nothing/*\"}}x{{else}}none{{end}}", "none"),
        ("{{range $k, $v := map \"b\" 2 \"a\" 1}}{{$k}}{{$v}}{{end}}", "a1b2"),
        ("{{range seq 1 5}}{{if eq . 3}}{{continue}}{{end}}{{if eq . 5}}{{break}}{{end}}{{.}}{{end}}", "124"),
        ("{{range seq 1 3}}{{range seq 1 3}}{{if eq . 2}}{{break}}{{end}}{{.}}{{end}}|{{end}}", "1|1|1|"),
        ("{{define \"x\"}}[{{.}}]{{end}}{{template \"x\" \"arg\"}}", "[arg]"),
        ("{{define \"x\"}}[{{.}}]{{end}}{{template \"x\"}}", "[<no value>]"),
        ("{{block \"b\" 5}}<{{.}}>{{end}}", "<5>"),
        // Go refuses two definitions with content under one name (checked with Go 1.19).
        (
            "{{define \"b\"}}override{{end}}{{block \"b\" 5}}<{{.}}>{{end}}",
            "ERROR t.tmpl:1:32: template: multiple definition of template \"b\""
        ),
        ("{{\"x\" | printf \"%s-%s\" \"y\"}}", "y-x"),
        ("{{\"abc\" | toUpper | printf \"%q\"}}", "\"ABC\""),
        ("{{(split \"a.b\" \".\") | len}}", "2"),
        ("{{len (split \"a.b.c\" \".\")}}", "3"),
        ("{{(get \"/app/name\").Value}}", "demo"),
        ("{{(json (getv \"/app/json\")).c.d}}", "1.5"),
        ("{{$m := json (getv \"/app/json\")}}{{$m.c.d}} {{$m.missing}}", "1.5 <no value>"),
        ("{{$m := json (getv \"/app/json\")}}{{index $m \"missing\"}}", "<no value>"),
        ("{{and 1 0 2}} {{and 1 2}} {{or 0 \"\" 3}} {{or 0 \"\"}}", "0 2 3 "),
        ("{{and false (getv \"/missing\")}}", "false"),
        ("{{or true (getv \"/missing\")}}", "true"),
        ("{{not 0}} {{not \"x\"}}", "true false"),
        ("{{\n  \"multi\"\n}}", "multi"),
        ("a{{/* c */ -}}  b", "ab"),
        ("{{- /* c */}}", ""),
    ])
    func renders(source: String, expected: String) {
        #expect(render(source, sampleStore) == expected)
    }

    @Test(arguments: [
        ("{{", "t.tmpl:1:1: unclosed action"),
        ("{{.Foo", "t.tmpl:1:1: unclosed action"),
        ("{{end}}", "t.tmpl:1:3: unexpected {{end}}"),
        ("{{else}}", "t.tmpl:1:3: unexpected {{else}}"),
        ("{{if true}}x", "t.tmpl:1:13: unexpected EOF"),
        ("{{nosuch 1}}", "t.tmpl:1:3: function \"nosuch\" not defined"),
        ("\n\n  {{$x}}", "t.tmpl:3:5: undefined variable \"$x\""),
        ("{{$x = 1}}", "t.tmpl:1:3: undefined variable: $x"),
        ("{{break}}", "t.tmpl:1:3: {{break}} outside {{range}}"),
        ("{{/* x", "t.tmpl:1:3: unclosed comment"),
        ("{{/* x */ y}}", "t.tmpl:1:3: comment ends before closing delimiter"),
        ("{{\"abc}}", "t.tmpl:1:3: unterminated quoted string"),
        ("{{`abc}}", "t.tmpl:1:3: unterminated raw quoted string"),
        ("{{3x}}", "t.tmpl:1:3: bad number syntax: \"3x\""),
        ("{{1 | }}", "t.tmpl:1:7: missing command after |"),
        ("{{}}", "t.tmpl:1:3: missing value for command"),
        ("{{(1}}", "t.tmpl:1:5: unclosed left paren"),
        ("{{1)}}", "t.tmpl:1:4: unexpected right paren"),
        ("{{template \"nope\"}}", "t.tmpl:1:3: no such template \"nope\""),
        ("{{range 5}}{{end}}", "t.tmpl:1:9: range can't iterate over 5"),
        ("{{range \"abc\"}}{{end}}", "t.tmpl:1:9: range can't iterate over abc"),
        ("{{1 2}}", "t.tmpl:1:3: can't give argument to non-function 1"),
        ("{{nil}}", "t.tmpl:1:3: nil is not a command"),
        ("{{\"x\".Foo}}", "t.tmpl:1:3: unexpected . after term \"\\\"x\\\"\""),
        ("{{(get \"/app/name\").Nope}}", "t.tmpl:1:3: can't evaluate field Nope in type memkv.KVPair"),
        ("{{\"s\" | 1}}", "t.tmpl:1:9: can't give argument to non-function 1"),
        ("{{@}}", "t.tmpl:1:3: unrecognized character in action: '@'"),
        ("{{1i}}", "t.tmpl:1:3: complex number 1i is not supported"),
    ])
    func parseAndExecutionErrorsNamePosition(source: String, expected: String) {
        #expect(render(source, sampleStore) == "ERROR " + expected)
    }

    @Test func defineDoesNotPrint() {
        #expect(render("a{{define \"x\"}}body{{end}}b") == "ab")
    }

    @Test func templatesCanRecurseWithinLimits() {
        let source = "{{define \"r\"}}{{if gt . 0}}{{.}}{{template \"r\" (sub . 1)}}{{end}}{{end}}{{template \"r\" 3}}"
        #expect(render(source) == "321")
        let runaway = "{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\" 1}}"
        #expect(render(runaway).contains("exceeded maximum template depth"))
    }

    @Test func theCheckCommandDotIsAMapOfStrings() {
        #expect(
            render("nginx -t -c {{.src}}", dot: ["src": "/etc/.nginx.conf123"]) == "nginx -t -c /etc/.nginx.conf123")
        #expect(render("{{.missing}}", dot: ["src": "x"]) == "<no value>")
    }

    @Test func theArticleTemplate() {
        let source = """
            upstream backend {
                {{range getvs "/test/*"}}
                    server {{.}};
                {{end}}
            }
            """
        let expected = """
            upstream backend {
                
                    server 127.0.0.1:8001;
                
                    server 127.0.0.1:8002;
                
            }
            """
        #expect(render(source, sampleStore) == expected)
    }

    /// A body of only text and `{{.}}` is printed without walking it; it must print what the general walk prints
    /// (the same body with each `{{.}}` inside `{{if true}}` takes the general path).
    @Test(arguments: [
        "{{range getvs \"/test/*\"}}  server {{.}};\n{{end}}",
        "{{range seq 1 3}}<{{.}}>{{end}}",
        "{{range jsonArray (getv \"/app/list\")}}[{{.}}]{{end}}",
        "{{range ls \"/app/web\"}}{{.}}{{.}} {{end}}",
        "{{range gets \"/test/*\"}}{{.}}|{{end}}",
        "{{range getvs \"/none/*\"}}x{{.}}{{else}}empty{{end}}",
    ])
    func textAndDotBodiesPrintAsTheGeneralWalkDoes(source: String) {
        let walked = source.replacingOccurrences(of: "{{.}}", with: "{{if true}}{{.}}{{end}}")
        #expect(!render(source, sampleStore).hasPrefix("ERROR"))
        #expect(render(source, sampleStore) == render(walked, sampleStore))
    }

    @Test func renderingTenThousandBackendsIsLinear() throws {
        var pairs: [GoString: GoString] = [:]
        for i in 0..<10_000 { pairs["/test/apache-\(10000 + i)"] = "10.0.\(i / 256).\(i % 256):\(10000 + i)" }
        let template = try Template(source: "{{range getvs \"/test/*\"}}server {{.}};\n{{end}}", name: "t")
        let output = try template.renderString(StoreView(pairs))
        #expect(output.split(separator: "\n").count == 10_000)
    }
}
