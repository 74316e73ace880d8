import Testing

@testable import Core
@testable import GoTemplate
@testable import GoText

/// Every difference the differential test against Go found (Tests/IntegrationTests/GoDifferentialTests.swift),
/// reduced to a small case with Go's output recorded by `scripts/go-oracle`, so that it runs without Go and no later
/// change brings it back. `nil` means Go refuses the template (parse or execution error).
@Suite struct GoRecordedTests {
    struct Recorded: Sendable, CustomTestStringConvertible {
        let template: String
        let store: [GoString: GoString]
        let go: String?
        init(_ template: String, _ store: [GoString: GoString] = [:], go: String?) {
            self.template = template
            self.store = store
            self.go = go
        }
        var testDescription: String { template }
    }

    /// Renders through Switchboard's engine: the one call into its API here (the lead adapts it to the byte API).
    static func switchboard(_ recorded: Recorded) -> String? {
        guard let template = try? Template(source: recorded.template, name: "t.tmpl"),
            let output = try? template.render(StoreView(recorded.store))
        else { return nil }
        return String(decoding: output, as: UTF8.self)
    }

    static let json: GoString = #"{"a":null,"b":[1,null,"x"],"n":1000000,"o":{"k":null}}"#
    static let array: GoString = #"[null,1,"two",{"k":null}]"#

    static let cases: [Recorded] = [
        // A `#` flag keeps a float's trailing zeros, in %#g and in a bad verb's %v (not in %#v); seed 424242.
        Recorded(
            #"{{printf "a%#o%+05d%.0d" 2.0 (0b101) (not true)}}"#, go: "a%!o(float64=2.00000)+0005%!d(bool=false)"),
        Recorded(
            #"{{printf "%#q" (jsonArray "[1000000,1e-7,-0]")}}"#,
            go: "[%!q(float64=1.00000e+06) %!q(float64=1.00000e-07) %!q(float64=-0.00000)]"),
        Recorded(
            #"{{printf "%#g|%#.3g|%#g|%#v|%#G|%#.0g|%#g" 2.0 0.000123 0.0 2.0 1e21 5.0 10.0}}"#,
            go: "2.00000|0.000123|0.00000|2|1.00000E+21|5.|10.0000"),
        // Go's nil printing: a nil interface at the end of a pipeline is no value; inside fmt it is <nil>.
        Recorded(#"{{index (json (getv "/j")) "missing"}}"#, ["/j": json], go: "<no value>"),
        Recorded(#"{{index (json (getv "/j")) "a"}}"#, ["/j": json], go: "<no value>"),
        Recorded(#"{{(json (getv "/j")).a}}|{{(json (getv "/j")).o.k}}"#, ["/j": json], go: "<no value>|<no value>"),
        Recorded(#"{{index (jsonArray (getv "/l")) 0}}"#, ["/l": array], go: "<no value>"),
        Recorded(
            #"{{range jsonArray (getv "/l")}}[{{.}}]{{end}}"#, ["/l": array], go: "[<no value>][1][two][map[k:<nil>]]"),
        Recorded(#"{{$x := index (json (getv "/j")) "a"}}{{$x}}"#, ["/j": json], go: "<no value>"),
        Recorded(#"{{printf "%v" (index (json (getv "/j")) "a")}}"#, ["/j": json], go: "<nil>"),
        Recorded(#"{{json (getv "/j")}}"#, ["/j": json], go: "map[a:<nil> b:[1 <nil> x] n:1e+06 o:map[k:<nil>]]"),
        Recorded(#"{{jsonArray (getv "/l")}}"#, ["/l": array], go: "[<nil> 1 two map[k:<nil>]]"),
        Recorded(#"{{print nil 1 nil}}|{{println nil}}"#, go: "<nil> 1 <nil>|<nil>\n"),
        // A byte of a string is a uint8: printed as a number, compared with ints, refused where an int is wanted.
        Recorded(
            #"{{index "9" 0}}|{{printf "%T %d %c %v" (index "a" 0) (index "a" 0) (index "a" 0) (index "a" 0)}}|"#
                + #"{{eq (index "a" 0) 97}}|{{lt 96 (index "a" 0)}}"#, go: "57|uint8 97 a 97|true|true"),
        Recorded(#"{{add 0 (index "9" 0)}}"#, go: nil),
        // A define or block body is a template of its own: two with content under one name are an error, an empty
        // one gives way, and {{break}} in it is outside any range.
        Recorded(#"{{define "a"}} {{end}}{{define "a"}}y{{end}}{{template "a"}}"#, go: "y"),
        Recorded(#"{{define "a"}}y{{end}}{{define "a"}} {{end}}{{template "a"}}"#, go: "y"),
        Recorded(#"{{define "a"}}x{{end}}{{define "a"}}y{{end}}"#, go: nil),
        Recorded(#"{{range seq 1 2}}{{block "b" .}}{{break}}{{end}}{{end}}"#, go: nil),
        // A bad verb prints its operand under the same width; %#q backquotes any printable multi-byte rune; a zero
        // flag pads strings, booleans and nil with zeros.
        Recorded(
            #"{{printf "%5s" 5}}|{{printf "%#q" "a"}}|{{printf "%05s|%-05s|%05t|%06v" "a" "b" true nil}}"#,
            go: "%!s(int=    5)|`a\u{85}`|0000a|b    |0true|0<nil>"),
        Recorded(
            #"{{html nil}}|{{js nil}}|{{urlquery nil}}"#, go: "&lt;no value&gt;|\\u003Cno value\\u003E|%3Cno+value%3E"),
        Recorded(#"{{html nil 1}}|{{html (jsonArray "[null]")}}"#, go: "&lt;no value&gt;1|[&lt;nil&gt;]"),
        // confd's reverse is a type switch on []string and []memkv.KVPair: gets returns memkv.KVPairs, unchanged.
        Recorded(
            #"{{reverse (gets "/*")}}|{{reverse (sortKVByLength (gets "/*"))}}|{{reverse (getvs "/*")}}"#,
            ["/a": "1", "/bb": "2", "/c": "3"], go: "[{/a 1} {/bb 2} {/c 3}]|[{/bb 2} {/c 3} {/a 1}]|[3 2 1]"),
        Recorded(
            #"{{printf "%T %T %T" (gets "/*") (sortKVByLength (gets "/*")) (reverse (gets "/*"))}}"#, ["/a": "1"],
            go: "memkv.KVPairs []memkv.KVPair memkv.KVPairs"),
        Recorded(#"{{sortKVByLength nil}}{{printf "%T" (sortKVByLength nil)}}"#, go: "[][]memkv.KVPair"),
    ]

    @Test(arguments: cases)
    func rendersAsGoDid(_ recorded: Recorded) {
        #expect(Self.switchboard(recorded) == recorded.go)
    }

    /// Differences found and not fixed yet, each with Go's output, so they stay on record and the test says when one
    /// is fixed (then move it to `cases`). Seed 424242, 20,000 cases: Go compares a nil map or slice (confd's
    /// `json`/`jsonArray` of `null`) with `eq`/`ne`; Switchboard keeps no nil-ness and calls them non-comparable.
    static let knownDifferences: [Recorded] = [
        Recorded(#"{{ne (json "null") (json "null")}}"#, go: "false"),
        Recorded(#"{{eq (jsonArray "null") (jsonArray "null")}}"#, go: "true"),
    ]

    @Test(arguments: knownDifferences)
    func knownDifferencesFromGo(_ recorded: Recorded) {
        withKnownIssue("a nil map or slice compared with eq/ne (issue 10)") {
            #expect(Self.switchboard(recorded) == recorded.go)
        }
    }
}
