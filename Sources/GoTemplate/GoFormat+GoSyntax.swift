import GoText

extension GoFormat {
    /// `%#v`: a string, list, map or pair as Go source would write it (`[]string{"a", "b"}`,
    /// `map[string]interface {}{"a":interface {}(nil)}`, `memkv.KVPair{Key:"/a", Value:"1"}`).
    /// - Parameters:
    ///   - asciiOnly: `%#+v` quotes strings with `strconv.QuoteToASCII`.
    ///   - inInterface: the value sits in an `interface{}` slot of a list or map, where a nil prints as
    ///     `interface {}(nil)` rather than `<nil>`.
    static func goSyntax(_ value: Value, asciiOnly: Bool, inInterface: Bool = false) -> GoString {
        switch value {
        case .missing, .null: return inInterface ? "interface {}(nil)" : "<nil>"
        case .string(let s): return quote(s, asciiOnly: asciiOnly)
        case .list(_, .nilOf), .map(_, .nilAny):
            return GoString(value.goTypeName) + "(nil)"
        case .list(let items, let kind):
            let elements = items.map { goSyntax($0, asciiOnly: asciiOnly, inInterface: kind == .any) }
            return GoString(kind.goName) + "{" + elements.joined(separator: ", ") + "}"
        case .map(let entries, let kind):
            let elements = entries.keys.sorted().map { key in
                quote(key, asciiOnly: asciiOnly) + ":"
                    + goSyntax(entries[key]!, asciiOnly: asciiOnly, inInterface: kind == .any)
            }
            return GoString(value.goTypeName) + "{" + elements.joined(separator: ", ") + "}"
        case .pair(let key, let pairValue):
            return "memkv.KVPair{Key:" + quote(key, asciiOnly: asciiOnly) + ", Value:"
                + quote(pairValue, asciiOnly: asciiOnly)
                + "}"
        case .bool, .int, .byte, .float, .time, .srv:
            return plain(value)
        }
    }
}
