import GoText

/// `encoding/json` decoding into `interface{}`: objects to maps, arrays to lists, every number to float64.
enum GoJSON {
    static func kindName(_ value: Value) -> String {
        switch value {
        case .map: return "object"
        case .list: return "array"
        case .string: return "string"
        case .float: return "number"
        case .bool: return "bool"
        default: return "null"
        }
    }

    static func parse(_ text: String) throws -> Value {
        var parser = JSONParser(bytes: Array(text.utf8))
        parser.skipSpace()
        let value = try parser.parseValue()
        parser.skipSpace()
        if parser.index < parser.bytes.count {
            throw EvalError("invalid character \(parser.describe(parser.bytes[parser.index])) after top-level value")
        }
        // `null` leaves the Go map or slice nil, which prints as empty.
        return value
    }

    private struct JSONParser {
        let bytes: [UInt8]
        var index = 0
        /// Arrays and objects open around the current position; bounded (Go's decoder stops at 10000) so that a
        /// value like `[[[[…` cannot overflow the stack of the recursive descent.
        var depth = 0
        static let maximumDepth = 1000

        mutating func enter() throws {
            guard depth < Self.maximumDepth else { throw EvalError("exceeded max depth") }
            depth += 1
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        func describe(_ byte: UInt8) -> String {
            if byte == UInt8(ascii: "'") { return "'\\''" }
            if byte == UInt8(ascii: "\"") { return "'\"'" }
            if byte < 0x20 || byte >= 0x7F { return "'\\x\(String(byte, radix: 16))'" }
            return "'\(Character(UnicodeScalar(byte)))'"
        }

        mutating func parseValue() throws -> Value {
            guard index < bytes.count else { throw EvalError("unexpected end of JSON input") }
            let c = bytes[index]
            switch c {
            case UInt8(ascii: "{"): return try parseObject()
            case UInt8(ascii: "["): return try parseArray()
            case UInt8(ascii: "\""): return .string(GoString(try parseString()))
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            default: throw EvalError("invalid character \(describe(c)) looking for beginning of value")
            }
        }

        mutating func literal(_ word: String, _ value: Value) throws -> Value {
            for expected in word.utf8 {
                guard index < bytes.count else { throw EvalError("unexpected end of JSON input") }
                guard bytes[index] == expected else {
                    throw EvalError(
                        "invalid character \(describe(bytes[index])) in literal \(word) (expecting '\(Character(UnicodeScalar(expected)))')"
                    )
                }
                index += 1
            }
            return value
        }

        mutating func parseObject() throws -> Value {
            try enter()
            defer { depth -= 1 }
            index += 1
            var entries: [GoString: Value] = [:]
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .map(entries, .any)
            }
            while true {
                skipSpace()
                guard index < bytes.count else { throw EvalError("unexpected end of JSON input") }
                guard bytes[index] == UInt8(ascii: "\"") else {
                    throw EvalError(
                        "invalid character \(describe(bytes[index])) looking for beginning of object key string")
                }
                let key = try parseString()
                skipSpace()
                guard index < bytes.count else { throw EvalError("unexpected end of JSON input") }
                guard bytes[index] == UInt8(ascii: ":") else {
                    throw EvalError("invalid character \(describe(bytes[index])) after object key")
                }
                index += 1
                skipSpace()
                entries[GoString(key)] = try parseValue()
                skipSpace()
                guard index < bytes.count else { throw EvalError("unexpected end of JSON input") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "}") else {
                    throw EvalError("invalid character \(describe(bytes[index])) after object key:value pair")
                }
                index += 1
                return .map(entries, .any)
            }
        }

        mutating func parseArray() throws -> Value {
            try enter()
            defer { depth -= 1 }
            index += 1
            var items: [Value] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .list(items, .any)
            }
            while true {
                skipSpace()
                items.append(try parseValue())
                skipSpace()
                guard index < bytes.count else { throw EvalError("unexpected end of JSON input") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "]") else {
                    throw EvalError("invalid character \(describe(bytes[index])) after array element")
                }
                index += 1
                return .list(items, .any)
            }
        }

        mutating func parseString() throws -> String {
            index += 1
            var out: [UInt8] = []
            while true {
                guard index < bytes.count else { throw EvalError("unexpected end of JSON input") }
                let c = bytes[index]
                index += 1
                if c == UInt8(ascii: "\"") { break }
                if c < 0x20 { throw EvalError("invalid character \(describe(c)) in string literal") }
                guard c == UInt8(ascii: "\\") else {
                    out.append(c)
                    continue
                }
                guard index < bytes.count else { throw EvalError("unexpected end of JSON input") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u")
                    {
                        let saved = index
                        index += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            index = saved
                        }
                    }
                    let scalar = UnicodeScalar(code) ?? "\u{FFFD}"
                    out.append(contentsOf: Array(String(scalar).utf8))
                default:
                    throw EvalError("invalid character \(describe(e)) in string escape code")
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count,
                let value = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
            else { throw EvalError("invalid character in \\u hexadecimal character escape") }
            index += 4
            return value
        }

        mutating func parseNumber() throws -> Value {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            func digits() -> Int {
                let from = index
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
                return index - from
            }
            guard index < bytes.count else { throw EvalError("unexpected end of JSON input") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else if digits() == 0 {
                throw EvalError("invalid character \(describe(bytes[index])) in numeric literal")
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else {
                    throw index < bytes.count
                        ? EvalError(
                            "invalid character \(describe(bytes[index])) after decimal point in numeric literal")
                        : EvalError("unexpected end of JSON input")
                }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    index += 1
                }
                guard digits() > 0 else {
                    throw index < bytes.count
                        ? EvalError("invalid character \(describe(bytes[index])) in exponent of numeric literal")
                        : EvalError("unexpected end of JSON input")
                }
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            guard let value = Double(text), value.isFinite else {
                throw EvalError("json: cannot unmarshal number \(text) into Go value of type float64")
            }
            return .float(value)
        }
    }
}
