import Core
import Testing

@testable import TUI

@Suite struct AddFormKeyTests {
    @Test(arguments: [
        ("/test/apache-9100", "/test/apache-9100"),
        ("/test//test/apache-9100", "/test/apache-9100"),
        ("/test/test/apache-9100", "/test/apache-9100"),
        ("/test/apache-9100 ", "/test/apache-9100"),
    ])
    func aWholeKeyTypedAfterThePrefixMeansThatKey(typed: String, expected: String) {
        var form = AddForm(key: typed, field: .key)
        form.address = "127.0.0.1:9100"
        #expect(form.validated(prefix: "/test/") == .success(.add(key: expected, address: "127.0.0.1:9100")))
    }

    @Test func aKeyOutsideThePrefixIsRefused() {
        var form = AddForm(key: "/other/x", field: .key)
        form.address = "127.0.0.1:9100"
        guard case .failure = form.validated(prefix: "/test/") else {
            Issue.record("expected a refusal")
            return
        }
    }
}
