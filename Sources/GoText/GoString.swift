import Foundation

/// A Go string: a sequence of bytes, not necessarily UTF-8, compared, hashed and ordered byte by byte.
///
/// Store keys and values are this type, from the store to the rendered file. Swift's `String` compares and hashes
/// by canonical equivalence (`caf\u{E9}` equals `cafe\u{301}`) and cannot hold bytes that are not UTF-8; etcd and
/// confd hold both as distinct, exact bytes. `String` appears only where text is shown to a person, through
/// `description` (which escapes what a terminal would hide or merge).
public struct GoString: Sendable, Hashable, Comparable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The bytes, exactly as stored.
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public init(_ bytes: some Sequence<UInt8>) { self.bytes = Array(bytes) }

    /// The UTF-8 bytes of `text`, unchanged (Swift keeps a string's bytes as they were written; only its
    /// comparisons normalise).
    public init(_ text: String) { bytes = Array(text.utf8) }

    public init(_ text: Substring) { bytes = Array(text.utf8) }

    public init(stringLiteral value: String) { bytes = Array(value.utf8) }

    public init(stringInterpolation: DefaultStringInterpolation) {
        self.init(String(stringInterpolation: stringInterpolation))
    }

    /// The empty string.
    public static let empty = GoString([UInt8]())

    public var count: Int { bytes.count }
    public var isEmpty: Bool { bytes.isEmpty }

    /// The bytes as Swift text when they are valid UTF-8, else `nil`.
    public var utf8Text: String? {
        bytes.withUnsafeBufferPointer { buffer in
            String(validating: buffer, as: UTF8.self)
        }
    }

    /// The bytes as Swift text, each invalid byte replaced by U+FFFD (for inputs that only need to be read as text,
    /// such as a number or a file name).
    public var lossyText: String { String(decoding: bytes, as: UTF8.self) }

    /// The bytes for a person: printable text as it is; invalid UTF-8, control characters, combining marks (so that
    /// `cafe\u{301}` never looks like `caf\u{E9}`) and backslashes escaped (`caf\xe9`, `cafe\u{301}`, `a\\b`).
    public var description: String { GoString.escaped(bytes) }

    public static func == (a: GoString, b: GoString) -> Bool {
        a.bytes.withUnsafeBufferPointer { x in
            b.bytes.withUnsafeBufferPointer { y in
                x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
            }
        }
    }

    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        hasher.combine(bytes.count)
    }

    /// Go's `<` on strings: byte order, a prefix first.
    public static func < (a: GoString, b: GoString) -> Bool {
        a.bytes.withUnsafeBufferPointer { x in
            b.bytes.withUnsafeBufferPointer { y in GoString.less(x, y) }
        }
    }

    /// Byte order of two buffers, a prefix first.
    @inlinable @inline(__always)
    package static func less(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = min(x.count, y.count)
        if common > 0 {
            let order = memcmp(x.baseAddress!, y.baseAddress!, common)
            if order != 0 { return order < 0 }
        }
        return x.count < y.count
    }

    /// True when the bytes start with `prefix`'s bytes.
    public func hasPrefix(_ prefix: GoString) -> Bool {
        bytes.withUnsafeBufferPointer { x in
            prefix.bytes.withUnsafeBufferPointer { p in
                p.count <= x.count && (p.count == 0 || memcmp(x.baseAddress!, p.baseAddress!, p.count) == 0)
            }
        }
    }

    /// True when the bytes start with `prefix`'s UTF-8 bytes.
    public func hasPrefix(_ prefix: String) -> Bool { bytes.starts(with: prefix.utf8) }

    /// The bytes from `offset` on.
    public func dropFirst(_ offset: Int) -> GoString { GoString(Array(bytes[min(offset, bytes.count)...])) }

    public static func + (a: GoString, b: GoString) -> GoString { GoString(a.bytes + b.bytes) }

    public static func += (a: inout GoString, b: GoString) { a.bytes += b.bytes }

    /// `count` copies of `string`.
    public init(repeating string: GoString, count: Int) {
        bytes = []
        bytes.reserveCapacity(string.count * max(0, count))
        for _ in 0..<max(0, count) { bytes += string.bytes }
    }

    /// How many runes Go counts in the bytes (`utf8.RuneCountInString`: a byte that is not UTF-8 is one).
    public var runeCount: Int {
        var count = 0
        var index = 0
        while index < bytes.count {
            index += bytes[index] < 0x80 ? 1 : GoString.decodeRune(bytes, at: index).1
            count += 1
        }
        return count
    }

    /// Go's `for _, r := range s`: each rune with its byte offset, a byte that is not UTF-8 as U+FFFD.
    public var runes: [(offset: Int, rune: Unicode.Scalar, width: Int)] {
        var result: [(offset: Int, rune: Unicode.Scalar, width: Int)] = []
        var index = 0
        while index < bytes.count {
            let (scalar, width) = GoString.decodeRune(bytes, at: index)
            result.append((index, scalar ?? "\u{FFFD}", width))
            index += width
        }
        return result
    }

    /// Appends `scalar` in UTF-8.
    public mutating func append(_ scalar: Unicode.Scalar) { GoString.appendUTF8(scalar, to: &bytes) }

    package static func appendUTF8(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
        let value = scalar.value
        if value < 0x80 {
            bytes.append(UInt8(value))
        } else if value < 0x800 {
            bytes += [UInt8(0xC0 | value >> 6), UInt8(0x80 | value & 0x3F)]
        } else if value < 0x10000 {
            bytes += [UInt8(0xE0 | value >> 12), UInt8(0x80 | value >> 6 & 0x3F), UInt8(0x80 | value & 0x3F)]
        } else {
            bytes += [
                UInt8(0xF0 | value >> 18), UInt8(0x80 | value >> 12 & 0x3F), UInt8(0x80 | value >> 6 & 0x3F),
                UInt8(0x80 | value & 0x3F),
            ]
        }
    }

    /// The bytes in standard base64 (`key_base64` in JSON, where the text alone could not carry them).
    public var base64: String { Data(bytes).base64EncodedString() }

    /// Escapes `bytes` for a person (see `description`).
    static func escaped(_ bytes: [UInt8]) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out = ""
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let (scalar, width) = GoString.decodeRune(bytes, at: index)
            defer { index += width }
            guard let scalar else {
                out +=
                    "\\x" + String(decoding: [hex[Int(bytes[index] >> 4)], hex[Int(bytes[index] & 15)]], as: UTF8.self)
                continue
            }
            if scalar == "\\" {
                out += "\\\\"
            } else if scalar.value < 0x20 || scalar.value == 0x7f {
                out +=
                    "\\x" + String(decoding: [hex[Int(scalar.value >> 4)], hex[Int(scalar.value & 15)]], as: UTF8.self)
            } else if scalar.value >= 0x80, !GoString.isShownAsItself(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isShownAsItself(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .control, .format, .surrogate, .privateUse, .unassigned,
            .lineSeparator, .paragraphSeparator:
            return false
        default:
            return true
        }
    }

    /// Go's `utf8.DecodeRune` at `index`: the scalar and its width, or `nil` and width 1 for a byte that does not
    /// start a valid UTF-8 sequence (Go's `RuneError` case).
    package static func decodeRune(
        _ bytes: some RandomAccessCollection<UInt8>, at index: Int
    ) -> (Unicode.Scalar?, Int) {
        let start = bytes.index(bytes.startIndex, offsetBy: index)
        let b0 = bytes[start]
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        let remaining = bytes.count - index
        func byte(_ i: Int) -> UInt8 { bytes[bytes.index(start, offsetBy: i)] }
        func isContinuation(_ b: UInt8) -> Bool { b & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF:
            guard remaining >= 2, isContinuation(byte(1)) else { return (nil, 1) }
            return (Unicode.Scalar(UInt32(b0 & 0x1F) << 6 | UInt32(byte(1) & 0x3F)), 2)
        case 0xE0...0xEF:
            guard remaining >= 3 else { return (nil, 1) }
            let b1 = byte(1)
            let low: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80
            let high: UInt8 = b0 == 0xED ? 0x9F : 0xBF
            guard b1 >= low, b1 <= high, isContinuation(byte(2)) else { return (nil, 1) }
            let value = UInt32(b0 & 0x0F) << 12 | UInt32(b1 & 0x3F) << 6 | UInt32(byte(2) & 0x3F)
            return (Unicode.Scalar(value), 3)
        case 0xF0...0xF4:
            guard remaining >= 4 else { return (nil, 1) }
            let b1 = byte(1)
            let low: UInt8 = b0 == 0xF0 ? 0x90 : 0x80
            let high: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
            guard b1 >= low, b1 <= high, isContinuation(byte(2)), isContinuation(byte(3)) else { return (nil, 1) }
            let value =
                UInt32(b0 & 0x07) << 18 | UInt32(b1 & 0x3F) << 12 | UInt32(byte(2) & 0x3F) << 6
                | UInt32(byte(3) & 0x3F)
            return (Unicode.Scalar(value), 4)
        default:
            return (nil, 1)
        }
    }
}

/// Something whose bytes can be read in place: a `GoString`, or a Swift `String` as its UTF-8.
package protocol GoBytes {
    func withGoBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result
}

extension GoString: GoBytes {
    @inlinable @inline(__always)
    package func withGoBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try bytes.withUnsafeBufferPointer(body)
    }
}

extension String: GoBytes {
    @inlinable @inline(__always)
    package func withGoBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try withUTF8Bytes(body)
    }
}

extension Array where Element == GoString {
    /// The strings one after another with `separator` between them (Go's `strings.Join`).
    public func joined(separator: GoString) -> GoString {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(reduce(0) { $0 + $1.count } + Swift.max(0, count - 1) * separator.count)
        for (index, element) in enumerated() {
            if index > 0 { bytes += separator.bytes }
            bytes += element.bytes
        }
        return GoString(bytes)
    }
}
