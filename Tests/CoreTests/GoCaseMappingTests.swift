import Foundation
import Testing

@testable import Core
@testable import GoTemplate
@testable import GoText

/// `toUpper`, `toLower` and `base64Decode` as Go 1.19 gives them (expected values printed by Go's own
/// `strings.ToUpper`/`ToLower` with `%q`).
@Suite struct GoCaseMappingTests {
    static func render(_ source: String, _ pairs: [GoString: GoString] = [:]) throws -> [UInt8] {
        try Template(source: source, name: "t").render(StoreView(pairs))
    }

    @Test(arguments: [
        ("İstanbul", "İSTANBUL", "istanbul"),
        ("ß", "ß", "ß"),
        ("ǅ", "Ǆ", "ǆ"),
        ("ﬁ", "ﬁ", "ﬁ"),
        ("ΣΑΣ", "ΣΑΣ", "σασ"),
        ("ꞵ", "Ꞵ", "ꞵ"),
        ("Ω", "Ω", "ω"),
        ("K", "K", "k"),
        ("ı", "I", "ı"),
        ("ÿ", "Ÿ", "ÿ"),
        ("ꭰ", "Ꭰ", "ꭰ"),
        ("ᾈ", "ᾈ", "ᾀ"),
        ("ς", "Σ", "ς"),
    ])
    func caseMappingIsGosRuneByRune(text: String, upper: String, lower: String) throws {
        let store: [GoString: GoString] = ["/t": GoString(text)]
        #expect(try Self.render("{{toUpper (getv \"/t\")}}", store) == Array(upper.utf8))
        #expect(try Self.render("{{toLower (getv \"/t\")}}", store) == Array(lower.utf8))
    }

    @Test func bytesThatAreNotUTF8BecomeReplacementCharactersAsInGo() throws {
        let store: [GoString: GoString] = ["/t": GoString(Array("caf".utf8) + [0xE9])]
        #expect(try Self.render("{{toUpper (getv \"/t\")}}", store) == Array("CAF\u{FFFD}".utf8))
        #expect(try Self.render("{{toLower (getv \"/t\")}}", store) == Array("caf\u{FFFD}".utf8))
        // ASCII only: mapped in place.
        #expect(try Self.render("{{toUpper \"a-z\"}}") == Array("A-Z".utf8))
    }

    @Test func base64DecodeReturnsTheExactBytes() throws {
        #expect(try Self.render("{{base64Decode \"Y2Fm6Q==\"}}") == Array("caf".utf8) + [0xE9])
        #expect(try Self.render("{{base64Encode (base64Decode \"/+7d\")}}") == Array("/+7d".utf8))
        #expect(try Self.render("{{len (base64Decode \"/+7d\")}}") == Array("3".utf8))
    }

    @Test func theTableMapsAsUnicodeDoesForASample() {
        #expect(GoCaseTable.map(0x61, GoCaseTable.upper) == 0x41)
        #expect(GoCaseTable.map(0x130, GoCaseTable.lower) == 0x69)
        #expect(GoCaseTable.map(0xDF, GoCaseTable.upper) == 0xDF)
        #expect(GoCaseTable.map(0x101, GoCaseTable.upper) == 0x100)
        #expect(GoCaseTable.map(0x100, GoCaseTable.upper) == 0x100)
        #expect(GoCaseTable.map(0x10FFFF, GoCaseTable.upper) == 0x10FFFF)
        #expect(GoCaseTable.map(0, GoCaseTable.lower) == 0)
    }
}
