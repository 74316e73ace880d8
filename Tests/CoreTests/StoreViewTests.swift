import Testing

@testable import Core
@testable import GoTemplate

@Test func storeViewSortsKeysInByteOrder() {
    let view = StoreView(["/b": "2", "/a": "1", "/B": "3"])
    #expect(view.pairs.map(\.key) == ["/B", "/a", "/b"])
    #expect(view.value(for: "/a") == "1")
}
