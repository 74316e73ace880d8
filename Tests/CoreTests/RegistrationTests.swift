import Foundation
import Logging
import Testing

@testable import Core
@testable import GoText

/// A writable store that records the lease calls a registration makes, with the virtual time of each.
private final class LeaseLog: WritableKeyValueStore, @unchecked Sendable {
    enum Call: Equatable {
        case grant(ttl: Int)
        case put(key: String, value: String, lease: LeaseID?)
        case keepAlive(LeaseID)
        case revoke(LeaseID)
    }

    // `@unchecked Sendable`: the variables are guarded by `lock`; the stream's continuation is Sendable.
    private let lock = NSLock()
    private let clock: ManualClock
    private var nextLease: Int64 = 100
    private var keepAlivesToRefuse: Int
    private let continuation: AsyncStream<(call: Call, at: Duration)>.Continuation
    private var iterator: AsyncStream<(call: Call, at: Duration)>.Iterator

    init(clock: ManualClock, keepAlivesToRefuse: Int = 0) {
        self.clock = clock
        self.keepAlivesToRefuse = keepAlivesToRefuse
        let (stream, continuation) = AsyncStream.makeStream(of: (call: Call, at: Duration).self)
        self.continuation = continuation
        iterator = stream.makeAsyncIterator()
    }

    /// The next call the registration made, and when.
    func next() async -> (call: Call, at: Duration)? { await iterator.next() }

    private func log(_ call: Call) { continuation.yield((call, clock.elapsed)) }

    var displayName: String { "lease log" }
    func snapshot(prefixes: [String]) async throws -> StoreSnapshot { StoreSnapshot(pairs: [:], revision: 1) }
    func updates(prefixes: [String], after revision: Int64) -> AsyncThrowingStream<StoreUpdate, Error> {
        AsyncThrowingStream { $0.finish() }
    }
    func put(_ key: GoString, _ value: GoString, lease: LeaseID?) async throws {
        log(.put(key: key.lossyText, value: value.lossyText, lease: lease))
    }
    func delete(_ key: GoString) async throws {}
    func list(prefix: String) async throws -> [KeyValue] { [] }
    func grantLease(ttl: Int) async throws -> LeaseID {
        log(.grant(ttl: ttl))
        return lock.withLock {
            nextLease += 1
            return LeaseID(nextLease)
        }
    }
    func keepAlive(_ lease: LeaseID) async throws -> Int {
        log(.keepAlive(lease))
        let refuse = lock.withLock {
            defer { keepAlivesToRefuse -= 1 }
            return keepAlivesToRefuse > 0
        }
        if refuse { throw LeaseExpiredError(lease: lease) }
        return 9
    }
    func revoke(_ lease: LeaseID) async throws { log(.revoke(lease)) }
}

/// Answers queued health results, then healthy.
private final class HealthScript: @unchecked Sendable {
    // `@unchecked Sendable`: `results` is guarded by `lock`.
    private let lock = NSLock()
    private var results: [Bool]
    init(_ results: [Bool]) { self.results = results }
    func next() -> Bool { lock.withLock { results.isEmpty ? true : results.removeFirst() } }
}

@Suite(.timeLimit(.minutes(1))) struct RegistrationTests {
    private func registration(
        _ store: LeaseLog, clock: ManualClock, ttl: Int, health: HealthScript = HealthScript([])
    ) throws -> Registration {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        var registration = Registration(
            store: store, key: "/test/app", address: try BackendAddress(parsing: "127.0.0.1:8001"), ttl: ttl,
            healthInterval: .seconds(5), failureThreshold: 3, logger: logger, clock: clock.erased)
        registration.check = { health.next() }
        return registration
    }

    @Test func theLeaseIsKeptAliveEveryThirdOfItsTTLAndRevokedAtTheEnd() async throws {
        let clock = ManualClock()
        let store = LeaseLog(clock: clock)
        let registration = try registration(store, clock: clock, ttl: 9)
        let running = Task { await registration.run() }
        #expect(await store.next()! == (.grant(ttl: 9), .zero))
        #expect(await store.next()! == (.put(key: "/test/app", value: "127.0.0.1:8001", lease: LeaseID(101)), .zero))
        for second in [3, 5, 6, 9] {
            await clock.sleepers(1)
            clock.advance(to: .seconds(second))
        }
        #expect(await store.next()! == (.keepAlive(LeaseID(101)), .seconds(3)))
        #expect(await store.next()! == (.keepAlive(LeaseID(101)), .seconds(6)))
        #expect(await store.next()! == (.keepAlive(LeaseID(101)), .seconds(9)))
        await clock.sleepers(1)
        running.cancel()
        await running.value
        #expect(await store.next()! == (.revoke(LeaseID(101)), .seconds(9)))
    }

    @Test func aLeaseThatExpiredIsTakenAgainAtOnce() async throws {
        let clock = ManualClock()
        let store = LeaseLog(clock: clock, keepAlivesToRefuse: 1)
        let registration = try registration(store, clock: clock, ttl: 3)
        let running = Task { await registration.run() }
        defer { running.cancel() }
        #expect(await store.next()! == (.grant(ttl: 3), .zero))
        #expect(await store.next()!.call == .put(key: "/test/app", value: "127.0.0.1:8001", lease: LeaseID(101)))
        await clock.sleepers(1)
        clock.advance(to: .seconds(1))
        #expect(await store.next()! == (.keepAlive(LeaseID(101)), .seconds(1)))
        #expect(await store.next()! == (.grant(ttl: 3), .seconds(1)))
        #expect(
            await store.next()! == (.put(key: "/test/app", value: "127.0.0.1:8001", lease: LeaseID(102)), .seconds(1)))
    }

    @Test func failedChecksRemoveTheKeyAtTheThresholdAndAPassingOneRestoresIt() async throws {
        let clock = ManualClock()
        let store = LeaseLog(clock: clock)
        let health = HealthScript([true, false, false, false, true])
        let registration = try registration(store, clock: clock, ttl: 60, health: health)
        let running = Task { await registration.run() }
        defer { running.cancel() }
        #expect(await store.next()! == (.grant(ttl: 60), .zero))
        _ = await store.next()
        for second in [5, 10, 15, 20] {
            await clock.sleepers(1)
            clock.advance(to: .seconds(second))
        }
        // Checks at 5 s and 10 s fail; the third failure, at 15 s, revokes; the pass at 20 s registers again.
        #expect(await store.next()! == (.revoke(LeaseID(101)), .seconds(15)))
        #expect(await store.next()! == (.grant(ttl: 60), .seconds(20)))
        #expect(
            await store.next()! == (.put(key: "/test/app", value: "127.0.0.1:8001", lease: LeaseID(102)), .seconds(20)))
    }
}
