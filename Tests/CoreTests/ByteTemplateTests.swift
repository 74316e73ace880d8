import Foundation
import Testing

@testable import Core
@testable import GoTemplate
@testable import GoText

/// Templates over bytes, as Go's text/template renders them (each expected output printed by Go 1.19 itself).
@Suite struct ByteTemplateTests {
    static let store: [GoString: GoString] = [
        "/latin": GoString(Array("caf".utf8) + [0xE9]),
        "/nfc": GoString(Array("caf".utf8) + [0xC3, 0xA9]),
        "/nfd": GoString(Array("cafe".utf8) + [0xCC, 0x81]),
    ]

    static func render(_ source: [UInt8]) throws -> [UInt8] {
        try Template(source: source, name: "t").render(StoreView(store))
    }

    static func bytes(_ parts: Any...) -> [UInt8] {
        parts.flatMap { part -> [UInt8] in
            if let text = part as? String { return Array(text.utf8) }
            if let numbers = part as? [Int] { return numbers.map { UInt8($0) } }
            return part as? [UInt8] ?? []
        }
    }

    @Test func aLatin1ValueStaysBytesAndIsMeasuredInBytes() throws {
        let source =
            #"{{getv "/latin"}}|{{len (getv "/latin")}}|{{printf "%q" (getv "/latin")}}|"#
            + #"{{printf "%x" (getv "/latin")}}|{{printf "%.3s" (getv "/latin")}}|{{printf "%5s" (getv "/latin")}}"#
        #expect(
            try Self.render(Array(source.utf8))
                == Self.bytes("caf", [0xE9], "|4|\"caf\\xe9\"|636166e9|caf| caf", [0xE9]))
    }

    @Test func literalsDecodeAsGoUnquotes() throws {
        let source =
            #"{{"\xe9"}}|{{len "\xe9"}}|{{"\u00e9"}}|{{len "\351"}}|{{printf "%c" 233}}|"#
            + #"{{printf "%q" "\xff\u00e9"}}|{{'\xe9'}}"#
        #expect(
            try Self.render(Array(source.utf8))
                == Self.bytes([0xE9], "|1|", [0xC3, 0xA9], "|1|", [0xC3, 0xA9], "|\"\\xff", [0xC3, 0xA9], "\"|233"))
    }

    @Test func comparisonSlicingAndEscapersWorkOnBytes() throws {
        let source =
            #"{{eq (getv "/nfc") (getv "/nfd")}}|{{lt (getv "/nfd") (getv "/nfc")}}|"#
            + #"{{slice (getv "/nfd") 3 5}}|{{index (getv "/latin") 3}}|{{html (getv "/latin")}}|"#
            + #"{{js (getv "/latin")}}|{{urlquery (getv "/latin")}}"#
        #expect(
            try Self.render(Array(source.utf8))
                == Self.bytes("false|true|e", [0xCC], "|233|caf", [0xE9], "|caf", [0xE9], "|caf%E9"))
    }

    @Test func templateTextIsCopiedByteForByteAndBadVerbsPadAsGoDoes() throws {
        let source = Self.bytes("raw ", [0xE9], #" text {{printf "%5s|%-4d|%#q" 5 "x" "a\u0085"}}"#)
        #expect(
            try Self.render(source)
                == Self.bytes("raw ", [0xE9], " text %!s(int=    5)|%!d(string=x   )|`a", [0xC2, 0x85], "`"))
    }
}
