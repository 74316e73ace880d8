import GoText

/// The parts of Go's `strings` and `strconv` that confd's functions expose, with Go's byte semantics.
enum GoStrings {
    /// `strings.Split`; an empty separator splits after each UTF-8 sequence (a byte that is not UTF-8 alone).
    static func split(_ s: GoString, _ separator: GoString) -> [GoString] {
        if separator.isEmpty {
            // One string a rune; a byte that is not UTF-8 becomes U+FFFD, except in the last, which keeps the rest.
            let runes = s.runes
            return runes.enumerated().map { index, rune in
                // A byte that is not UTF-8 decodes as U+FFFD one byte wide; the real U+FFFD takes three.
                let invalid = rune.rune == "\u{FFFD}" && rune.width == 1
                if invalid && index < runes.count - 1 { return GoString("\u{FFFD}") }
                return GoString(s.bytes[rune.offset..<(rune.offset + rune.width)])
            }
        }
        let bytes = s.bytes
        let sep = separator.bytes
        var parts: [GoString] = []
        var start = 0
        var i = 0
        while i + sep.count <= bytes.count {
            if bytes[i] == sep[0] && bytes[i..<(i + sep.count)].elementsEqual(sep) {
                parts.append(GoString(bytes[start..<i]))
                i += sep.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(GoString(bytes[start...]))
        return parts
    }

    /// Byte offset of the first `needle` in `haystack`.
    static func index(of needle: GoString, in haystack: GoString) -> Int? {
        let (h, n) = (haystack.bytes, needle.bytes)
        if n.isEmpty { return 0 }
        guard n.count <= h.count else { return nil }
        for i in 0...(h.count - n.count) where h[i] == n[0] && h[i..<(i + n.count)].elementsEqual(n) { return i }
        return nil
    }

    /// `strings.Replace(s, old, new, n)`.
    static func replace(_ s: GoString, _ old: GoString, _ new: GoString, _ limit: Int) -> GoString {
        if old == new || limit == 0 { return s }
        if old.isEmpty {
            // Before each rune (a byte that is not UTF-8 counts as one) and at the end.
            var out = GoString.empty
            var count = 0
            for rune in s.runes {
                if limit < 0 || count < limit {
                    out += new
                    count += 1
                }
                out.bytes += s.bytes[rune.offset..<(rune.offset + rune.width)]
            }
            if limit < 0 || count < limit { out += new }
            return out
        }
        var parts = split(s, old)
        if parts.count == 1 { return s }
        if limit >= 0 && parts.count - 1 > limit {
            let tail = Array(parts[(limit + 1)...]).joined(separator: old)
            parts = Array(parts[0...limit])
            parts[parts.count - 1] += old + tail
        }
        return parts.joined(separator: new)
    }

    /// `strings.ToUpper`/`ToLower`: Go's simple case mapping rune by rune (`GoCaseTable`, generated from Go), so a
    /// rune without a single-rune mapping stays as it is (`ß`). A string of ASCII only is mapped in place; in any
    /// other, as `strings.Map` does, a byte that is not UTF-8 becomes U+FFFD.
    static func mapRunes(_ s: GoString, upper: Bool) -> GoString {
        if s.bytes.allSatisfy({ $0 < 0x80 }) {
            return GoString(
                s.bytes.map { byte in
                    if upper, byte >= 97, byte <= 122 { return byte - 32 }
                    if !upper, byte >= 65, byte <= 90 { return byte + 32 }
                    return byte
                })
        }
        let table = upper ? GoCaseTable.upper : GoCaseTable.lower
        var out = GoString.empty
        out.bytes.reserveCapacity(s.count)
        for rune in s.runes {
            let mapped = GoCaseTable.map(rune.rune.value, table)
            out.append(Unicode.Scalar(mapped) ?? rune.rune)
        }
        return out
    }

    /// `strconv.Atoi`.
    static func atoi(_ text: GoString) throws -> Int64 {
        try atoi(text.lossyText, quoted: GoFormat.quote(text).lossyText)
    }

    private static func atoi(_ text: String, quoted: String) throws -> Int64 {
        var digits = Substring(text)
        var negative = false
        if digits.first == "+" || digits.first == "-" {
            negative = digits.first == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw EvalError("strconv.Atoi: parsing \(quoted): invalid syntax")
        }
        guard let magnitude = UInt64(digits), magnitude <= UInt64(Int64.max) + (negative ? 1 : 0) else {
            throw EvalError("strconv.Atoi: parsing \(quoted): value out of range")
        }
        if negative { return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude) }
        return Int64(magnitude)
    }

    /// `unicode.IsPrint` for non-ASCII runes.
    static func isPrint(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
            .spaceSeparator:
            return false
        default:
            return true
        }
    }
}

/// `base64.StdEncoding.DecodeString`, with Go's error wording.
enum GoBase64 {
    /// The decoded bytes, exactly (they need not be UTF-8).
    static func decode(_ text: GoString) throws -> GoString {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var table = [Int](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = i }
        var out: [UInt8] = []
        var quantum: [Int] = []
        var padding = 0
        var position = 0
        let bytes = text.bytes
        func fail(_ at: Int) -> EvalError { EvalError("illegal base64 data at input byte \(at)") }
        for byte in bytes {
            defer { position += 1 }
            if byte == 0x0A || byte == 0x0D { continue }
            if byte == UInt8(ascii: "=") {
                guard quantum.count >= 2 else { throw fail(position) }
                padding += 1
                quantum.append(0)
                if quantum.count == 4 {
                    guard padding <= 2 else { throw fail(position) }
                    let value = (quantum[0] << 18) | (quantum[1] << 12) | (quantum[2] << 6) | quantum[3]
                    out.append(UInt8((value >> 16) & 0xFF))
                    if padding == 1 { out.append(UInt8((value >> 8) & 0xFF)) }
                    quantum = []
                }
                continue
            }
            guard padding == 0 else { throw fail(position) }
            let v = table[Int(byte)]
            guard v >= 0 else { throw fail(position) }
            quantum.append(v)
            if quantum.count == 4 {
                let value = (quantum[0] << 18) | (quantum[1] << 12) | (quantum[2] << 6) | quantum[3]
                out.append(UInt8((value >> 16) & 0xFF))
                out.append(UInt8((value >> 8) & 0xFF))
                out.append(UInt8(value & 0xFF))
                quantum = []
            }
        }
        if !quantum.isEmpty { throw fail(bytes.count - (padding > 0 ? 1 : 0) - (quantum.count == 1 ? 0 : 0)) }
        return GoString(out)
    }
}
