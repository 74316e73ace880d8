import GoText

/// Literals as Go reads them. Strings: `strconv.Unquote` and `UnquoteChar` over a literal's bytes, so `\xe9` and
/// `\351` are the byte 0xE9, `\u00e9` is U+00E9 in UTF-8, and a byte that is not UTF-8 written as it is becomes
/// U+FFFD.
extension Parser {
    /// A number literal, as Go's parser reads it (int when it fits, else float64; `_` between digits).
    func number(_ token: Token) throws -> Value {
        var text = token.text
        guard !text.hasSuffix("i") else {
            throw error("complex number \(token.text) is not supported", at: token)
        }
        let negative = text.hasPrefix("-")
        if text.hasPrefix("-") || text.hasPrefix("+") { text.removeFirst() }
        // Underscores must sit between digits.
        if text.contains("_") {
            if text.hasPrefix("_") || text.hasSuffix("_") || text.contains("__") {
                throw error("bad number syntax: \"\(token.text)\"", at: token)
            }
            text = text.replacingOccurrences(of: "_", with: "")
        }
        let lower = text.lowercased()
        let (radix, digits) = GoIntegerLiteral.radixAndDigits(Substring(lower))
        let isFloatSyntax =
            radix == 10 ? (lower.contains(".") || lower.contains("e")) : (radix == 16 && lower.contains("p"))
        if !isFloatSyntax {
            guard !digits.isEmpty, let magnitude = UInt64(digits, radix: radix) else {
                throw error("bad number syntax: \"\(token.text)\"", at: token)
            }
            guard let value = GoIntegerLiteral.signed(magnitude, negative: negative) else {
                throw error(
                    negative ? "bad number syntax: \"\(token.text)\"" : "integer overflow: \(token.text)", at: token)
            }
            return .int(value)
        }
        let value: Double?
        if radix == 16 {
            value = Double(lower.hasPrefix("0x") ? "0x" + lower.dropFirst(2) : lower)
        } else {
            value = Double(lower)
        }
        guard let value, lower.first != "e" else { throw error("bad number syntax: \"\(token.text)\"", at: token) }
        return .float(negative ? -value : value)
    }

    /// The value of a "…" or `…` string literal.
    func unquote(_ token: Token) throws -> GoString {
        let body = Array(token.bytes.dropFirst().dropLast())
        if token.kind == .rawString { return GoString(body.filter { $0 != UInt8(ascii: "\r") }) }
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var index = 0
        while index < body.count {
            guard let (value, isByte, next) = Self.unquoteChar(body, at: index, quote: UInt8(ascii: "\"")) else {
                throw error("invalid syntax: \(token.text)", at: token)
            }
            if isByte {
                out.append(UInt8(value))
            } else {
                GoString.appendUTF8(Unicode.Scalar(value) ?? "\u{FFFD}", to: &out)
            }
            index = next
        }
        return GoString(out)
    }

    /// The rune of a '…' character literal.
    func unquoteChar(_ token: Token) throws -> UInt32 {
        let body = Array(token.bytes.dropFirst().dropLast())
        guard !body.isEmpty, let (value, _, next) = Self.unquoteChar(body, at: 0, quote: UInt8(ascii: "'")),
            next == body.count
        else { throw error("malformed character constant: \(token.text)", at: token) }
        return value
    }

    /// One character at `index`: its value, whether it is a single byte (an ASCII character, `\x..` or octal)
    /// rather than a rune, and the index after it; `nil` for a malformed escape.
    private static func unquoteChar(_ bytes: [UInt8], at index: Int, quote: UInt8) -> (UInt32, Bool, Int)? {
        let c = bytes[index]
        if c == quote { return nil }
        if c >= 0x80 {
            let (scalar, width) = GoString.decodeRune(bytes, at: index)
            return ((scalar ?? "\u{FFFD}").value, false, index + width)
        }
        guard c == UInt8(ascii: "\\") else { return (UInt32(c), true, index + 1) }
        guard index + 1 < bytes.count else { return nil }
        let escape = bytes[index + 1]
        var next = index + 2
        func digits(_ count: Int, radix: UInt32) -> UInt32? {
            guard next + count <= bytes.count else { return nil }
            var value: UInt32 = 0
            for byte in bytes[next..<(next + count)] {
                guard let digit = hexValue(byte), digit < radix else { return nil }
                value = value * radix + digit
            }
            next += count
            return value
        }
        switch escape {
        case UInt8(ascii: "a"): return (7, true, next)
        case UInt8(ascii: "b"): return (8, true, next)
        case UInt8(ascii: "f"): return (12, true, next)
        case UInt8(ascii: "n"): return (10, true, next)
        case UInt8(ascii: "r"): return (13, true, next)
        case UInt8(ascii: "t"): return (9, true, next)
        case UInt8(ascii: "v"): return (11, true, next)
        case UInt8(ascii: "\\"): return (UInt32(escape), true, next)
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return escape == quote ? (UInt32(escape), true, next) : nil
        case UInt8(ascii: "x"):
            return digits(2, radix: 16).map { ($0, true, next) }
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            guard let value = digits(escape == UInt8(ascii: "u") ? 4 : 8, radix: 16), Unicode.Scalar(value) != nil
            else { return nil }
            return (value, false, next)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            next = index + 1
            guard let value = digits(3, radix: 8), value <= 255 else { return nil }
            return (value, true, next)
        default:
            return nil
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// Go's `parse.IsEmptyTree`: nothing but text that is all white space.
    static func isEmpty(_ nodes: [Node]) -> Bool {
        nodes.allSatisfy { node in
            guard case .text(let bytes) = node else { return false }
            return GoString(bytes).runes.allSatisfy { $0.rune.properties.isWhitespace }
        }
    }
}
