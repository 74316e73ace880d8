import Testing

@testable import Core
@testable import GoText

/// The one rule for keys we are asked to write.
@Suite struct StoreKeyTests {
    @Test func absolutePathsWithoutSpacesOrControlCharactersAreKeys() throws {
        #expect(try StoreKey(validating: "/test/apache-8001").bytes == GoString("/test/apache-8001"))
        #expect(try StoreKey(validating: "/test/café").text == "/test/café")
    }

    @Test(arguments: ["test/a", "/", "", "/test/a b", "/test/a\tb", "/test/a\nb", "/test/a\u{7}", "/test/\u{A0}x"])
    func everythingElseIsRefusedWithTheKeyNamed(_ text: String) {
        let error = #expect(throws: KeyError.self) { try StoreKey(validating: text) }
        #expect(error?.code == .invalidKey)
        #expect(error.map { "\($0)" }?.contains(String(reflecting: text)) == true)
    }
}
