import Foundation

/// What watches a running engine from outside: metrics, health and readiness, and systemd's notifications, all fed
/// by the engine's events (`EngineConfiguration.onEvent = observation.observe`) and by snapshots asked for at scrape
/// time.
package final class EngineObservation: @unchecked Sendable {
    /// A plain-text HTTP answer.
    package struct Answer: Sendable, Equatable {
        package var status: Int
        package var body: String
    }

    package let metrics: EngineMetrics
    /// `nil` unless the process runs under systemd with `Type=notify`.
    package let notifier: SystemdNotifier?
    /// How long the engine may take to answer before `/healthz` calls it unresponsive.
    package let responsiveBound: Duration

    private let lock = NSLock()
    private var engine: Engine?
    private var resources: [String] = []
    private var succeeded: Set<String> = []
    private var connection: StoreConnectionState = .connecting
    private var revision: Int64 = 0
    private var lastApply = ""
    private var sentReady = false
    private var onNotifyError: (@Sendable (String) -> Void)?

    package init(
        metrics: EngineMetrics = EngineMetrics(), notifier: SystemdNotifier? = nil,
        responsiveBound: Duration = .seconds(2), onNotifyError: (@Sendable (String) -> Void)? = nil
    ) {
        self.metrics = metrics
        self.notifier = notifier
        self.responsiveBound = responsiveBound
        self.onNotifyError = onNotifyError
    }

    /// Names the engine and the resources it applies; readiness waits for each of them.
    package func attach(_ engine: Engine, resources: [String]) {
        lock.withLock {
            self.engine = engine
            self.resources = resources
        }
    }

    /// `observe` as the engine's `EngineConfiguration.onEvent`.
    package var eventHandler: @Sendable (EngineEventRecord) -> Void {
        { [self] record in observe(record) }
    }

    /// Takes one engine event (the engine's `onEvent`).
    package func observe(_ record: EngineEventRecord) {
        metrics.observe(record)
        var notification: [String] = []
        lock.withLock {
            switch record.event {
            case .storeConnection(let state):
                connection = state
                if sentReady { notification = ["STATUS=\(statusLine())"] }
            case .storeChanges(_, let newRevision), .storeResync(let newRevision):
                revision = max(revision, newRevision)
            case .applyStarted(let resource, _):
                if sentReady {
                    notification = [
                        "RELOADING=1", "MONOTONIC_USEC=\(SystemdNotifier.monotonicMicroseconds())",
                        "STATUS=applying \(resource)",
                    ]
                }
            case .applied(let apply, _):
                if apply.result.isSuccess { succeeded.insert(apply.resource) }
                revision = max(revision, apply.revision)
                lastApply = "\(apply.resource) \(apply.result) at \(Self.clock(apply.time))"
                if sentReady {
                    notification = ["READY=1", "STATUS=\(statusLine())"]
                } else if pendingResources().isEmpty, connection == .connected {
                    sentReady = true
                    notification = ["READY=1", "STATUS=\(statusLine())"]
                }
            default:
                break
            }
        }
        if !notification.isEmpty { notify(notification) }
    }

    /// Sends `STOPPING=1` (on shutdown).
    package func stopping() {
        notify(["STOPPING=1", "STATUS=stopping"])
    }

    /// Sends `WATCHDOG=1` at the interval systemd asked for, each time after the engine answered: a stuck engine
    /// stops the pings and systemd restarts the service. Returns at once when the watchdog is off.
    package func runWatchdog() async {
        guard let interval = notifier?.watchdogInterval else { return }
        while !Task.isCancelled {
            if await snapshot() != nil { notify(["WATCHDOG=1"]) }
            try? await Task.sleep(for: interval)
        }
    }

    // MARK: HTTP answers

    /// `/healthz`: 200 while the engine answers within `responsiveBound`.
    package func health() async -> Answer {
        guard lock.withLock({ engine }) != nil else { return Answer(status: 503, body: "engine not started\n") }
        guard await snapshot() != nil else {
            return Answer(status: 503, body: "engine did not answer within \(responsiveBound)\n")
        }
        return Answer(status: 200, body: "ok\n")
    }

    /// `/readyz`: 200 once the store is connected and every resource has been applied successfully at least once.
    package func readiness() async -> Answer {
        guard let snapshot = await snapshot() else {
            return Answer(status: 503, body: "engine not started or not answering\n")
        }
        if snapshot.connection != .connected {
            return Answer(status: 503, body: "store \(snapshot.store) \(snapshot.connection)\n")
        }
        let pending = lock.withLock { pendingResources() }
        if !pending.isEmpty {
            return Answer(status: 503, body: "not applied successfully yet: \(pending.joined(separator: ", "))\n")
        }
        return Answer(status: 200, body: "ready\n")
    }

    /// `/metrics`: the state gauges refreshed from a snapshot, then every metric.
    package func scrape() async -> String {
        if let snapshot = await snapshot() { metrics.refresh(from: snapshot) }
        return metrics.exposition()
    }

    /// The engine's snapshot, or `nil` when there is no engine or it did not answer within `responsiveBound`.
    package func snapshot() async -> EngineSnapshot? {
        guard let engine = lock.withLock({ engine }) else { return nil }
        return await Self.answer(within: responsiveBound) { await engine.currentSnapshot() }
    }

    // MARK: Internals

    /// Resources not yet applied successfully; called with the lock held.
    private func pendingResources() -> [String] {
        resources.filter { !succeeded.contains($0) }
    }

    /// systemd's one-line status; called with the lock held.
    private func statusLine() -> String {
        let applied = resources.count - pendingResources().count
        var line = "store \(connection), revision \(revision), \(applied)/\(resources.count) resources applied"
        if !lastApply.isEmpty { line += "; last: \(lastApply)" }
        return line.replacingOccurrences(of: "\n", with: " ")
    }

    private func notify(_ assignments: [String]) {
        guard let notifier else { return }
        do {
            try notifier.send(assignments)
        } catch {
            onNotifyError?("\(error)")
        }
    }

    private static func clock(_ date: Date) -> String {
        date.formatted(.iso8601.time(includingFractionalSeconds: false))
    }

    /// Runs `operation`, giving up after `bound` (the operation keeps running; its result is dropped).
    static func answer<T: Sendable>(
        within bound: Duration, _ operation: @escaping @Sendable () async -> T
    ) async -> T? {
        let once = ResumeOnce<T?>()
        return await withCheckedContinuation { continuation in
            once.set(continuation)
            Task { once.resume(await operation()) }
            Task {
                try? await Task.sleep(for: bound)
                once.resume(nil)
            }
        }
    }
}

/// Resumes a continuation exactly once, whichever side comes first; later values are dropped.
private final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Never>?

    /// Called before either side can resume.
    func set(_ continuation: CheckedContinuation<T, Never>) {
        lock.withLock { self.continuation = continuation }
    }

    func resume(_ value: T) {
        let pending = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        pending?.resume(returning: value)
    }
}
