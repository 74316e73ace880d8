import Foundation

/// One differential case: a template and a store, all bytes.
struct DiffCase: Sendable {
    var template: [UInt8]
    var keys: [[UInt8]]
    var values: [[UInt8]]
}

/// SplitMix64: small, fast, and the same sequence on every platform, so a seed names a case for good.
struct DiffRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// Generates templates and stores that exercise Go's text/template as confd uses it: every syntax form, every
/// builtin and confd function, nil, missing and JSON values, Unicode, printf verbs and flags. Most templates are
/// meant to render; some fail on purpose (both engines must then fail).
///
/// Case `index` of seed `seed` depends on nothing else, so one case can be regenerated from the two numbers.
struct DiffGenerator {
    /// Cases whose store or template holds bytes that are not UTF-8, or keys that differ only in Unicode
    /// normalization (on in CI; `DIFFTEST_BYTES=0` leaves them out).
    let byteModelCases: Bool

    private var random = DiffRandom(seed: 0)
    /// Variables in scope, with the kind of value each holds.
    private var variables: [(name: String, kind: Kind)] = []
    private var dot: Kind = .none
    private var inRange = 0
    private var defined: [String] = []
    private var variableCount = 0

    init(byteModelCases: Bool) { self.byteModelCases = byteModelCases }

    /// What a generated operand evaluates to, so that arguments mostly have the types functions take.
    enum Kind: CaseIterable {
        case none, string, int, bool, float, strings, pairs, pair, ints, anyList, map, any
    }

    // MARK: Cases

    mutating func makeCase(seed: UInt64, index: Int) -> DiffCase {
        random = DiffRandom(seed: seed ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
        _ = random.next()
        variables = []
        dot = .none
        inRange = 0
        defined = []
        variableCount = 0
        let store = makeStore()
        var source = ""
        if random.chance(25) { source += makeDefinitions() }
        let count = 1 + random.below(5)
        for _ in 0..<count { source += statement(depth: 2) }
        var template = Array(source.utf8)
        if byteModelCases && random.chance(10) { template += random.pick(Self.invalidTemplateBytes) }
        return DiffCase(template: template, keys: store.map(\.key), values: store.map(\.value))
    }

    // MARK: The store

    static let valuePool: [String] = [
        "web", "10", "9", "B", "a", "-3", "0", " 7", "0x1F", "1e3", "1.5", "true", "T", "yes", "0",
        "127.0.0.1:8001", "10.0.0.7:8002", "", " ", "a,b,,c", "/x/y/", "caf\u{E9}", "İstanbul", "ß",
        "ǅungla", "ΣΑΣ", "ﬃ", "日本", "😀x", "<b>&'\"</b>", "a\tb\nc", "\u{0}nul", "\u{7F}\u{85}\u{A0}", "%d%%",
        "aGVsbG8=", "aGVsbG8", "!!!", "w6k=", "{{.}}", "\u{FEFF}bom", "\u{200B}", "a\u{2028}b", "\\", "'quote'",
    ]

    static let jsonPool: [String] = [
        #"{"a":null,"b":[1,null,"x"],"n":1000000,"f":1.5,"s":"é","t":true,"o":{"k":null,"m":-0}}"#,
        #"{"a":1,"x":123456789,"big":1e21,"small":0.000001,"neg":-2.5e-7,"z":0}"#,
        #"{"list":[],"map":{},"nil":null,"str":"<&>","u":"\u00e9\ud83d\ude00"}"#,
        #"{}"#, #"null"#, #"{"a":"#, #"[1,2]"#,
    ]

    static let arrayPool: [String] = [
        #"[null,1,"two",3.5,true,{"k":null},[null]]"#, #"[]"#, #"["z","y",3]"#, #"[1000000,1e-7,-0]"#, #"null"#,
        #"[1,"#, #"{"a":1}"#,
    ]

    static let keyPool: [String] = [
        "/app/name", "/app/port", "/app/json", "/app/list", "/app/empty", "/app/web/a", "/app/web/b",
        "/app/web/c/d", "/svc/web/a", "/svc/web/bb", "/svc/db/x", "/numbers/10", "/numbers/9", "/numbers/B",
        "/numbers/a", "/top", "/caf\u{E9}", "/日本/x",
    ]

    /// Keys and values as bytes; the normalization twins and the bytes that are not UTF-8 only behind the switch.
    private mutating func makeStore() -> [(key: [UInt8], value: [UInt8])] {
        var store: [(key: [UInt8], value: [UInt8])] = []
        for key in Self.keyPool where random.chance(60) {
            let value: String
            switch key {
            case "/app/json": value = random.pick(Self.jsonPool)
            case "/app/list": value = random.pick(Self.arrayPool)
            default: value = random.pick(Self.valuePool)
            }
            store.append((Array(key.utf8), Array(value.utf8)))
        }
        if byteModelCases {
            if random.chance(30) {
                store.append((Array("/twin/caf\u{E9}".utf8), Array("precomposed".utf8)))
                store.append((Array("/twin/cafe\u{301}".utf8), Array("decomposed".utf8)))
            }
            if random.chance(30) { store.append((Array("/app/port".utf8), Array("cafe\u{301}".utf8))) }
            if random.chance(30) { store.append((Array("/latin".utf8), [0x63, 0x61, 0x66, 0xE9])) }
            if random.chance(30) { store.append(([0x2F, 0x62, 0xFF], Array("raw".utf8))) }
        }
        return store
    }

    /// Bytes that are not UTF-8, put into templates only behind `byteModelCases`.
    static let invalidTemplateBytes: [[UInt8]] = [[0xFF], [0x63, 0x61, 0x66, 0xE9], [0xC3], [0xED, 0xA0, 0x80]]

    // MARK: Statements

    private mutating func statement(depth: Int) -> String {
        let roll = random.below(100)
        switch roll {
        case 0..<18: return text()
        case 18..<50: return action()
        case 50..<55: return comment()
        case 55..<62: return declaration()
        case 62..<70 where depth > 0: return ifStatement(depth: depth)
        case 70..<76 where depth > 0: return withStatement(depth: depth)
        case 76..<86 where depth > 0: return rangeStatement(depth: depth)
        case 86..<89 where !defined.isEmpty: return "{{template \(quote(random.pick(defined))) \(operand(.any, 1))}}"
        case 89..<91 where depth > 0:
            let name = "b\(random.below(3))"
            return "{{block \(quote(name)) \(operand(.any, 1))}}\(block(depth: depth - 1)){{end}}"
        case 91..<95 where inRange > 0:
            return random.pick(["{{break}}", "{{continue}}", "{{if \(operand(.bool, 1))}}{{break}}{{end}}"])
        default: return nilPrinting()
        }
    }

    private mutating func block(depth: Int) -> String {
        var out = ""
        for _ in 0..<(1 + random.below(3)) { out += statement(depth: depth) }
        return out
    }

    private mutating func text() -> String {
        random.pick([
            "x", " ", "\n", "  \n\t", "\r\n", "a b", "server ", ";\n", "é", "日本 ", "{", "}", "-", "<>&", "\u{0}",
            "line1\nline2\n", "  ",
        ])
    }

    private mutating func comment() -> String {
        random.pick(["{{/* c */}}", "{{- /* c */}}", "{{/* c */ -}}", "{{- /* multi\nline */ -}}", "{{/**/}}"])
    }

    private mutating func open() -> String { random.chance(20) ? "{{- " : "{{" }
    private mutating func close() -> String { random.chance(20) ? " -}}" : "}}" }

    private mutating func action() -> String {
        let kind = random.pick(Kind.allCases.filter { $0 != .none })
        var pipeline = command(kind, 2)
        if random.chance(25) { pipeline += " | " + random.pick(Self.pipeTails) }
        if random.chance(10) { pipeline = "(" + pipeline + ")" }
        return open() + pipeline + close()
    }

    static let pipeTails = [
        "printf \"%v\"", "printf \"%q\"", "print", "println", "html", "js", "urlquery", "len", "printf \"%T\"",
        "printf \"[%5.2v]\"", "not", "and 1", "or 0", "eq \"x\"", "printf \"%s|%d\" \"a\"",
    ]

    private mutating func declaration() -> String {
        let kind = random.pick([Kind.string, .int, .bool, .strings, .map, .any, .pairs, .float])
        let existing = variables.filter { $0.kind == kind }
        if !existing.isEmpty, random.chance(30) {
            return "{{\(random.pick(existing).name) = \(command(kind, 1))}}"
        }
        variableCount += 1
        let name = "$v\(variableCount)"
        let text = "{{\(name) := \(command(kind, 1))}}"
        variables.append((name, kind))
        return text
    }

    /// Runs `body` with a scope of its own: variables declared inside are gone after it, as in Go.
    private mutating func scoped(dot newDot: Kind? = nil, _ body: (inout DiffGenerator) -> String) -> String {
        let (savedVariables, savedDot) = (variables, dot)
        if let newDot { dot = newDot }
        let result = body(&self)
        variables = savedVariables
        dot = savedDot
        return result
    }

    private mutating func ifStatement(depth: Int) -> String {
        var out = open() + "if " + command(random.chance(70) ? .bool : .any, 1) + close()
        out += scoped { $0.block(depth: depth - 1) }
        if random.chance(30) {
            out += "{{else if " + command(.bool, 1) + "}}" + scoped { $0.block(depth: depth - 1) }
        }
        if random.chance(50) { out += open() + "else" + close() + scoped { $0.block(depth: depth - 1) } }
        return out + open() + "end" + close()
    }

    private mutating func withStatement(depth: Int) -> String {
        let kind = random.pick([Kind.string, .map, .pairs, .any, .pair, .strings])
        var head = command(kind, 1)
        var variable: String?
        if random.chance(30) {
            variableCount += 1
            variable = "$w\(variableCount)"
            head = variable! + " := " + head
        }
        var out = "{{with " + head + "}}"
        out += scoped(dot: kind) { generator in
            if let variable { generator.variables.append((variable, kind)) }
            return generator.block(depth: depth - 1)
        }
        if random.chance(40) { out += "{{else}}" + scoped { $0.block(depth: depth - 1) } }
        return out + "{{end}}"
    }

    private mutating func rangeStatement(depth: Int) -> String {
        let kind = random.pick([Kind.strings, .pairs, .ints, .anyList, .map, .string, .any])
        let element: Kind
        switch kind {
        case .strings: element = .string
        case .pairs: element = .pair
        case .ints: element = .int
        default: element = .any
        }
        var names: [(String, Kind)] = []
        var head = command(kind, 1)
        switch random.below(3) {
        case 0:
            variableCount += 1
            names = [("$e\(variableCount)", element)]
            head = "$e\(variableCount) := " + head
        case 1:
            variableCount += 1
            names = [("$i\(variableCount)", kind == .map ? .string : .int), ("$e\(variableCount)", element)]
            head = "$i\(variableCount), $e\(variableCount) := " + head
        default: break
        }
        var out = open() + "range " + head + close()
        inRange += 1
        out += scoped(dot: element) { generator in
            generator.variables += names
            return generator.block(depth: depth - 1)
        }
        inRange -= 1
        if random.chance(40) { out += "{{else}}" + scoped { $0.block(depth: depth - 1) } }
        return out + open() + "end" + close()
    }

    private mutating func makeDefinitions() -> String {
        var out = ""
        for index in 0..<(1 + random.below(2)) {
            let name = random.pick(["d\(index)", "b\(index)", "t-\(index)", "ü\(index)"])
            let body = scoped(dot: .any) { generator in
                let saved = generator.variables
                generator.variables = []
                defer { generator.variables = saved }
                return generator.block(depth: 1)
            }
            out += "{{define \(quote(name))}}\(body){{end}}"
            defined.append(name)
        }
        return out
    }

    /// The nil, missing and JSON-null values Go prints as `<no value>` or `<nil>` depending on where they are.
    private mutating func nilPrinting() -> String {
        let json = "`" + random.pick(Array(Self.jsonPool.prefix(3))) + "`"
        let array = "`" + Self.arrayPool[0] + "`"
        return random.pick([
            "{{index (json \(json)) \"missing\"}}", "{{index (json \(json)) \"a\"}}", "{{(json \(json)).a}}",
            "{{(json \(json)).o.k}}", "{{index (jsonArray \(array)) 0}}",
            "{{printf \"%v\" (index (json \(json)) \"a\")}}",
            "{{json \(json)}}", "{{jsonArray \(array)}}", "{{printf \"%v|%s|%d\" nil nil nil}}", "{{print nil 1 nil}}",
            "{{println nil}}", "{{html nil}}", "{{js nil}}", "{{urlquery nil}}", "{{map \"a\" nil \"b\" 1}}",
            "{{with $x := index (json \(json)) \"a\"}}{{$x}}{{else}}none{{end}}", "{{$n := (json \(json)).a}}{{$n}}",
            "{{range jsonArray \(array)}}[{{.}}]{{end}}", "{{index (map \"k\" nil) \"k\"}}", "{{(map).x}}",
            "{{.}}", "{{.x}}", "{{.x.y}}", "{{$}}", "{{eq nil nil}}", "{{printf \"%T\" nil}}",
            "{{len (json \(json))}}", "{{index (json \(json)) \"o\"}}", "{{(json \(json)).a.b}}",
            "{{index (getvs \"/nope/*\") 0}}", "{{slice (jsonArray \(array)) 1 3}}",
            "{{printf \"%+v\" (json \(json))}}",
            "{{printf \"%#v\" (index (jsonArray \(array)) 0)}}", "{{not (index (json \(json)) \"a\")}}",
        ])
    }

    // MARK: Commands and operands

    /// A command (a function call with unparenthesized arguments, or an operand) yielding `kind`.
    private mutating func command(_ kind: Kind, _ depth: Int) -> String {
        if depth <= 0 || random.chance(25) { return operand(kind, 0) }
        let d = depth - 1
        switch kind {
        case .string: return stringCall(d)
        case .int: return intCall(d)
        case .bool: return boolCall(d)
        case .float:
            return random.pick(["1.5", "1e6", "-0.0", "0x1p-2", "1_000.5", "index (json `{\"f\":2.5}`) \"f\""])
        case .strings:
            return random.pick([
                "split \(operand(.string, d)) \(random.pick(["\",\"", "\"\"", "\"/\"", "\"a\""]))",
                "getvs \(pattern())", "ls \(path())", "lsdir \(path())", "sortByLength \(operand(.strings, d))",
                "reverse \(operand(.strings, d))", "slice \(operand(.strings, d)) \(smallInt())",
            ])
        case .pairs:
            return random.pick([
                "gets \(pattern())", "sortKVByLength \(operand(.pairs, d))", "reverse \(operand(.pairs, d))",
                "reverse (sortKVByLength \(operand(.pairs, d)))",
            ])
        case .pair: return random.pick(["get \(key())", "index \(operand(.pairs, d)) 0"])
        case .ints: return random.pick(["seq \(smallInt()) \(smallInt())", "seq 1 3", "reverse (seq 1 3)"])
        case .anyList: return "jsonArray " + jsonLiteral(Self.arrayPool)
        case .map:
            return random.pick([
                "json " + jsonLiteral(Self.jsonPool), "map \(operand(.string, d)) \(operand(.any, d))",
                "map \"a\" 1 \"b\" \(operand(.any, d))", "map",
            ])
        case .any:
            return random.pick([
                "index \(operand(.map, d)) \(operand(.string, 0))", "index \(operand(.anyList, d)) \(smallInt())",
                "reverse \(operand(.any, d))", "and \(operand(.any, d)) \(operand(.any, d))",
                "or \(operand(.any, d)) \(operand(.any, d))", "call \(operand(.any, d))",
                stringCall(d), intCall(d), boolCall(d),
            ])
        case .none: return "."
        }
    }

    private mutating func stringCall(_ d: Int) -> String {
        let s = { (g: inout DiffGenerator) in g.operand(.string, d) }
        switch random.below(24) {
        case 0: return "getv \(key())"
        case 1: return "getv \(key()) \(operand(.string, 0))"
        case 2: return "base \(s(&self))"
        case 3: return "dir \(s(&self))"
        case 4: return "toUpper \(s(&self))"
        case 5: return "toLower \(s(&self))"
        case 6: return "replace \(s(&self)) \(s(&self)) \(s(&self)) \(smallInt())"
        case 7: return "trimSuffix \(s(&self)) \(s(&self))"
        case 8: return "join \(operand(.strings, d)) \(s(&self))"
        case 9: return printfCall(d)
        case 10: return "print " + arguments(d)
        case 11: return "println " + arguments(d)
        case 12: return "html " + arguments(d)
        case 13: return "js " + arguments(d)
        case 14: return "urlquery " + arguments(d)
        case 15: return "base64Encode \(s(&self))"
        case 16:
            return
                "base64Decode \(random.pick(["\"aGVsbG8=\"", "\"w6k=\"", "\"!!\"", "\"\"", "(getv \"/app/name\" \"\")"]))"
        case 17: return "getenv \(random.pick(["\"HOME\"", "\"DIFFTEST_UNSET_VARIABLE\""])) \(s(&self))"
        case 18: return "slice \(s(&self)) \(smallInt()) \(smallInt())"
        case 19: return "index \(operand(.strings, d)) \(smallInt())"
        case 20: return "\(operand(.pair, d)).\(random.pick(["Key", "Value"]))"
        case 21: return "index \(operand(.map, d)) \(s(&self))"
        case 22: return "getenv \"DIFFTEST_UNSET_VARIABLE\""
        default:
            return
                "printf \(quote(random.pick(["%s", "%v", "%q", "%x", "% x", "%#q", "%.2s", "%-4s|", "%+q"]))) \(s(&self))"
        }
    }

    private mutating func intCall(_ d: Int) -> String {
        let i = { (g: inout DiffGenerator) in g.operand(.int, d) }
        switch random.below(10) {
        case 0: return "len \(operand(random.pick([Kind.string, .strings, .pairs, .map, .anyList]), d))"
        case 1: return "add \(i(&self)) \(i(&self))"
        case 2: return "sub \(i(&self)) \(i(&self))"
        case 3: return "mul \(i(&self)) \(i(&self))"
        case 4: return "div \(i(&self)) \(i(&self))"
        case 5: return "mod \(i(&self)) \(i(&self))"
        case 6: return "atoi \(operand(.string, d))"
        case 7: return "index \(operand(.string, d)) \(smallInt())"
        case 8: return "index \(operand(.ints, d)) \(smallInt())"
        default: return "len \(operand(.string, d))"
        }
    }

    private mutating func boolCall(_ d: Int) -> String {
        let comparable = random.pick([Kind.string, .int, .bool, .float, .any])
        let compare = { (g: inout DiffGenerator) in g.operand(comparable, d) }
        switch random.below(12) {
        case 0: return "eq \(compare(&self)) \(compare(&self))"
        case 1: return "eq \(compare(&self)) \(compare(&self)) \(compare(&self))"
        case 2: return "ne \(compare(&self)) \(compare(&self))"
        case 3: return "\(random.pick(["lt", "le", "gt", "ge"])) \(compare(&self)) \(compare(&self))"
        case 4: return "and \(operand(.bool, d)) \(operand(.any, d))"
        case 5: return "or \(operand(.bool, d)) \(operand(.any, d))"
        case 6: return "not \(operand(.any, d))"
        case 7: return "exists \(key())"
        case 8: return "contains \(operand(.string, d)) \(operand(.string, d))"
        case 9: return "parseBool \(operand(.string, d))"
        case 10: return "fileExists \(random.pick(["\"/\"", "\"/nonexistent-difftest\""]))"
        default: return "eq \(operand(.string, d)) \(operand(.string, d))"
        }
    }

    private mutating func arguments(_ d: Int) -> String {
        (0..<(1 + random.below(3))).map { _ in operand(random.pick(Kind.allCases.filter { $0 != .none }), d) }
            .joined(separator: " ")
    }

    private mutating func printfCall(_ d: Int) -> String {
        var format = ""
        var count = 0
        for _ in 0..<(1 + random.below(3)) {
            if random.chance(30) { format += random.pick(["a", " ", "é", "|", "\\n", "%%"]) }
            format += random.pick(Self.verbs)
            count += 1
        }
        if random.chance(5) { format += random.pick(["%", "%!", "%[3]d", "%[0]d", "%[x]d", "%*d", "%.*f", "%-*d"]) }
        if random.chance(10) { count += random.below(3) - 1 }
        let args = (0..<max(0, count)).map { _ in operand(random.pick(Kind.allCases.filter { $0 != .none }), d) }
        return "printf \"\(format)\"" + args.map { " " + $0 }.joined()
    }

    /// No `%p`: of a map or slice Go prints its address, which no other program can reproduce; of anything else it is
    /// a bad verb, recorded in GoRecordedTests.
    static let verbs = [
        "%s", "%d", "%v", "%+v", "%#v", "%q", "%x", "%X", "%o", "%O", "%b", "%e", "%E", "%f", "%F", "%g", "%G", "%t",
        "%c", "%U", "%#U", "%5.2f", "%-8s", "%05d", "%08.3f", "%+d", "% d", "%T", "%6.2v", "%#x", "%#o", "%+.3e",
        "%-5d|", "%.0f", "%.3g", "%10.4g", "%x", "% x", "%#q", "%+q", "%.1q", "%3c", "%-3t", "%[1]v", "%[2]*[1]d",
        "%.2s", "%5s", "%05s", "%z", "%08b", "%-08d", "%+05d", "%.0d", "%.d", "%#.3x", "% 05d",
    ]

    /// An operand yielding `kind`: a literal, a variable, dot, a field, or a parenthesized command.
    private mutating func operand(_ kind: Kind, _ depth: Int) -> String {
        if depth > 0, random.chance(45) { return "(" + command(kind, depth) + ")" }
        let matching = variables.filter { $0.kind == kind || kind == .any }
        if !matching.isEmpty, random.chance(25) {
            let variable = random.pick(matching).name
            if kind == .map && random.chance(30) { return variable + "." + random.pick(["a", "o", "missing", "n"]) }
            return variable
        }
        if dot == kind || (kind == .any && dot != .none), random.chance(20) { return "." }
        if dot == .pair, kind == .string, random.chance(30) { return random.pick([".Key", ".Value"]) }
        if dot == .map || dot == .any, random.chance(10) { return "." + random.pick(["a", "n", "missing"]) }
        if random.chance(3) { return random.pick(["nil", "$", ".", "$.x"]) }
        switch kind {
        case .string: return stringLiteral()
        case .int:
            return random.pick([
                "0", "1", "2", "-3", "7", "42", "0x1F", "0o17", "0b101", "1_000", "'a'", "'é'",
                "-9223372036854775808", "9223372036854775807", "10", "3", "-1",
            ])
        case .bool: return random.pick(["true", "false", "(exists \"/app/name\")", "(not 0)"])
        case .float: return random.pick(["1.5", "2.0", "1e6", "-0.5", "1e21", "0.000001"])
        case .strings: return "(split \(stringLiteral()) \",\")"
        case .pairs: return "(gets \(pattern()))"
        case .pair: return "(get \(key()))"
        case .ints: return "(seq 1 \(smallInt()))"
        case .anyList: return "(jsonArray \(jsonLiteral(Self.arrayPool)))"
        case .map: return "(json \(jsonLiteral(Self.jsonPool)))"
        case .any: return operand(random.pick([Kind.string, .int, .bool, .float, .strings, .map, .anyList]), 0)
        case .none: return "."
        }
    }

    private mutating func stringLiteral() -> String {
        var pool = [
            "\"\"", "\"a\"", "\"a,b,c\"", "\"web\"", "\"/app/name\"", "\"x.y\"", "\"caf\\u00e9\"", "\"\\x41\\t\"",
            "`raw\\n`", "\"İ\"", "\"ß\"", "\"ǅ\"", "\"<x & 'y'>\"", "\"%d\"", "\"10\"", "\"9\"", "\"true\"",
            "\"  spaced  \"", "\"\\U0001F600\"", "\"a/b/c.d\"", "\"\\\"q\\\"\"", "\"ΣΑΣ\"", "\"\\u0085\"",
        ]
        if byteModelCases { pool += ["\"\\xff\"", "\"caf\\xe9\"", "\"\\xc3\""] }
        return random.pick(pool)
    }

    private mutating func jsonLiteral(_ pool: [String]) -> String {
        if random.chance(20) { return "(getv \"/app/\(pool == Self.jsonPool ? "json" : "list")\" \"null\")" }
        return "`" + random.pick(pool) + "`"
    }

    private mutating func smallInt() -> String { random.pick(["0", "1", "2", "3", "-1", "5", "100"]) }

    private mutating func key() -> String {
        random.chance(70)
            ? quote(random.pick(Self.keyPool)) : random.pick(["\"/missing\"", "\"/app\"", "\"/\"", "\"\""])
    }

    private mutating func path() -> String {
        random.pick([
            "\"/\"", "\"/app\"", "\"/app/\"", "\"/app/web\"", "\"/svc\"", "\"/app/name\"", "\"\"", "\"/nope\"",
            "\"//app\"", "\"/numbers\"",
        ])
    }

    private mutating func pattern() -> String {
        random.pick([
            "\"/app/*\"", "\"/*\"", "\"/*/*\"", "\"/svc/*/*\"", "\"/numbers/*\"", "\"/app/[a-n]*\"",
            "\"/app/?ame\"", "\"[\"", "\"/app/\\\\*\"", "\"/nope/*\"", "\"/app/web/*\"", "\"*\"",
        ])
    }

    private func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
