import GoText

/// `fmt.Sprintf` over bytes: the format's bytes outside verbs are copied as they are, verbs are read as runes.
extension GoFormat {
    /// One verb's flags, width and precision.
    struct Spec {
        var minus = false
        var plus = false
        var sharp = false
        var space = false
        var zero = false
        var width: Int?
        var precision: Int?
    }

    /// `fmt.Sprintf` with Go's verbs, flags, width, precision, `*`, explicit argument indexes and error forms.
    static func sprintf(_ format: GoString, _ args: [Value]) -> GoString {
        var out = GoString.empty
        let chars = format.bytes
        var i = 0
        var argIndex = 0
        var reordered = false
        var goodArgNum = true
        while i < chars.count {
            if chars[i] != UInt8(ascii: "%") {
                let start = i
                while i < chars.count, chars[i] != UInt8(ascii: "%") { i += 1 }
                out.bytes += chars[start..<i]
                continue
            }
            i += 1
            var spec = Spec()
            // A bad index anywhere in this verb spoils it, even when a later index is good; the next verb starts afresh.
            goodArgNum = true
            // Flags.
            flags: while i < chars.count {
                switch chars[i] {
                case UInt8(ascii: "-"):
                    spec.minus = true
                    spec.zero = false
                case UInt8(ascii: "+"): spec.plus = true
                case UInt8(ascii: "#"): spec.sharp = true
                case UInt8(ascii: " "): spec.space = true
                case UInt8(ascii: "0"): spec.zero = !spec.minus
                default: break flags
                }
                i += 1
            }
            // Argument index, width.
            (argIndex, i, goodArgNum) = argNumber(chars, i, argIndex, args.count, &reordered, goodArgNum)
            if i < chars.count, chars[i] == UInt8(ascii: "*") {
                i += 1
                if argIndex < args.count, let w = integer(args[argIndex]), !tooLarge(w) {
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
            if i < chars.count, chars[i] == UInt8(ascii: ".") {
                i += 1
                (argIndex, i, goodArgNum) = argNumber(chars, i, argIndex, args.count, &reordered, goodArgNum)
                if i < chars.count, chars[i] == UInt8(ascii: "*") {
                    i += 1
                    if argIndex < args.count, let p = integer(args[argIndex]), p >= 0, !tooLarge(p) {
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
            let (scalar, width) = GoString.decodeRune(chars, at: i)
            let verb = Character(scalar ?? "\u{FFFD}")
            i += width
            if verb == "%" {
                out += "%"
                continue
            }
            if !goodArgNum {
                out += GoString("%!\(verb)(BADINDEX)")
                continue
            }
            guard argIndex < args.count else {
                out += GoString("%!\(verb)(MISSING)")
                continue
            }
            let arg = args[argIndex]
            argIndex += 1
            out += formatOne(arg, verb: verb, spec: spec)
        }
        if !reordered && argIndex < args.count {
            out += "%!(EXTRA "
            // A nil argument has no type to name.
            out += args[argIndex...].map { arg in
                switch arg {
                case .missing, .null: return "<nil>"
                default: return GoString(typeName(arg)) + "=" + plain(arg)
                }
            }.joined(separator: ", ")
            out += ")"
        }
        return out
    }

    /// Parses `[n]` at `i`; returns the new argument index, position, and whether every index of the verb so far was
    /// good.
    private static func argNumber(
        _ chars: [UInt8], _ start: Int, _ argIndex: Int, _ count: Int, _ reordered: inout Bool, _ good: Bool
    ) -> (Int, Int, Bool) {
        guard start < chars.count, chars[start] == UInt8(ascii: "[") else { return (argIndex, start, good) }
        reordered = true
        // With fewer than three bytes left, or without a closing bracket, only the `[` is taken; with one,
        // everything up to it is, a bad index or not.
        guard chars.count - start >= 3, let close = chars[(start + 1)...].firstIndex(of: UInt8(ascii: "]")) else {
            return (argIndex, start + 1, false)
        }
        let j = close
        var n = 0
        let inside = chars[(start + 1)..<close]
        let any = !inside.isEmpty && inside.allSatisfy { digit($0) != nil }
        for byte in inside where any {
            // Past a million it is a bad index anyway; stop growing so it cannot overflow.
            if !tooLarge(Int64(n)) { n = n * 10 + digit(byte)! }
        }
        guard any, n >= 1, n <= count else { return (argIndex, j + 1, false) }
        return (n - 1, j + 1, good)
    }

    /// Go's `fmt` refuses widths, precisions and argument numbers beyond a million (`tooLarge`), which also keeps
    /// them from overflowing or asking for a gigantic padding.
    private static func tooLarge(_ value: Int64) -> Bool {
        value > 1_000_000 || value < -1_000_000
    }

    /// A `*` width or precision: any integer operand, as Go's `intFromArg` takes it.
    private static func integer(_ value: Value) -> Int64? {
        switch value {
        case .int(let n): return n
        case .byte(let b): return Int64(b)
        default: return nil
        }
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= 48 && byte <= 57 ? Int(byte - 48) : nil
    }

    static func typeName(_ value: Value) -> String {
        value.goTypeName
    }

    /// Go's `badVerb`: the operand printed with `%v` under the same width and flags (`%5s` of 3 is
    /// `%!s(int=    3)`).
    private static func bad(_ verb: Character, _ value: Value, _ spec: Spec) -> GoString {
        if case .missing = value { return GoString("%!\(verb)(<nil>)") }
        if case .null = value { return GoString("%!\(verb)(<nil>)") }
        // Go prints the operand with %v under the verb's flags; for a float a `#` (not `#v`'s sharpV) keeps
        // trailing zeros, as %#g does.
        let shown = value.isFloat && spec.sharp ? "g" : Character("v")
        return GoString("%!\(verb)(\(typeName(value))=") + formatValue(value, verb: shown, spec: spec, plusV: false)
            + ")"
    }

    private static func formatOne(_ value: Value, verb: Character, spec: Spec) -> GoString {
        if verb == "T" { return pad(GoString(typeName(value)), spec) }
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
    private static func formatValue(_ value: Value, verb: Character, spec: Spec, plusV: Bool) -> GoString {
        switch value {
        case .missing, .null:
            return verb == "v" ? pad("<nil>", spec) : bad(verb, value, spec)
        case .bool(let b):
            return verb == "t" || verb == "v" ? pad(b ? "true" : "false", spec) : bad(verb, value, spec)
        case .int(let n):
            return formatInt(n, verb: verb, spec: spec) ?? bad(verb, value, spec)
        case .byte(let b):
            return formatInt(Int64(b), verb: verb, spec: spec) ?? bad(verb, value, spec)
        case .float(let f):
            return formatFloat(f, verb: verb, spec: spec).map { GoString($0) } ?? bad(verb, value, spec)
        case .string(let s):
            return formatString(s, verb: verb, spec: spec) ?? bad(verb, value, spec)
        case .list(let items, _):
            let elements = items.map { element($0, verb: verb, spec: spec, plusV: plusV) }
            return "[" + elements.joined(separator: " ") + "]"
        case .map(let entries, _):
            let elements = entries.keys.sorted().map { key in
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
            return bad(verb, value, spec)
        }
    }

    /// An element of a list or map: a nil one prints `<nil>` whatever the verb, without padding.
    private static func element(_ value: Value, verb: Character, spec: Spec, plusV: Bool) -> GoString {
        switch value {
        case .missing, .null: return "<nil>"
        default: return formatValue(value, verb: verb, spec: spec, plusV: plusV)
        }
    }

    private static func formatInt(_ n: Int64, verb: Character, spec: Spec) -> GoString? {
        let negative = n < 0
        let magnitude = n.magnitude
        var digits: String
        var prefix = ""
        switch verb {
        case "d", "v": digits = String(magnitude)
        case "b": digits = String(magnitude, radix: 2)
        case "o", "O":
            digits = String(magnitude, radix: 8)
            if verb == "O" { prefix = "0o" }
        case "x":
            digits = String(magnitude, radix: 16)
            if spec.sharp { prefix = "0x" }
        case "X":
            digits = String(magnitude, radix: 16).uppercased()
            if spec.sharp { prefix = "0X" }
        case "c":
            let scalar = n >= 0 && n <= 0x10FFFF ? UnicodeScalar(UInt32(n)) : nil
            var text = GoString.empty
            text.append(scalar ?? "\u{FFFD}")
            return pad(text, spec)
        case "q":
            let scalar = n >= 0 && n <= 0x10FFFF ? UnicodeScalar(UInt32(n)) : nil
            return pad(GoString(quoteRune(scalar ?? "\u{FFFD}", asciiOnly: spec.plus)), spec)
        case "U":
            // Go formats the integer's bits as an unsigned number: -1 is U+FFFFFFFFFFFFFFFF.
            var hex = String(UInt64(bitPattern: n), radix: 16).uppercased()
            if hex.count < 4 { hex = String(repeating: "0", count: 4 - hex.count) + hex }
            var text = "U+" + hex
            if spec.sharp, n >= 0, n <= 0x10FFFF, let scalar = UnicodeScalar(UInt32(n)), GoFormat.isPrintable(scalar) {
                text += " '\(scalar)'"
            }
            return pad(GoString(text), spec)
        default:
            return nil
        }
        if let precision = spec.precision {
            if precision == 0 && n == 0 { digits = "" }
            if digits.count < precision { digits = String(repeating: "0", count: precision - digits.count) + digits }
        }
        // %#o: a leading 0 unless the digits already start with one (0 itself, or zeros from the precision).
        if verb == "o", spec.sharp, !digits.isEmpty, !digits.hasPrefix("0") { digits = "0" + digits }
        let sign = negative ? "-" : (spec.plus ? "+" : (spec.space ? " " : ""))
        return GoString(
            padNumber(sign: sign, prefix: prefix, digits: digits, spec: spec, allowZero: spec.precision == nil))
    }

    private static func formatString(_ s: GoString, verb: Character, spec: Spec) -> GoString? {
        var text = s
        if let precision = spec.precision, verb != "x", verb != "X" {
            // At most `precision` runes, a byte that is not UTF-8 counting as one.
            var end = 0
            var runes = 0
            while end < s.count, runes < precision {
                end += GoString.decodeRune(s.bytes, at: end).1
                runes += 1
            }
            text = GoString(s.bytes[..<end])
        }
        switch verb {
        case "s", "v": return pad(text, spec)
        case "q":
            if spec.sharp, canBackquote(text) { return pad("`" + text + "`", spec) }
            return pad(quote(text, asciiOnly: spec.plus), spec)
        case "x", "X":
            var bytes = s.bytes
            if let precision = spec.precision { bytes = Array(bytes.prefix(precision)) }
            let table = Array((verb == "x" ? "0123456789abcdef" : "0123456789ABCDEF").utf8)
            var hex: [UInt8] = []
            for (index, byte) in bytes.enumerated() {
                if spec.space && index > 0 { hex.append(UInt8(ascii: " ")) }
                if spec.sharp && (spec.space || index == 0) { hex += (verb == "x" ? "0x" : "0X").utf8 }
                hex.append(table[Int(byte >> 4)])
                hex.append(table[Int(byte & 15)])
            }
            return pad(GoString(hex), spec)
        default:
            return nil
        }
    }

    /// Pads to the width in runes, as Go counts them; with `0`, Go 1.19 pads strings and words with zeros too
    /// (`%05s` of `a` is `0000a`).
    static func pad(_ text: GoString, _ spec: Spec) -> GoString {
        guard let width = spec.width else { return text }
        let count = text.runeCount
        guard count < width else { return text }
        let fill = GoString(repeating: spec.zero && !spec.minus ? "0" : " ", count: width - count)
        return spec.minus ? text + fill : fill + text
    }

    static func padNumber(sign: String, prefix: String, digits: String, spec: Spec, allowZero: Bool) -> String {
        let body = sign + prefix + digits
        guard let width = spec.width, body.count < width else { return body }
        if spec.zero && allowZero && !spec.minus {
            return sign + prefix + String(repeating: "0", count: width - body.count) + digits
        }
        let fill = String(repeating: " ", count: width - body.count)
        return spec.minus ? body + fill : fill + body
    }
}

extension Value {
    fileprivate var isFloat: Bool {
        if case .float = self { return true }
        return false
    }
}
