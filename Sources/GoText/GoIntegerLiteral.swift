/// Go's integer literal prefixes (`0x`, `0o`, `0b`, a leading `0` for octal), shared by the template parser and the
/// YAML flattener (go-yaml resolves with `strconv.ParseInt(s, 0, 64)`).
package enum GoIntegerLiteral {
    /// The radix and the digits after the prefix, for an unsigned body (no sign, no underscores).
    package static func radixAndDigits(_ body: Substring) -> (radix: Int, digits: Substring) {
        let lower = body.lowercased()
        if lower.hasPrefix("0x") { return (16, body.dropFirst(2)) }
        if lower.hasPrefix("0o") { return (8, body.dropFirst(2)) }
        if lower.hasPrefix("0b") { return (2, body.dropFirst(2)) }
        if body.count > 1, body.first == "0", body.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return (8, body.dropFirst())
        }
        return (10, body)
    }

    /// The magnitude with its sign applied; `nil` when it does not fit an `Int64`.
    package static func signed(_ magnitude: UInt64, negative: Bool) -> Int64? {
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }
}
