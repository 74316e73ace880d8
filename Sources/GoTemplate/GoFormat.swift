import Foundation
import GoText

/// Go's `fmt` as templates use it: `print`, `println`, `printf`, and the printing of an action's value. Strings are
/// bytes here as in Go: what a template prints is exactly the bytes it was given.
enum GoFormat {
    // MARK: %v

    /// How an action prints its value (`{{.}}`): `<no value>` for a missing one, else `%v`. Go unwraps an empty
    /// interface at the end of a pipeline, so a nil one (a JSON null, `index` of a missing map key) is no value
    /// there too; only inside `fmt` (printf, a printed map or list) does it print as `<nil>`.
    static func appendActionValue(_ value: Value, to out: inout [UInt8]) {
        switch value {
        case .missing, .null: out.append(contentsOf: "<no value>".utf8)
        case .string(let s): out.append(contentsOf: s.bytes)
        default: out.append(contentsOf: plain(value).bytes)
        }
    }

    /// `%v` of a value.
    static func plain(_ value: Value, plus: Bool = false) -> GoString {
        switch value {
        case .missing, .null: return "<nil>"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return GoString(String(i))
        case .byte(let b): return GoString(String(b))
        case .float(let f): return GoString(GoFloat.format(f, verb: "g", precision: nil))
        case .string(let s): return s
        case .list(let items, _): return "[" + items.map { plain($0, plus: plus) }.joined(separator: " ") + "]"
        case .map(let entries, _):
            return "map["
                + entries.keys.sorted().map { $0 + ":" + plain(entries[$0]!, plus: plus) }.joined(separator: " ")
                + "]"
        case .pair(let key, let value):
            return plus ? "{Key:" + key + " Value:" + value + "}" : "{" + key + " " + value + "}"
        case .time(let time): return GoString(time.description)
        case .srv(let target, let port, let priority, let weight):
            return GoString(
                plus
                    ? "&{Target:\(target) Port:\(port) Priority:\(priority) Weight:\(weight)}"
                    : "&{\(target) \(port) \(priority) \(weight)}")
        }
    }

    /// Byte order, as Go sorts strings.
    static func goLess(_ a: String, _ b: String) -> Bool {
        a.withGoBytes { x in b.withGoBytes { y in GoString.less(x, y) } }
    }

    /// `fmt.Sprint`: operands printed with `%v`; a space between two operands when neither is a string.
    static func sprint(_ values: [Value]) -> GoString {
        var out = GoString.empty
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
    static func sprintln(_ values: [Value]) -> GoString {
        values.map { plain($0) }.joined(separator: " ") + "\n"
    }

    // MARK: Quoting (strconv.Quote)

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (scalar.value >= 0x80 && scalar.value < 0xA0)
    }

    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
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

    /// `strconv.Quote` (or `QuoteToASCII`): a byte that is not UTF-8 is written `\x..`.
    static func quote(_ s: GoString, asciiOnly: Bool = false) -> GoString {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        out.reserveCapacity(s.count + 2)
        var index = 0
        while index < s.count {
            let (scalar, width) = GoString.decodeRune(s.bytes, at: index)
            if let scalar {
                out += escape(scalar, quote: "\"", asciiOnly: asciiOnly).utf8
            } else {
                out += ("\\x" + hex(UInt32(s.bytes[index]), 2)).utf8
            }
            index += width
        }
        out.append(UInt8(ascii: "\""))
        return GoString(out)
    }

    /// `strconv.Quote` of text, for messages.
    static func quote(_ s: String, asciiOnly: Bool = false) -> String {
        quote(GoString(s), asciiOnly: asciiOnly).lossyText
    }

    static func quoteRune(_ scalar: Unicode.Scalar, asciiOnly: Bool = false) -> String {
        "'" + escape(scalar, quote: "'", asciiOnly: asciiOnly) + "'"
    }

    /// `strconv.CanBackquote`: `%#q` writes a raw string when this holds.
    static func canBackquote(_ s: GoString) -> Bool {
        var index = 0
        while index < s.count {
            let (scalar, width) = GoString.decodeRune(s.bytes, at: index)
            index += width
            guard let scalar else { return false }
            if width > 1 {
                if scalar == "\u{FEFF}" { return false }
                continue
            }
            if (scalar.value < 0x20 && scalar != "\t") || scalar == "`" || scalar.value == 0x7F { return false }
        }
        return true
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
