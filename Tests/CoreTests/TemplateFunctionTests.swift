import Foundation
import Testing

@testable import Core
@testable import GoTemplate

@Suite struct TemplateFunctionTests {
    @Test(arguments: [
        // Store functions.
        ("{{exists \"/app/name\"}} {{exists \"/app\"}} {{exists \"/nope\"}}", "true false false"),
        ("{{getv \"/app/name\"}}", "demo"),
        ("{{getv \"/nope\" \"fallback\"}}", "fallback"),
        ("[{{getv \"/nope\" \"\"}}]", "[]"),
        ("[{{getv \"/app/empty\" \"default\"}}]", "[]"),
        (
            "{{getv \"/app/\" \"miss\"}} {{getv \"app/name\" \"miss\"}} {{getv \"//app/name\" \"miss\"}}",
            "miss miss miss"
        ),
        ("{{with get \"/app/name\"}}{{.Key}}={{.Value}}{{end}}", "/app/name=demo"),
        ("{{get \"/app/name\"}}", "{/app/name demo}"),
        ("{{range gets \"/app/web/*\"}}{{.Key}}:{{.Value}} {{end}}", "/app/web/a:1 /app/web/b:2 "),
        ("{{range gets \"/app/*/*\"}}{{.Key}} {{end}}", "/app/web/a /app/web/b "),
        ("{{range gets \"/app/web/[ab]\"}}{{.Value}}{{end}}", "12"),
        ("{{range gets \"/app/web/[^a]\"}}{{.Value}}{{end}}", "2"),
        ("{{range gets \"/app/web/[!a]\"}}{{.Value}}{{end}}", "1"),
        ("{{range gets \"/app/web/?\"}}{{.Value}}{{end}}", "12"),
        ("{{getvs \"/numbers/*\"}}", "[10 9 B a]"),
        ("{{getvs \"/test/*\"}}", "[127.0.0.1:8001 127.0.0.1:8002]"),
        ("{{len (gets \"/none/*\")}}", "0"),
        ("{{ls \"/app/web\"}}", "[a b c]"),
        ("{{ls \"/app/web/\"}}", "[a b c]"),
        ("{{ls \"/app/name\"}}", "[name]"),
        ("{{lsdir \"/app\"}}", "[web]"),
        ("{{lsdir \"/app/web\"}}", "[c]"),
        ("{{ls \"/\"}}", "[app numbers test]"),
        ("{{lsdir \"/\"}}", "[app numbers test]"),
        ("{{ls \"/nothing\"}}", "[]"),
        // Helpers.
        ("{{base \"/a/b/c.conf\"}} {{base \"/a/b/\"}} {{base \"\"}} {{base \"/\"}}", "c.conf b . /"),
        ("{{dir \"/a/b/c\"}} {{dir \"c\"}} {{dir \"/a//b/\"}} {{dir \"/\"}}", "/a/b . /a/b /"),
        ("{{split \"a:b::c\" \":\"}}", "[a b  c]"),
        ("{{split \"héllo\" \"\"}}", "[h é l l o]"),
        ("{{split \"\" \",\"}} {{len (split \"\" \",\")}}", "[] 1"),
        ("{{join (split \"a b c\" \" \") \"-\"}}", "a-b-c"),
        ("{{toUpper \"straße\"}} {{toLower \"ÀB\"}}", "STRAßE àb"),
        ("{{contains \"nginx.conf\" \"conf\"}} {{contains \"x\" \"\"}} {{contains \"x\" \"y\"}}", "true true false"),
        (
            "{{replace \"a.b.c\" \".\" \"-\" -1}} {{replace \"a.b.c\" \".\" \"-\" 1}} {{replace \"ab\" \"\" \"-\" -1}}",
            "a-b-c a-b.c -a-b-"
        ),
        ("{{trimSuffix \"nginx.conf\" \".conf\"}} {{trimSuffix \"x\" \"y\"}}", "nginx x"),
        ("{{$j := json (getv \"/app/json\")}}{{$j.a}} {{$j.b}} {{index $j.b 1}}", "1e+06 [1 x true <nil>] x"),
        ("{{jsonArray (getv \"/app/list\")}}", "[z y 3]"),
        ("{{range jsonArray \"[1, 2.5, 123456789]\"}}{{.}} {{end}}", "1 2.5 1.23456789e+08 "),
        ("{{json \"null\"}} {{jsonArray \"null\"}}", "map[] []"),
        ("{{$m := map \"a\" 1 \"b\" \"two\"}}{{$m.a}} {{$m.b}} {{len $m}}", "1 two 2"),
        ("{{map}}", "map[]"),
        ("{{base64Encode \"hello, world\"}}", "aGVsbG8sIHdvcmxk"),
        ("{{base64Decode \"aGVsbG8sIHdvcmxk\"}}", "hello, world"),
        ("{{parseBool \"t\"}} {{parseBool \"FALSE\"}}", "true false"),
        ("{{reverse (split \"a,b,c\" \",\")}}", "[c b a]"),
        ("{{$s := split \"a,b,c\" \",\"}}{{reverse $s}}{{$s}}", "[c b a][a b c]"),
        // confd: gets returns memkv.KVPairs, which reverse leaves as it is (checked with scripts/go-oracle).
        ("{{range reverse (gets \"/app/web/*\")}}{{.Key}} {{end}}", "/app/web/a /app/web/b "),
        ("{{sortByLength (split \"ccc,a,bb,d,ee\" \",\")}}", "[a d bb ee ccc]"),
        ("{{range sortKVByLength (gets \"/test/*\")}}{{.Value}} {{end}}", "127.0.0.1:8001 127.0.0.1:8002 "),
        ("{{add 1 2}} {{sub 1 2}} {{mul 3 4}} {{div 7 2}} {{mod 7 2}} {{div -7 2}} {{mod -7 2}}", "3 -1 12 3 1 -3 -1"),
        ("{{add 9223372036854775807 1}}", "-9223372036854775808"),
        ("{{seq 1 4}} {{seq 3 1}}", "[1 2 3 4] []"),
        ("{{atoi \"42\"}} {{atoi \"-7\"}} {{atoi \"+3\"}}", "42 -7 3"),
        ("{{add (atoi \"40\") 2}}", "42"),
        ("{{getenv \"SWITCHBOARD_TEST_UNSET_VAR\" \"dflt\"}}", "dflt"),
        ("[{{getenv \"SWITCHBOARD_TEST_UNSET_VAR\"}}]", "[]"),
        ("{{fileExists \"/\"}} {{fileExists \"/no/such/file\"}}", "true false"),
        ("{{lookupIP \"localhost\" | len | lt 0}}", "true"),
        ("{{lookupIPV4 \"127.0.0.1\"}} {{lookupIPV6 \"127.0.0.1\"}}", "[127.0.0.1] []"),
        ("{{datetime.Format \"2006\" | len}}", "4"),
        ("{{(datetime.UTC).Format \"Z07:00\"}}", "Z"),
        // Go builtins.
        ("{{len \"héllo\"}} {{len (split \"a,b\" \",\")}}", "6 2"),
        ("{{index (split \"a,b,c\" \",\") 1}} {{index \"abc\" 1}}", "b 98"),
        ("{{slice \"hello\" 1 3}} {{slice (split \"a,b,c\" \",\") 1}} {{slice \"hello\" 2}}", "el [b c] llo"),
        ("{{eq 1 1}} {{eq 1 2 3 1}} {{eq \"a\" \"a\"}} {{ne 1 2}} {{eq true true}}", "true true true true true"),
        ("{{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1.5 2.5}}", "true true true false"),
        ("{{eq (get \"/app/name\") (get \"/app/name\")}}", "true"),
        ("{{print 1 2 \"a\" \"b\" 3 nil}}", "1 2ab3 <nil>"),
        ("{{println 1 \"a\"}}", "1 a\n"),
        ("{{html \"<a href='x'>&\\\"</a>\"}}", "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;"),
        ("{{js \"it's <b> \\\"q\\\" = \\n\"}}", "it\\'s \\u003Cb\\u003E \\\"q\\\" \\u003D \\u000A"),
        ("{{urlquery \"a b&c=d/é\"}}", "a+b%26c%3Dd%2F%C3%A9"),
        ("{{html 1 \"<\" 2}}", "1&lt;2"),
        ("{{\"<x>\" | html}}", "&lt;x&gt;"),
    ])
    func functions(source: String, expected: String) {
        #expect(render(source, sampleStore) == expected)
    }

    @Test(arguments: [
        ("{{getv \"/test/x\"}}", "t.tmpl:1:3: getv: key does not exist: /test/x"),
        ("\n  {{get \"/nope\"}}", "t.tmpl:2:5: get: key does not exist: /nope"),
        ("{{gets \"/app/[\"}}", "t.tmpl:1:3: gets: syntax error in pattern"),
        ("{{getvs \"[]a\"}}", "t.tmpl:1:3: getvs: syntax error in pattern"),
        ("{{div 1 0}}", "t.tmpl:1:3: div: runtime error: integer divide by zero"),
        ("{{mod 1 0}}", "t.tmpl:1:3: mod: runtime error: integer divide by zero"),
        ("{{atoi \"x1\"}}", "t.tmpl:1:3: atoi: strconv.Atoi: parsing \"x1\": invalid syntax"),
        (
            "{{atoi \"99999999999999999999\"}}",
            "t.tmpl:1:3: atoi: strconv.Atoi: parsing \"99999999999999999999\": value out of range"
        ),
        ("{{parseBool \"yes\"}}", "t.tmpl:1:3: parseBool: strconv.ParseBool: parsing \"yes\": invalid syntax"),
        ("{{base64Decode \"!!\"}}", "t.tmpl:1:3: base64Decode: illegal base64 data at input byte 0"),
        ("{{json \"{\"}}", "t.tmpl:1:3: json: unexpected end of JSON input"),
        (
            "{{json \"[1]\"}}",
            "t.tmpl:1:3: json: json: cannot unmarshal array into Go value of type map[string]interface {}"
        ),
        ("{{json \"{x}\"}}", "t.tmpl:1:3: json: invalid character 'x' looking for beginning of object key string"),
        ("{{map \"a\"}}", "t.tmpl:1:3: map: invalid map call"),
        ("{{map 1 2}}", "t.tmpl:1:3: map: map keys must be strings"),
        ("{{add \"1\" 2}}", "t.tmpl:1:3: add: wrong type for value; expected int; got string"),
        ("{{toUpper 1}}", "t.tmpl:1:3: toUpper: wrong type for value; expected string; got int"),
        (
            "{{join (jsonArray \"[]\") \",\"}}",
            "t.tmpl:1:3: join: wrong type for value; expected []string; got []interface {}"
        ),
        ("{{base}}", "t.tmpl:1:3: base: wrong number of args for base: want 1 got 0"),
        ("{{eq 1 1.0}}", "t.tmpl:1:3: eq: incompatible types for comparison"),
        ("{{eq 1}}", "t.tmpl:1:3: eq: missing argument for comparison"),
        ("{{lt true false}}", "t.tmpl:1:3: lt: invalid type for comparison"),
        ("{{eq (split \"a\" \",\") 1}}", "t.tmpl:1:3: eq: non-comparable type [a]: []string"),
        ("{{index \"abc\" 5}}", "t.tmpl:1:3: index: index out of range: 5"),
        ("{{index 1 1}}", "t.tmpl:1:3: index: can't index item of type int"),
        ("{{slice \"abc\" 2 1}}", "t.tmpl:1:3: slice: invalid slice index: 2 > 1"),
        ("{{len 3}}", "t.tmpl:1:3: len: len of type int"),
        ("{{call 1}}", "t.tmpl:1:3: call: non-function of type int"),
        ("{{and}}", "t.tmpl:1:3: wrong number of args for and: want at least 1 got 0"),
        ("{{not 1 2}}", "t.tmpl:1:3: not: wrong number of args for not: want 1 got 2"),
    ])
    func functionErrors(source: String, expected: String) {
        #expect(render(source, sampleStore) == "ERROR " + expected)
    }

    @Test func getenvReadsTheEnvironmentAndTreatsEmptyAsUnset() {
        setenv("SWITCHBOARD_TEST_SET", "value", 1)
        setenv("SWITCHBOARD_TEST_EMPTY", "", 1)
        #expect(render("{{getenv \"SWITCHBOARD_TEST_SET\"}}") == "value")
        #expect(render("{{getenv \"SWITCHBOARD_TEST_EMPTY\" \"d\"}}") == "d")
    }

    @Test func sortsAreStableAndDoNotMutate() {
        let items = (0..<40).map { "x\($0 % 3 == 0 ? "yy" : "z")\($0)" }
        let joined = items.joined(separator: ",")
        let expected = items.enumerated().sorted {
            $0.element.utf8.count != $1.element.utf8.count
                ? $0.element.utf8.count < $1.element.utf8.count : $0.offset < $1.offset
        }.map(\.element)
        #expect(render("{{sortByLength (split \"\(joined)\" \",\")}}") == "[" + expected.joined(separator: " ") + "]")
    }
}

@Suite struct PrintfTests {
    @Test(arguments: [
        ("%s|%v|%q", "[\"a\", \"a\", \"a\"]", "a|a|\"a\""),
        ("%d|%5d|%-5d|%05d|%+d|%x|%X|%o|%b|%#x|%#o", "[42]*11", "42|   42|42   |00042|+42|2a|2A|52|101010|0x2a|052"),
        ("%5.2f|%.3e|%g|%v|%8.3f|%-8.2f|", "[3.14159]*6", " 3.14|3.142e+00|3.14159|3.14159|   3.142|3.14    |"),
        ("%t %v", "[true, false]", "true false"),
        ("%c%c", "[72, 105]", "Hi"),
        ("%U", "[65]", "U+0041"),
        ("%-8s|%8s|%.2s", "[\"ab\", \"ab\", \"abcdef\"]", "ab      |      ab|ab"),
        ("%x %X % x", "[\"hi\", \"hi\", \"hi\"]", "6869 6869 68 69"),
        ("%q", "[\"tab\\there\\n\"]", "\"tab\\there\\n\""),
        ("%d%%", "[50]", "50%"),
        ("%d", "[]", "%!d(MISSING)"),
        ("%d", "[\"x\"]", "%!d(string=x)"),
        ("%s", "[1]", "%!s(int=1)"),
        ("x", "[1]", "x%!(EXTRA int=1)"),
        ("%z", "[1]", "%!z(int=1)"),
        ("%", "[]", "%!(NOVERB)"),
        ("%[2]d %[1]d", "[1, 2]", "2 1"),
        ("%*d", "[5, 42]", "   42"),
        ("%v", "[1e6]", "1e+06"),
        ("%v %v %v", "[100000.0, 0.0001, 0.00001]", "100000 0.0001 1e-05"),
        ("%T %T %T %T", "[1, \"s\", 1.5, true]", "int string float64 bool"),
        ("%6.2f%%", "[99.5]", " 99.50%"),
        ("%v", "[nil]", "<nil>"),
        ("%s", "[nil]", "%!s(<nil>)"),
    ])
    func printf(format: String, argsJSONish: String, expected: String) {
        // Arguments are written as template literals between the brackets; `*N` repeats the single one.
        var args = argsJSONish
        var repeatCount = 1
        if let star = args.range(of: "]*") {
            repeatCount = Int(args[star.upperBound...])!
            args = String(args[..<star.lowerBound]) + "]"
        }
        var literals = String(args.dropFirst().dropLast()).split(separator: ",").map {
            String($0).trimmingCharacters(in: .whitespaces)
        }
        if repeatCount > 1 { literals = Array(repeating: literals[0], count: repeatCount) }
        let quoted = GoFormat.quote(format)
        let source = "{{printf \(quoted) \(literals.joined(separator: " "))}}"
        #expect(render(source) == expected, "\(source)")
    }

    @Test func printOfValuesFollowsGo() {
        #expect(render("{{print (map \"b\" 1 \"a\" (split \"x,y\" \",\"))}}") == "map[a:[x y] b:1]")
        #expect(render("{{printf \"%+v\" (get \"/app/name\")}}", sampleStore) == "{Key:/app/name Value:demo}")
        #expect(render("{{printf \"%q\" (split \"a,b\" \",\")}}") == "[\"a\" \"b\"]")
        #expect(render("{{printf \"%d\" (seq 1 3)}}") == "[1 2 3]")
        #expect(render("{{printf \"%v\" .}}") == "<nil>")
    }
}

@Suite struct PathMatchTests {
    @Test(arguments: [
        ("abc", "abc", true), ("*", "abc", true), ("*c", "abc", true), ("a*", "a", true), ("a*", "ab/c", false),
        ("a*/b", "abc/b", true), ("a*/b", "a/c/b", false), ("a*b*c*d*e*/f", "axbxcxdxe/f", true),
        ("a*b*c*d*e*/f", "axbxcxdxexxx/f", true), ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false),
        ("a*b?c*x", "abxbbxdbxebxczzx", true), ("a*b?c*x", "abxbbxdbxebxczzy", false), ("ab[c]", "abc", true),
        ("ab[b-d]", "abc", true), ("ab[e-g]", "abc", false), ("ab[^c]", "abc", false), ("ab[^b-d]", "abc", false),
        ("ab[^e-g]", "abc", true), ("a\\*b", "a*b", true), ("a\\*b", "ab", false), ("a?b", "a☺b", true),
        ("a[^a]b", "a☺b", true), ("a???b", "a☺b", false), ("[a-ζ]*", "α", true), ("*[a-ζ]", "A", false),
        ("a?b", "a/b", false), ("a*b", "a/b", false), ("[\\]a]", "]", true), ("[\\-]", "-", true),
        ("[x\\-]", "x", true), ("*x", "xxx", true), ("[!a]", "!", true), ("[!a]", "b", false),
    ])
    func matches(pattern: String, name: String, expected: Bool) throws {
        #expect(try GoPath.match(pattern, name) == expected)
    }

    @Test(arguments: ["[", "[^", "[^bc", "a[", "[]a]", "[-]", "[x-]", "[\\", "\\", "[a-b-c]", "*x[", "a[b"])
    func malformedPatternsAreErrorsEvenWithoutAMatch(pattern: String) {
        #expect(throws: GoPath.BadPattern.self) { try GoPath.match(pattern, "zzz") }
    }
}
