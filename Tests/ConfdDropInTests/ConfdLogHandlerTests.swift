import Foundation
import Testing

@testable import ConfdDropIn

@Suite struct ConfdLogHandlerTests {
    /// The C library's timestamp is the one `Date.formatted(.iso8601)` printed before it.
    @Test(arguments: [0, 59, 951_782_399, 951_868_800, 1_704_067_199, 1_800_000_000, 4_102_444_800, 253_402_300_799])
    func timestampsPrintAsISO8601InUTC(seconds: Int) {
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        #expect(ConfdLogHandler.timestamp(seconds) == date.formatted(.iso8601))
    }

    @Test func aKnownInstant() {
        #expect(ConfdLogHandler.timestamp(1_764_046_363) == "2025-11-25T04:52:43Z")
    }
}
