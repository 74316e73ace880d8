import Foundation
import Yams

typealias YAMLNode = Yams.Node

/// Turns YAML documents into store keys exactly as confd's file backend does (go-yaml v2, YAML 1.1 scalars):
/// nested maps become `/a/b` (joined and cleaned like Go's `path.Join`), list items `/0`, `/1`; a null removes the
/// key; ints and bools print as Go prints them, floats as `strconv.FormatFloat(f, 'f', -1, 64)` (`1.50` → `1.5`,
/// `.inf` → `+Inf`), `0755` → `493`, `0x1F` → `31`; quoted scalars stay as written. Values confd drops (integers
/// above Int64.max) are dropped too.
public enum YAMLFlattener {
    /// Flattens `text` (the first YAML document) into `pairs`; later keys override earlier ones.
    /// - Parameter file: the name used in errors.
    /// - Throws: `YAMLError` naming `file:line:col` for malformed YAML, a top level that is not a mapping, or a
    ///   mapping key that is not a string (confd crashes on those).
    public static func flatten(_ text: String, file: String, into pairs: inout [String: String]) throws {
        let root: YAMLNode?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw YAMLError.from(error, file: file)
        }
        guard let root else { return }
        guard case .mapping = root else {
            throw YAMLError(
                file: file, line: root.mark?.line ?? 1, column: root.mark?.column ?? 1,
                message: "the top level must be a mapping of keys, found a \(kind(of: root))")
        }
        try walk(root, key: "/", file: file, into: &pairs)
    }

    private static func kind(of node: YAMLNode) -> String {
        switch node {
        case .mapping: return "mapping"
        case .sequence: return "sequence"
        case .scalar: return "scalar"
        }
    }

    private static func walk(_ node: YAMLNode, key: String, file: String, into pairs: inout [String: String]) throws {
        switch node {
        case .mapping(let mapping):
            // Merge keys (`<<: *defaults`) first, so the mapping's own keys win.
            for (keyNode, value) in mapping where isMergeKey(keyNode) {
                for source in mergeSources(value) { try walk(source, key: key, file: file, into: &pairs) }
            }
            for (keyNode, value) in mapping where !isMergeKey(keyNode) {
                guard case .scalar(let scalar) = keyNode, case .string(let name) = resolve(scalar) else {
                    let mark = keyNode.mark
                    let shown = keyNode.scalar?.string ?? "(a \(kind(of: keyNode)))"
                    throw YAMLError(
                        file: file, line: mark?.line ?? 0, column: mark?.column ?? 0,
                        message:
                            "map key \(String(reflecting: shown)) is not a string (YAML 1.1 reads it as \(describe(keyNode))); quote it"
                    )
                }
                try walk(value, key: GoPath.join(key, name), file: file, into: &pairs)
            }
        case .sequence(let sequence):
            for (index, item) in sequence.enumerated() {
                try walk(item, key: GoPath.join(key, String(index)), file: file, into: &pairs)
            }
        case .scalar(let scalar):
            switch resolve(scalar) {
            case .null: pairs[key] = nil
            case .string(let text): pairs[key] = text
            case .printed(let text): pairs[key] = text
            case .dropped: break
            }
        }
    }

    private static func isMergeKey(_ node: YAMLNode) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.string == "<<" && scalar.style == .plain
    }

    private static func mergeSources(_ node: YAMLNode) -> [YAMLNode] {
        switch node {
        case .mapping: return [node]
        case .sequence(let sequence): return sequence.filter { if case .mapping = $0 { true } else { false } }
        default: return []
        }
    }

    private static func describe(_ node: YAMLNode) -> String {
        guard case .scalar(let scalar) = node else { return "a \(kind(of: node))" }
        switch resolve(scalar) {
        case .null: return "null"
        case .printed(let text):
            if text == "true" || text == "false" { return "a boolean" }
            return "a number"
        default: return "a string"
        }
    }

    /// A scalar as go-yaml v2 decodes it into `interface{}`, then as confd prints it.
    enum Resolved: Equatable {
        case null
        case string(String)
        case printed(String)
        case dropped
    }

    static func resolve(_ scalar: YAMLNode.Scalar) -> Resolved {
        guard scalar.style == .plain || scalar.style == .any else { return .string(scalar.string) }
        return resolvePlain(scalar.string)
    }

    static func resolvePlain(_ text: String) -> Resolved {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return .printed("true")
        case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return .printed("false")
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .printed("+Inf")
        case "-.inf", "-.Inf", "-.INF": return .printed("-Inf")
        case ".nan", ".NaN", ".NAN": return .printed("NaN")
        default: break
        }
        guard let first = text.utf8.first,
            first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: ".")
                || (first >= 48 && first <= 57)
        else { return .string(text) }
        // Only digits, signs, '.', '_' and the letters of base prefixes, hex digits and exponents can make a number.
        for byte in text.utf8 {
            switch byte {
            case 48...57, UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "x"),
                UInt8(ascii: "X"), UInt8(ascii: "o"), UInt8(ascii: "O"):
                continue
            default:
                return .string(text)
            }
        }
        let plain = text.replacingOccurrences(of: "_", with: "")
        if let value = parseGoInt(plain) {
            switch value {
            case .signed(let int): return .printed(String(int))
            case .unsigned: return .dropped  // a uint64: confd's file backend has no case for it.
            }
        }
        if isYAMLStyleFloat(plain), let value = Double(plain) {
            return .printed(formatFloatF(value))
        }
        return .string(text)
    }

    private enum GoInt {
        case signed(Int64)
        case unsigned(UInt64)
    }

    /// `strconv.ParseInt(s, 0, 64)`, falling back to `ParseUint`: base prefixes `0x`, `0o`, `0b`, a leading `0`
    /// for octal, an optional sign.
    private static func parseGoInt(_ text: String) -> GoInt? {
        var body = Substring(text)
        var negative = false
        if body.first == "+" || body.first == "-" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        let (radix, digits) = GoIntegerLiteral.radixAndDigits(body)
        guard !digits.isEmpty, let magnitude = UInt64(digits, radix: radix) else { return nil }
        if let value = GoIntegerLiteral.signed(magnitude, negative: negative) { return .signed(value) }
        if negative { return nil }
        // ParseUint does not accept a sign, so only unsigned text reaches here.
        return text.first == "+" ? nil : .unsigned(magnitude)
    }

    /// go-yaml v2's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
    private static func isYAMLStyleFloat(_ text: String) -> Bool {
        var chars = Substring(text)
        if chars.first == "+" || chars.first == "-" { chars = chars.dropFirst() }
        func digits() -> Int {
            let count = chars.prefix { $0.isASCII && $0.isNumber }.count
            chars = chars.dropFirst(count)
            return count
        }
        if chars.first == "." {
            chars = chars.dropFirst()
            guard digits() > 0 else { return false }
        } else {
            guard digits() > 0 else { return false }
            if chars.first == "." {
                chars = chars.dropFirst()
                _ = digits()
            }
        }
        if chars.first == "e" || chars.first == "E" {
            chars = chars.dropFirst()
            if chars.first == "+" || chars.first == "-" { chars = chars.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return chars.isEmpty
    }

    /// `strconv.FormatFloat(f, 'f', -1, 64)`: the shortest digits, never an exponent.
    static func formatFloatF(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        return GoFloat.format(value, verb: "f", precision: nil)
    }
}

/// A YAML file that cannot be read as store keys.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String {
        line > 0 ? "\(file):\(line):\(column): \(message)" : "\(file): \(message)"
    }

    static func from(_ error: YamlError, file: String) -> YAMLError {
        switch error {
        case .scanner(let context, let problem, let mark, _):
            return YAMLError(
                file: file, line: mark.line, column: mark.column,
                message: [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " "))
        case .parser(let context, let problem, let mark, _):
            return YAMLError(
                file: file, line: mark.line, column: mark.column,
                message: [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " "))
        case .composer(let context, let problem, let mark, _):
            return YAMLError(
                file: file, line: mark.line, column: mark.column,
                message: [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " "))
        default:
            return YAMLError(file: file, line: 0, column: 0, message: "\(error)")
        }
    }
}

extension GoPath {
    /// `path.Join(a, b)`.
    static func join(_ base: String, _ element: String) -> String {
        if element.isEmpty { return base.isEmpty ? "" : clean(base) }
        return clean(base.isEmpty ? element : base + "/" + element)
    }
}
