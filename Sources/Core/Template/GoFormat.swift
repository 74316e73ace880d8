import Foundation

/// Go's `fmt` as templates use it: `print`, `println`, `printf`, and the printing of an action's value.
enum GoFormat {
    // MARK: %v

    /// How an action prints its value (`{{.}}`): `<no value>` for a missing one, else `%v`. Go unwraps an empty
    /// interface at the end of a pipeline, so a nil one (a JSON null, `index` of a missing map key) is no value
    /// there too; only inside `fmt` (printf, a printed map or list) does it print as `<nil>`.
    static func appendActionValue(_ value: Value, to out: inout [UInt8]) {
        switch value {
        case .missing, .null: out.append(contentsOf: "<no value>".utf8)
        case .string(let s): s.withUTF8Bytes { out.append(contentsOf: $0) }
        default: out.append(contentsOf: plain(value).utf8)
        }
    }

    /// `%v` of a value.
    static func plain(_ value: Value, plus: Bool = false) -> String {
        switch value {
        case .missing, .null: return "<nil>"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let f): return GoFloat.format(f, verb: "g", precision: nil)
        case .string(let s): return s
        case .list(let items, _): return "[" + items.map { plain($0, plus: plus) }.joined(separator: " ") + "]"
        case .map(let entries, _):
            return "map["
                + entries.keys.sorted(by: goLess).map { "\($0):\(plain(entries[$0]!, plus: plus))" }.joined(
                    separator: " ") + "]"
        case .pair(let key, let value): return plus ? "{Key:\(key) Value:\(value)}" : "{\(key) \(value)}"
        case .time(let time): return time.description
        case .srv(let target, let port, let priority, let weight):
            return plus
                ? "&{Target:\(target) Port:\(port) Priority:\(priority) Weight:\(weight)}"
                : "&{\(target) \(port) \(priority) \(weight)}"
        }
    }

    /// Byte order, as Go sorts strings (memcmp on the UTF-8 storage when it is contiguous).
    static func goLess(_ a: String, _ b: String) -> Bool {
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y -> Bool in
                let common = min(x.count, y.count)
                if common > 0, let px = x.baseAddress, let py = y.baseAddress {
                    let order = memcmp(px, py, common)
                    if order != 0 { return order < 0 }
                }
                return x.count < y.count
            }
        }
        if let result = fast ?? nil { return result }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// `fmt.Sprint`: operands printed with `%v`; a space between two operands when neither is a string.
    static func sprint(_ values: [Value]) -> String {
        var out = ""
        var previousWasString = true
        for (index, value) in values.enumerated() {
            let isString: Bool
            if case .string = value { isString = true } else { isString = false }
            if index > 0 && !isString && !previousWasString { out += " " }
            out += plain(value)
            previousWasString = isString
        }
        return out
    }

    /// `fmt.Sprintln`: always a space between operands, and a newline.
    static func sprintln(_ values: [Value]) -> String {
        values.map { plain($0) }.joined(separator: " ") + "\n"
    }

    // MARK: printf

    private struct Spec {
        var minus = false
        var plus = false
        var sharp = false
        var space = false
        var zero = false
        var width: Int?
        var precision: Int?
    }

    /// `fmt.Sprintf` with Go's verbs, flags, width, precision, `*`, explicit argument indexes and error forms.
    static func sprintf(_ format: String, _ args: [Value]) -> String {
        var out = ""
        let chars = Array(format.unicodeScalars)
        var i = 0
        var argIndex = 0
        var reordered = false
        var goodArgNum = true
        while i < chars.count {
            let c = chars[i]
            if c != "%" {
                out.unicodeScalars.append(c)
                i += 1
                continue
            }
            i += 1
            var spec = Spec()
            // Flags.
            flags: while i < chars.count {
                switch chars[i] {
                case "-":
                    spec.minus = true
                    spec.zero = false
                case "+": spec.plus = true
                case "#": spec.sharp = true
                case " ": spec.space = true
                case "0": spec.zero = !spec.minus
                default: break flags
                }
                i += 1
            }
            // Argument index, width.
            (argIndex, i, goodArgNum) = argNumber(chars, i, argIndex, args.count, &reordered, goodArgNum)
            if i < chars.count, chars[i] == "*" {
                i += 1
                if argIndex < args.count, case .int(let w) = args[argIndex], !tooLarge(w) {
                    spec.width = Int(w)
                    if w < 0 {
                        spec.minus = true
                        spec.width = Int(-w)
                        spec.zero = false
                    }
                } else {
                    out += "%!(BADWIDTH)"
                }
                argIndex += 1
                reordered = false
            } else {
                var w = 0
                var any = false
                while i < chars.count, let d = digit(chars[i]) {
                    // Go's parsenum: a number above a million gives up and consumes the rest of the format.
                    if tooLarge(Int64(w)) {
                        any = false
                        i = chars.count
                        break
                    }
                    w = w * 10 + d
                    any = true
                    i += 1
                }
                if any { spec.width = w }
            }
            // Precision.
            if i < chars.count, chars[i] == "." {
                i += 1
                (argIndex, i, goodArgNum) = argNumber(chars, i, argIndex, args.count, &reordered, goodArgNum)
                if i < chars.count, chars[i] == "*" {
                    i += 1
                    if argIndex < args.count, case .int(let p) = args[argIndex], p >= 0, !tooLarge(p) {
                        spec.precision = Int(p)
                    } else {
                        out += "%!(BADPREC)"
                    }
                    argIndex += 1
                    reordered = false
                } else {
                    var p = 0
                    while i < chars.count, let d = digit(chars[i]) {
                        if tooLarge(Int64(p)) {
                            p = 0
                            i = chars.count
                            break
                        }
                        p = p * 10 + d
                        i += 1
                    }
                    spec.precision = p
                }
            }
            if !reordered {
                (argIndex, i, goodArgNum) = argNumber(chars, i, argIndex, args.count, &reordered, goodArgNum)
            }
            guard i < chars.count else {
                out += "%!(NOVERB)"
                break
            }
            let verb = Character(chars[i])
            i += 1
            if verb == "%" {
                out += "%"
                continue
            }
            if !goodArgNum {
                out += "%!\(verb)(BADINDEX)"
                continue
            }
            guard argIndex < args.count else {
                out += "%!\(verb)(MISSING)"
                continue
            }
            let arg = args[argIndex]
            argIndex += 1
            out += formatOne(arg, verb: verb, spec: spec)
        }
        if !reordered && argIndex < args.count {
            out += "%!(EXTRA "
            out += args[argIndex...].map { "\(typeName($0))=\(plain($0))" }.joined(separator: ", ")
            out += ")"
        }
        return out
    }

    /// Parses `[n]` at `i`; returns the new argument index, position, and whether the index was good.
    private static func argNumber(
        _ chars: [Unicode.Scalar], _ start: Int, _ argIndex: Int, _ count: Int, _ reordered: inout Bool,
        _ good: Bool
    ) -> (Int, Int, Bool) {
        guard start < chars.count, chars[start] == "[" else { return (argIndex, start, good) }
        var j = start + 1
        var n = 0
        var any = false
        while j < chars.count, let d = digit(chars[j]) {
            // Past a million it is a bad index anyway; stop growing so it cannot overflow.
            if !tooLarge(Int64(n)) { n = n * 10 + d }
            any = true
            j += 1
        }
        guard j < chars.count, chars[j] == "]" else {
            reordered = true
            return (argIndex, start + 1, false)
        }
        reordered = true
        guard any, n >= 1, n <= count else { return (argIndex, j + 1, false) }
        return (n - 1, j + 1, true)
    }

    /// Go's `fmt` refuses widths, precisions and argument numbers beyond a million (`tooLarge`), which also keeps
    /// them from overflowing or asking for a gigantic padding.
    private static func tooLarge(_ value: Int64) -> Bool {
        value > 1_000_000 || value < -1_000_000
    }

    private static func digit(_ scalar: Unicode.Scalar) -> Int? {
        scalar.value >= 48 && scalar.value <= 57 ? Int(scalar.value - 48) : nil
    }

    static func typeName(_ value: Value) -> String {
        value.goTypeName
    }

    private static func bad(_ verb: Character, _ value: Value) -> String {
        if case .missing = value { return "%!\(verb)(<nil>)" }
        if case .null = value { return "%!\(verb)(<nil>)" }
        return "%!\(verb)(\(typeName(value))=\(plain(value)))"
    }

    private static func formatOne(_ value: Value, verb: Character, spec: Spec) -> String {
        if verb == "T" { return pad(typeName(value), spec) }
        guard verb == "v" else { return formatValue(value, verb: verb, spec: spec, plusV: false) }
        // Go reads `%+v` as field names and `%#v` as Go syntax: neither flag then means a sign or a prefix.
        if spec.sharp {
            switch value {
            case .string, .list, .map, .pair: return pad(goSyntax(value, asciiOnly: spec.plus), spec)
            default: break
            }
        }
        var flags = spec
        flags.plus = false
        flags.sharp = false
        return formatValue(value, verb: verb, spec: flags, plusV: spec.plus)
    }

    /// One operand; lists, maps and pairs print element by element with the same verb, width and flags, as Go's
    /// `printValue` does (`%5d` of `[1 2]` is `[    1     2]`, `%d` of a string element is `%!d(string=a)`).
    private static func formatValue(_ value: Value, verb: Character, spec: Spec, plusV: Bool) -> String {
        switch value {
        case .missing, .null:
            return verb == "v" ? pad("<nil>", spec) : bad(verb, value)
        case .bool(let b):
            return verb == "t" || verb == "v" ? pad(b ? "true" : "false", spec) : bad(verb, value)
        case .int(let n):
            return formatInt(n, verb: verb, spec: spec) ?? bad(verb, value)
        case .float(let f):
            return formatFloat(f, verb: verb, spec: spec) ?? bad(verb, value)
        case .string(let s):
            return formatString(s, verb: verb, spec: spec) ?? bad(verb, value)
        case .list(let items, _):
            let elements = items.map { element($0, verb: verb, spec: spec, plusV: plusV) }
            return "[" + elements.joined(separator: " ") + "]"
        case .map(let entries, _):
            let elements = entries.keys.sorted(by: goLess).map { key in
                formatValue(.string(key), verb: verb, spec: spec, plusV: plusV) + ":"
                    + element(entries[key]!, verb: verb, spec: spec, plusV: plusV)
            }
            return "map[" + elements.joined(separator: " ") + "]"
        case .pair(let key, let pairValue):
            return "{" + (plusV ? "Key:" : "") + formatValue(.string(key), verb: verb, spec: spec, plusV: plusV)
                + " " + (plusV ? "Value:" : "") + formatValue(.string(pairValue), verb: verb, spec: spec, plusV: plusV)
                + "}"
        case .time, .srv:
            if verb == "v" || verb == "s" { return pad(plain(value, plus: plusV), spec) }
            return bad(verb, value)
        }
    }

    /// An element of a list or map: a nil one prints `<nil>` whatever the verb, without padding.
    private static func element(_ value: Value, verb: Character, spec: Spec, plusV: Bool) -> String {
        switch value {
        case .missing, .null: return "<nil>"
        default: return formatValue(value, verb: verb, spec: spec, plusV: plusV)
        }
    }

    private static func formatInt(_ n: Int64, verb: Character, spec: Spec) -> String? {
        let negative = n < 0
        let magnitude = n.magnitude
        var digits: String
        var prefix = ""
        switch verb {
        case "d", "v": digits = String(magnitude)
        case "b": digits = String(magnitude, radix: 2)
        case "o", "O":
            digits = String(magnitude, radix: 8)
            if verb == "O" { prefix = "0o" } else if spec.sharp { prefix = "0" }
        case "x":
            digits = String(magnitude, radix: 16)
            if spec.sharp { prefix = "0x" }
        case "X":
            digits = String(magnitude, radix: 16).uppercased()
            if spec.sharp { prefix = "0X" }
        case "c":
            return pad(
                n >= 0 && n <= 0x10FFFF
                    ? String(UnicodeScalar(UInt32(n)).map(Character.init) ?? "\u{FFFD}") : "\u{FFFD}", spec)
        case "q":
            let scalar = n >= 0 && n <= 0x10FFFF ? UnicodeScalar(UInt32(n)) : nil
            return pad(quoteRune(scalar ?? "\u{FFFD}"), spec)
        case "U":
            var hex = String(magnitude, radix: 16).uppercased()
            if hex.count < 4 { hex = String(repeating: "0", count: 4 - hex.count) + hex }
            var text = "U+" + hex
            if spec.sharp, n >= 0, n <= 0x10FFFF, let scalar = UnicodeScalar(UInt32(n)) { text += " '\(scalar)'" }
            return pad(text, spec)
        case "e", "E", "f", "F", "g", "G":
            return nil
        default:
            return nil
        }
        if let precision = spec.precision {
            if precision == 0 && n == 0 { digits = "" }
            if digits.count < precision { digits = String(repeating: "0", count: precision - digits.count) + digits }
        }
        let sign = negative ? "-" : (spec.plus ? "+" : (spec.space ? " " : ""))
        return padNumber(sign: sign, prefix: prefix, digits: digits, spec: spec, allowZero: spec.precision == nil)
    }

    private static func formatFloat(_ f: Double, verb: Character, spec: Spec) -> String? {
        var text: String
        switch verb {
        case "v", "g", "G":
            text = GoFloat.format(f, verb: verb == "G" ? "G" : "g", precision: spec.precision)
        case "e", "E", "f", "F":
            text = GoFloat.format(f, verb: verb, precision: spec.precision ?? 6)
        default:
            return nil
        }
        var sign = ""
        if text.hasPrefix("-") {
            sign = "-"
            text.removeFirst()
        } else if text.hasPrefix("+") {
            text.removeFirst()
            sign = "+"
        } else if spec.plus {
            sign = "+"
        } else if spec.space {
            sign = " "
        }
        if f.isInfinite || f.isNaN {
            if f.isNaN { sign = spec.plus ? "+" : (spec.space ? " " : "") }
            return pad(sign + text, spec)
        }
        return padNumber(sign: sign, prefix: "", digits: text, spec: spec, allowZero: true)
    }

    private static func formatString(_ s: String, verb: Character, spec: Spec) -> String? {
        var text = s
        if let precision = spec.precision, verb != "x", verb != "X" {
            text = String(text.unicodeScalars.prefix(precision).map(Character.init))
        }
        switch verb {
        case "s", "v": return pad(text, spec)
        case "q":
            if spec.sharp, !text.contains("`"), text.unicodeScalars.allSatisfy({ $0 == "\t" || !isControl($0) }) {
                return pad("`" + text + "`", spec)
            }
            return pad(quote(text, asciiOnly: spec.plus), spec)
        case "x", "X":
            var bytes = Array(s.utf8)
            if let precision = spec.precision { bytes = Array(bytes.prefix(precision)) }
            let table = Array((verb == "x" ? "0123456789abcdef" : "0123456789ABCDEF").utf8)
            var hex = ""
            for (index, byte) in bytes.enumerated() {
                if spec.space && index > 0 { hex += " " }
                if spec.sharp && (spec.space || index == 0) { hex += verb == "x" ? "0x" : "0X" }
                hex.unicodeScalars.append(UnicodeScalar(table[Int(byte >> 4)]))
                hex.unicodeScalars.append(UnicodeScalar(table[Int(byte & 15)]))
            }
            return pad(hex, spec)
        default:
            return nil
        }
    }

    private static func pad(_ text: String, _ spec: Spec) -> String {
        guard let width = spec.width else { return text }
        let count = text.unicodeScalars.count
        guard count < width else { return text }
        let fill = String(repeating: " ", count: width - count)
        return spec.minus ? text + fill : fill + text
    }

    private static func padNumber(sign: String, prefix: String, digits: String, spec: Spec, allowZero: Bool) -> String {
        let body = sign + prefix + digits
        guard let width = spec.width, body.count < width else { return body }
        if spec.zero && allowZero && !spec.minus {
            return sign + prefix + String(repeating: "0", count: width - body.count) + digits
        }
        let fill = String(repeating: " ", count: width - body.count)
        return spec.minus ? body + fill : fill + body
    }

    // MARK: Quoting (strconv.Quote)

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (scalar.value >= 0x80 && scalar.value < 0xA0)
    }

    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if isControl(scalar) { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator:
            return false
        case .spaceSeparator:
            return scalar == " "
        default:
            return true
        }
    }

    /// `strconv.Quote` (or `QuoteToASCII`).
    static func quote(_ s: String, asciiOnly: Bool = false) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            out += escape(scalar, quote: "\"", asciiOnly: asciiOnly)
        }
        return out + "\""
    }

    static func quoteRune(_ scalar: Unicode.Scalar) -> String {
        "'" + escape(scalar, quote: "'", asciiOnly: false) + "'"
    }

    private static func escape(_ scalar: Unicode.Scalar, quote: Unicode.Scalar, asciiOnly: Bool) -> String {
        if scalar == quote || scalar == "\\" { return "\\" + String(scalar) }
        if asciiOnly ? (scalar.isASCII && isPrintable(scalar)) : isPrintable(scalar) { return String(scalar) }
        switch scalar {
        case "\u{07}": return "\\a"
        case "\u{08}": return "\\b"
        case "\u{0C}": return "\\f"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        case "\u{0B}": return "\\v"
        default:
            let v = scalar.value
            if v < 0x80 { return "\\x" + hex(v, 2) }
            if v < 0x10000 { return "\\u" + hex(v, 4) }
            return "\\U" + hex(v, 8)
        }
    }

    private static func hex(_ value: UInt32, _ width: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
