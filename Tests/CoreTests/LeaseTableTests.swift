import Foundation
import Testing

@testable import Core

/// The file store's lease arithmetic on a fixed clock, so the edges are exact and never depend on machine load.
@Suite struct LeaseTableTests {
    let start = Date(timeIntervalSince1970: 1_000_000)

    @Test func aLeaseLivesItsTTLAndARenewalRestartsIt() {
        var table = LeaseTable()
        let lease = table.grant(ttl: 2, now: start)
        table.attach("/test/a", to: lease)
        #expect(table.secondsLeft(lease, now: start) == 2)
        #expect(table.secondsLeft(lease, now: start + 0.5) == 2)
        #expect(table.expiredKeys(now: start + 1.9).isEmpty)
        #expect(table.renew(lease, now: start + 1.9) == 2)
        #expect(table.expiredKeys(now: start + 3.8).isEmpty)
        #expect(table.expiredKeys(now: start + 3.9) == ["/test/a"])
        #expect(table.renew(lease, now: start + 3.9) == nil)
        #expect(table.collect(now: start + 3.9) == ["/test/a"])
        #expect(table.entries.isEmpty)
    }

    @Test func aKeyBelongsToOneLeaseAtATime() {
        var table = LeaseTable()
        let first = table.grant(ttl: 5, now: start)
        let second = table.grant(ttl: 50, now: start)
        table.attach("/test/a", to: first)
        table.attach("/test/a", to: second)
        #expect(table.lease(of: "/test/a") == second)
        #expect(table.collect(now: start + 10).isEmpty)
        #expect(table.revoke(second) == ["/test/a"])
    }

    @Test func theNextExpiryIsTheEarliest() {
        var table = LeaseTable()
        _ = table.grant(ttl: 30, now: start)
        _ = table.grant(ttl: 3, now: start)
        #expect(table.nextExpiry() == start + 3)
    }
}
