import CYaml
import Foundation
import GoTemplate
import GoText
import Yams

/// Turns YAML documents into store keys exactly as confd's file backend does (go-yaml v2, YAML 1.1 scalars):
/// nested maps become `/a/b` (joined and cleaned like Go's `path.Join`), list items `/0`, `/1`; a null removes the
/// key; ints and bools print as Go prints them, floats as `strconv.FormatFloat(f, 'f', -1, 64)` (`1.50` → `1.5`,
/// `.inf` → `+Inf`), `0755` → `493`, `0x1F` → `31`; quoted scalars stay as written. Values confd drops (integers
/// above Int64.max) are dropped too.
///
/// A store file is read on every change, so this reads libyaml's parser events (through Yams' bundled libyaml)
/// into one flat array instead of composing a tree of nodes, then walks that array. A malformed file is parsed a
/// second time with `Yams.compose`, only to report the error in Yams' words.
public enum YAMLFlattener {
    /// Deeper nesting is refused: the walk recurses, and store files are never this deep.
    static let maximumDepth = 1000
    /// Aliases may repeat a subtree; past this many nodes beyond the file's own the file is refused (the
    /// "billion laughs").
    static let maximumExpansion = 1_000_000

    /// Flattens `text` (the first YAML document) into `pairs`; later keys override earlier ones.
    /// - Parameter file: the name used in errors.
    /// - Throws: `YAMLError` naming `file:line:col` for malformed YAML, a top level that is not a mapping, or a
    ///   mapping key that is not a string (confd crashes on those).
    public static func flatten(_ text: String, file: String, into pairs: inout [GoString: GoString]) throws {
        try flatten(text, file: file, into: &pairs, maximumExpansion: maximumExpansion)
    }

    /// Flattens the bytes of a YAML file. They must be UTF-8, as YAML (and go-yaml, so confd) requires: a file
    /// that is not is refused, naming the line of the first byte that is not; escapes such as `"\xe9"` decode as
    /// YAML says (to the character U+00E9, in UTF-8).
    public static func flatten(_ bytes: [UInt8], file: String, into pairs: inout [GoString: GoString]) throws {
        try bytes.withUnsafeBufferPointer {
            try flatten($0, file: file, into: &pairs, maximumExpansion: maximumExpansion)
        }
    }

    /// Flattens a file's contents in place (a store file is read whole; copying it would double that).
    public static func flatten(_ data: Data, file: String, into pairs: inout [GoString: GoString]) throws {
        try data.withUnsafeBytes { raw in
            try flatten(raw.bindMemory(to: UInt8.self), file: file, into: &pairs, maximumExpansion: maximumExpansion)
        }
    }

    static func flatten(
        _ text: String, file: String, into pairs: inout [GoString: GoString], maximumExpansion: Int
    ) throws {
        try Array(text.utf8).withUnsafeBufferPointer {
            try flatten($0, file: file, into: &pairs, maximumExpansion: maximumExpansion)
        }
    }

    static func flatten(
        _ bytes: UnsafeBufferPointer<UInt8>, file: String, into pairs: inout [GoString: GoString],
        maximumExpansion: Int
    ) throws {
        // An empty file holds no keys (and libyaml wants an input address even for no bytes).
        guard bytes.baseAddress != nil, !bytes.isEmpty else { return }
        // A store file is mostly one key per line: room for them at once, not a rehash per doubling.
        pairs.reserveCapacity(pairs.count + lineCount(bytes))
        if YAMLStreamingWalk.flatten(bytes, into: &pairs) { return }
        try flattenWalkingItems(bytes, file: file, into: &pairs, maximumExpansion: maximumExpansion)
    }

    /// The general walk, for any document: the whole document as `YAMLItem`s first, then walked.
    static func flattenWalkingItems(
        _ bytes: UnsafeBufferPointer<UInt8>, file: String, into pairs: inout [GoString: GoString],
        maximumExpansion: Int
    ) throws {
        guard bytes.baseAddress != nil, !bytes.isEmpty else { return }
        let items: [YAMLItem]
        do {
            items = try YAMLEventReader.items(of: bytes)
        } catch let deep as YAMLEventReader.TooDeep {
            throw YAMLError(
                file: file, line: deep.line, column: deep.column,
                message: "nested deeper than \(maximumDepth) levels")
        } catch let problem as YAMLEventReader.Problem {
            if !problem.notUTF8 {
                // libyaml refused the text: let Yams say why, in the words and positions it always used.
                do {
                    _ = try Yams.compose(yaml: String(decoding: bytes, as: UTF8.self))
                } catch let error as YamlError {
                    throw YAMLError.from(error, file: file)
                }
            }
            throw YAMLError(file: file, line: problem.line, column: problem.column, message: problem.message)
        }
        guard let root = items.first else { return }
        guard root.kind == .mapping else {
            throw YAMLError(
                file: file, line: root.line, column: root.column,
                message: "the top level must be a mapping of keys, found a \(root.kind.name)")
        }
        var walk = YAMLWalk(items: items, file: file, maximumExpansion: maximumExpansion)
        try walk.walk(0, key: "/", depth: 0, into: &pairs)
    }

    static func resolve(_ item: YAMLItem) -> Resolved { resolve(text: item.text, plain: item.plain) }

    static func resolve(text: String, plain: Bool) -> Resolved { plain ? resolvePlain(text) : .string(text) }

    private static func lineCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 1
        for byte in bytes where byte == UInt8(ascii: "\n") { count += 1 }
        return count
    }

    static func describe(_ item: YAMLItem) -> String {
        guard item.kind == .scalar else { return "a \(item.kind.name)" }
        switch resolve(item) {
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

    static func resolvePlain(_ text: String) -> Resolved {
        guard let first = text.utf8.first else { return .null }
        if text.utf8.count <= 5, mayStartAWord(first), let word = resolveWord(text) { return word }
        return resolveNumber(text, first: first)
    }

    /// The first bytes of YAML 1.1's null, boolean, infinity and NaN words (none is longer than five bytes). Most
    /// store values are addresses and names, so they skip the word table.
    private static func mayStartAWord(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "y"), UInt8(ascii: "Y"),
            UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"),
            UInt8(ascii: "O"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private static func resolveWord(_ text: String) -> Resolved? {
        switch text {
        case "~", "null", "Null", "NULL": return .null
        case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return .printed("true")
        case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return .printed("false")
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .printed("+Inf")
        case "-.inf", "-.Inf", "-.INF": return .printed("-Inf")
        case ".nan", ".NaN", ".NAN": return .printed("NaN")
        default: return nil
        }
    }

    private static func resolveNumber(_ text: String, first: UInt8) -> Resolved {
        guard
            first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: ".")
                || (first >= 48 && first <= 57)
        else { return .string(text) }
        // Only digits, signs, '.', '_' and the letters of base prefixes, hex digits and exponents can make a number.
        let mayBeANumber = text.withUTF8Bytes { bytes in
            bytes.allSatisfy { byte in
                switch byte {
                case 48...57, UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                    UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "x"),
                    UInt8(ascii: "X"), UInt8(ascii: "o"), UInt8(ascii: "O"):
                    return true
                default:
                    return false
                }
            }
        }
        guard mayBeANumber else { return .string(text) }
        let plain = text.contains("_") ? text.filter { $0 != "_" } : text
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
    /// An element that joins without cleaning: not empty, `.` or `..`, and without a `/`.
    private static func isPlainElement(_ element: String) -> Bool {
        element.withUTF8Bytes { bytes in
            if !bytes.isEmpty, bytes.count <= 2, bytes.allSatisfy({ $0 == UInt8(ascii: ".") }) { return false }
            return !bytes.contains(UInt8(ascii: "/"))
        }
    }

    /// `a + "/" + b` in one allocation and byte copies: `+` twice builds and frees an intermediate string for
    /// every store key, and appending to a reserved string costs more still.
    private static func joinedWithSlash(_ a: String, _ b: String) -> String {
        a.withUTF8Bytes { a in
            b.withUTF8Bytes { b in
                String(unsafeUninitializedCapacity: a.count + 1 + b.count) { buffer in
                    _ = buffer.initialize(fromContentsOf: a)
                    buffer[a.count] = UInt8(ascii: "/")
                    _ = UnsafeMutableBufferPointer(rebasing: buffer[(a.count + 1)...]).initialize(fromContentsOf: b)
                    return a.count + 1 + b.count
                }
            }
        }
    }

    /// `path.Join(a, b)`.
    /// - Parameter baseIsClean: `isClean(base)`, when the caller joins many elements to one base and knows it.
    static func join(_ base: String, _ element: String, baseIsClean: Bool? = nil) -> String {
        if element.isEmpty { return base.isEmpty ? "" : clean(base) }
        // `.` is clean but vanishes in a join (`path.Join(".", "a")` is `a`): the general case handles it.
        if !base.isEmpty, base != ".", baseIsClean ?? isClean(base) {
            if isPlainElement(element) {
                return base == "/" ? "/" + element : joinedWithSlash(base, element)
            }
            // A whole clean path as one element, as the file store's flat keys are (`"/test/apache-8001": …`
            // under the root): joining only drops the doubled slash, so `clean` need not split and rebuild it.
            if element.utf8.count > 1, element.utf8.first == UInt8(ascii: "/"), isClean(element) {
                return base == "/" ? element : base + element
            }
        }
        return clean(base.isEmpty ? element : base + "/" + element)
    }
}
