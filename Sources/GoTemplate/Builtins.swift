import GoText

/// Go's comparison, indexing and slicing builtins.
enum Builtins {
    /// `html`, `js` and `urlquery` take the single string argument as it is, else `fmt.Sprint` of all of them,
    /// where Go first turns a nil argument into the string `<no value>`.
    static func evalArgs(_ args: [Value]) -> GoString {
        if args.count == 1, case .string(let s) = args[0] { return s }
        return GoFormat.sprint(
            args.map { arg in
                switch arg {
                case .missing, .null: return .string("<no value>")
                default: return arg
                }
            })
    }

    private enum BasicKind { case bool, int, uint, float, string }

    private static func basicKind(_ value: Value) -> BasicKind? {
        switch value {
        case .bool: return .bool
        case .int: return .int
        case .byte: return .uint
        case .float: return .float
        case .string: return .string
        default: return nil
        }
    }

    /// Go's `eq` for one pair.
    static func equal(_ a: Value, _ b: Value) throws -> Bool {
        switch (a, b) {
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        // Go compares integers whatever their signedness.
        case (.byte(let x), .byte(let y)): return x == y
        case (.int(let x), .byte(let y)), (.byte(let y), .int(let x)): return x == Int64(y)
        case (.float(let x), .float(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.pair(let k1, let v1), .pair(let k2, let v2)): return k1 == k2 && v1 == v2
        case (.missing, .missing), (.null, .null), (.missing, .null), (.null, .missing): return true
        default: break
        }
        if a.isNilCollection || b.isNilCollection {
            switch (a, b) {
            // Two lists or two maps: equal when both are nil.
            case (.list, .list), (.map, .map): return a.isNilCollection == b.isNilCollection
            // A nil one and nil or no value.
            case (.missing, _), (.null, _), (_, .missing), (_, .null): return true
            default: break
            }
        }
        let kinds = (basicKind(a), basicKind(b))
        if kinds.0 != nil, kinds.1 != nil { throw EvalError("incompatible types for comparison") }
        if case .missing = a { return false }
        if case .missing = b { return false }
        if case .null = a { return false }
        if case .null = b { return false }
        for value in [a, b] {
            switch value {
            case .list, .map:
                throw EvalError("non-comparable type \(GoFormat.plain(value).lossyText): \(value.goTypeName)")
            default: break
            }
        }
        if kinds.0 != nil || kinds.1 != nil { throw EvalError("incompatible types for comparison") }
        if case .time(let x) = a, case .time(let y) = b { return x == y }
        throw EvalError("incompatible types for comparison")
    }

    /// Go's `lt` for one pair.
    static func less(_ a: Value, _ b: Value) throws -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y
        case (.byte(let x), .byte(let y)): return x < y
        case (.int(let x), .byte(let y)): return x < Int64(y)
        case (.byte(let x), .int(let y)): return Int64(x) < y
        case (.float(let x), .float(let y)): return x < y
        case (.string(let x), .string(let y)): return x < y
        default: break
        }
        guard let k1 = basicKind(a), let k2 = basicKind(b), k1 != .bool, k2 != .bool else {
            throw EvalError("invalid type for comparison")
        }
        _ = (k1, k2)
        throw EvalError("incompatible types for comparison")
    }

    private static func indexValue(_ value: Value, count: Int, cap: Int? = nil) throws -> Int {
        if case .byte(let b) = value { return try indexValue(.int(Int64(b)), count: count, cap: cap) }
        guard case .int(let i) = value else {
            if case .missing = value { throw EvalError("cannot index slice/array with nil") }
            throw EvalError("cannot index slice/array with type \(value.goTypeName)")
        }
        guard i >= 0, i < Int64(cap ?? count) else { throw EvalError("index out of range: \(i)") }
        return Int(i)
    }

    /// `index x 1 2 …`.
    static func index(_ item: Value, _ indexes: [Value]) throws -> Value {
        var current = item
        for index in indexes {
            switch current {
            case .list(let items, _):
                current = items[try indexValue(index, count: items.count)]
            case .string(let s):
                current = .byte(s.bytes[try indexValue(index, count: s.count)])
            case .map(let entries, let kind):
                guard case .string(let key) = index else {
                    throw EvalError("value has type \(index.goTypeName); should be string")
                }
                current = entries[key] ?? (kind == .strings ? .string("") : .null)
            case .missing, .null:
                throw EvalError("index of untyped nil")
            default:
                throw EvalError("can't index item of type \(current.goTypeName)")
            }
        }
        return current
    }

    /// `slice x 1 2 [3]`.
    static func slice(_ item: Value, _ indexes: [Value]) throws -> Value {
        guard indexes.count <= 3 else { throw EvalError("too many slice indexes: \(indexes.count)") }
        switch item {
        case .string(let s):
            guard indexes.count < 3 else { throw EvalError("cannot 3-index slice a string") }
            let (low, high) = try bounds(indexes, count: s.count)
            return .string(GoString(s.bytes[low..<high]))
        case .list(let items, let kind):
            let (low, high) = try bounds(Array(indexes.prefix(2)), count: items.count)
            if indexes.count == 3 {
                let max = try indexValue(indexes[2], count: items.count + 1, cap: items.count + 1)
                guard high <= max else { throw EvalError("invalid slice index: \(high) > \(max)") }
            }
            return .list(Array(items[low..<high]), kind)
        case .missing, .null:
            throw EvalError("slice of untyped nil")
        default:
            throw EvalError("can't slice item of type \(item.goTypeName)")
        }
    }

    private static func bounds(_ indexes: [Value], count: Int) throws -> (Int, Int) {
        let low = indexes.count > 0 ? try indexValue(indexes[0], count: count + 1) : 0
        let high = indexes.count > 1 ? try indexValue(indexes[1], count: count + 1) : count
        guard low <= high else { throw EvalError("invalid slice index: \(low) > \(high)") }
        return (low, high)
    }
}

/// Go's `html`, `js` and `urlquery` escapers, byte by byte as Go's are.
enum Escaping {
    /// `template.HTMLEscapeString`.
    static func html(_ s: GoString) -> GoString {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        for byte in s.bytes {
            switch byte {
            case UInt8(ascii: "<"): out += "&lt;".utf8
            case UInt8(ascii: ">"): out += "&gt;".utf8
            case UInt8(ascii: "&"): out += "&amp;".utf8
            case UInt8(ascii: "'"): out += "&#39;".utf8
            case UInt8(ascii: "\""): out += "&#34;".utf8
            case 0: out += "\u{FFFD}".utf8
            default: out.append(byte)
            }
        }
        return GoString(out)
    }

    /// `template.JSEscapeString`: a printable rune (and a byte that is not UTF-8, which Go reads as the printable
    /// U+FFFD) is copied as it is.
    static func js(_ s: GoString) -> GoString {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        var index = 0
        while index < s.count {
            let byte = s.bytes[index]
            guard byte >= 0x80 else {
                index += 1
                switch byte {
                case UInt8(ascii: "\\"): out += "\\\\".utf8
                case UInt8(ascii: "'"): out += "\\'".utf8
                case UInt8(ascii: "\""): out += "\\\"".utf8
                case UInt8(ascii: "<"): out += "\\u003C".utf8
                case UInt8(ascii: ">"): out += "\\u003E".utf8
                case UInt8(ascii: "&"): out += "\\u0026".utf8
                case UInt8(ascii: "="): out += "\\u003D".utf8
                case 0..<0x20: out += "\\u00".utf8 + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
                default: out.append(byte)
                }
                continue
            }
            let (scalar, width) = GoString.decodeRune(s.bytes, at: index)
            if let scalar, !GoStrings.isPrint(scalar) {
                let text = String(scalar.value, radix: 16).uppercased()
                out += ("\\u" + String(repeating: "0", count: max(0, 4 - text.count)) + text).utf8
            } else {
                out += s.bytes[index..<(index + width)]
            }
            index += width
        }
        return GoString(out)
    }

    /// `url.QueryEscape`.
    static func queryEscape(_ s: GoString) -> GoString {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in s.bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return GoString(out)
    }
}
