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
        // Floats in %x, %X and %b: a power of two, the shortest hex fraction or one rounded half to even, and %#x's
        // zeros counted from the x (seed 7, 30,000 cases).
        Recorded(
            #"{{printf "%x|%X|%b|%#x|%#X" 1.5 -2.75 1.0 0.0 5e-324}}"#,
            go: "0x1.8p+00|-0X1.6P+01|4503599627370496p-52|0x0.0000p+00|0X1.P-1074"),
        Recorded(
            #"{{printf "%.0x|%.1x|%.3x|%.15x|%#.2x|%#.0x" 1.5 0.1 255.9999 0.1 1.0 1e300}}"#,
            go: "0x1p+01|0x1.ap-04|0x1.000p+08|0x1.999999999999a00p-04|0x1.00p+00|0x1.p+996"),
        Recorded(
            #"{{printf "%+x|% x|%012x|%-12x|%12b|%+b|%010X|%b" 1.5 1.5 -1.5 0.1 1.0 2.2250738585072014e-308 255.9999 -0.0}}"#,
            go: "+0x1.8p+00| 0x1.8p+00|-000x1.8p+00|0x1.999999999999ap-04|4503599627370496p-52|+4503599627370496p-1074|"
                + "0X1.FFFFF2E48E8A7P+07|-0p-1074"),
        Recorded(
            #"{{printf "%x|%X" (jsonArray "[1e-7,1000000]") 0.3333333333333333}}"#,
            go: "[0x1.ad7f29abcaf48p-24 0x1.e848p+19]|0X1.5555555555555P-02"),
        // %p of what is not a pointer, map or slice is a bad verb (the generator makes no %p: Go prints a map's or
        // slice's address).
        Recorded(
            #"{{printf "%p|%p|%p|%5p" 1 "a" true 2.5}}"#,
            go: "%!p(int=1)|%!p(string=a)|%!p(bool=true)|%!p(float64=  2.5)"),
        // An assignment to a variable no `:=` declared is an error only when it runs, and declares it for the parser
        // (seed 7); `range $i, $x = …` sets the outer variables; a bad argument index spoils its verb even when a later
        // index in it is good, and only that verb.
        Recorded(#"{{block "b" 1}}{{$v := 2}}{{end}}{{if false}}{{$v = 3}}{{$v}}{{end}}ok"#, go: "ok"),
        Recorded(#"{{if true}}{{$x = 1}}{{end}}"#, go: nil),
        Recorded(#"{{$i := 0}}{{$x := 0}}{{range $i, $x = seq 5 6}}{{end}}{{$i}} {{$x}}"#, go: "1 6"),
        Recorded(#"{{$x := 0}}{{range $x = seq 1 2}}{{$x}}{{end}}|{{$x}}"#, go: "12|2"),
        Recorded(
            #"{{printf "%[2]*[1]d|%[3]d %d|%[2]*[1]d" 5}}{{printf "%[2]*[1]d" (jsonArray "null")}}"#,
            go: "%!d(BADINDEX)|%!d(BADINDEX) 5|%!(BADWIDTH)%!d(BADINDEX)%!(BADWIDTH)%!d(BADINDEX)"),
        // A pipeline's nil interface is no value: a block called with it, or a field of it, is no value (seed 7); a
        // range's nil element stays a nil interface, whose field is an error.
        Recorded(
            #"{{block "b" (index (json "null") "a")}}{{.x.y}}{{end}}|{{(index (json "{\"a\":null}") "a").x}}|"#
                + #"{{index (json "{\"a\":null}") "a" | printf "%v"}}|{{range jsonArray "[null]"}}{{.}}{{end}}"#,
            go: "<no value>|<no value>|<nil>|<no value>"),
        Recorded(#"{{range jsonArray "[null]"}}{{.x}}{{end}}"#, go: nil),
        Recorded(
            #"{{with $x := index (json "{\"a\":null}") "a"}}y{{else}}{{$x}}{{end}}|"#
                + #"{{$y := index (json "{\"a\":null}") "a"}}{{printf "%v %T" $y $y}}|{{$y.z}}"#,
            go: "<no value>|<nil> <nil>|<no value>"),
        // Seed 20261206: a range catches a {{break}} from its own else branch (a {{continue}} there goes on with the
        // enclosing range); split on "" turns a byte that is not UTF-8 into U+FFFD except in the last part; %#U shows
        // the character only when it is printable.
        Recorded(#"{{range seq 1 2}}{{range jsonArray "[]"}}{{else}}e{{break}}x{{end}}{{.}}{{end}}"#, go: "e1e2"),
        Recorded(#"{{range seq 1 2}}{{range jsonArray "[]"}}{{else}}e{{continue}}x{{end}}{{.}}{{end}}"#, go: "ee"),
        Recorded(#"{{range seq 1 2}}{{else}}{{break}}{{end}}"#, go: nil),
        Recorded(
            #"{{printf "%q" (split "\xe9\xc3a\xff" "")}}|{{printf "%q" (split "\xff" "")}}|{{printf "%q" (split "" "")}}"#,
            go: "[\"\u{FFFD}\" \"\u{FFFD}\" \"a\" \"\\xff\"]|[\"\\xff\"]|[]"),
        Recorded(#"{{printf "%#U|%#U|%#U" 1 32 233}}"#, go: "U+0001|U+0020 ' '|U+00E9 '\u{E9}'"),
        // confd's json/jsonArray of null is a nil map or slice: eq finds it equal to nil and to another nil of its
        // kind of container, unequal to a non-nil one whatever its element type, an error against the other kind;
        // %#v names the nil, and reverse and slice keep it (seeds 424242, 7 and 20261206).
        Recorded(
            #"{{ne (json "null") (json "null")}}|{{eq (jsonArray "null") (jsonArray "null")}}|"#
                + #"{{printf "%#v|%#v" (jsonArray "null") (json "null")}}|{{eq (jsonArray "null") (split "a" ",")}}|"#
                + #"{{ne (json "null") (json "{}")}}|{{eq (jsonArray "[]") (jsonArray "null")}}|"#
                + #"{{eq (json "null") (json "null") (json "{}")}}|{{eq (jsonArray "null") nil}}|"#
                + #"{{eq (jsonArray "null") (index (json "{\"a\":null}") "a")}}"#,
            go: "false|true|[]interface {}(nil)|map[string]interface {}(nil)|false|true|false|true|true|true"),
        Recorded(
            #"{{printf "%#v" (slice (jsonArray "null") 0 0)}}|{{printf "%#v" (reverse (jsonArray "null"))}}"#,
            go: "[]interface {}(nil)|[]interface {}(nil)"),
        Recorded(#"{{eq (json "null") (jsonArray "null")}}"#, go: nil),
        Recorded(#"{{eq (jsonArray "null") "a"}}"#, go: nil),
        Recorded(#"{{lt (jsonArray "null") (jsonArray "null")}}"#, go: nil),
        // Seeds 99 and 31337: %g is the shortest form unless `#` asks for zeros; %+q of a rune escapes to ASCII; an
        // argument index takes everything up to the first `]`, whatever it holds.
        Recorded(
            #"{{printf "%+q|%q|%+q" 233 233 128512}}|{{printf "%g|%.3g|%G|%#g|%v" 1e6 1e21 1e-7 1e6 1e21}}|"#
                + #"{{printf "%[x]d|%[]d|%[1x]d|%[1d|%[2]d" 5}}"#,
            go: #"'\u00e9'|'é'|'\U0001f600'|1e+06|1e+21|1E-07|1.00000e+06|1e+21|"#
                + "%!d(BADINDEX)|%!d(BADINDEX)|%!d(BADINDEX)|%!d(BADINDEX)"),
        Recorded(
            #"{{printf "%[]" 5}}|{{printf "%[]d" 5}}|{{printf "%[" 5}}|{{printf "%[1]" 5}}"#,
            go: "%!](BADINDEX)|%!d(BADINDEX)|%!(NOVERB)|%!(NOVERB)"),
        // Seed 555: an extra nil argument is <nil>, with no type.
        Recorded(#"{{printf "%d" 1 . nil 2}}"#, go: "1%!(EXTRA <nil>, <nil>, int=2)"),
        // Seed 8080: a literal nil or no value is a nil []string; a nil interface from a field, variable or dot is the
        // wrong type.
        Recorded(
            #"{{sortByLength nil}}|{{sortByLength (index (json "{\"a\":null}") "a")}}|{{join (json "{}").a ","}}|"#
                + #"{{eq nil nil}}|{{not nil}}|{{and nil 1}}|{{print nil}}|{{printf "%d" nil}}"#,
            go: "[]|[]||true|true|<no value>|<nil>|%!d(<nil>)"),
        Recorded(#"{{range $x := jsonArray "[null]"}}{{sortByLength $x}}{{end}}"#, go: nil),
        Recorded(#"{{range jsonArray "[null]"}}{{sortByLength .}}{{end}}"#, go: nil),
        Recorded(#"{{join (json "{\"a\":null}").a ","}}"#, go: nil),
        // Seed 1: %U of a negative integer shows its bits unsigned.
        Recorded(#"{{printf "%U|%#U|%08U" -1 -2 -1}}"#, go: "U+FFFFFFFFFFFFFFFF|U+FFFFFFFFFFFFFFFE|U+FFFFFFFFFFFFFFFF"),
        // Seed 4: seq of an empty range is a nil []int; a declaration's or assignment's names are in scope for the
        // pipeline's own commands at parse, and a variable not yet set fails only when it runs.
        Recorded(#"{{printf "%#v|%#v|%v" (seq 2 0) (seq 1 1) (seq 3 1)}}"#, go: "[]int(nil)|[]int{1}|[]"),
        Recorded(#"{{if false}}{{$x := $x}}{{$y = $y}}{{end}}ok"#, go: "ok"),
        Recorded(#"{{$x := $x}}ok"#, go: nil),
        // Seed 7777: %#o adds a leading 0 only when the digits do not start with one.
        Recorded(#"{{printf "%#o|%#o|%#.3o|%#.0o|%#5o|%#05o|%#o" 0 8 8 0 8 8 -8}}"#, go: "0|010|010||  010|00010|-010"),
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
}
