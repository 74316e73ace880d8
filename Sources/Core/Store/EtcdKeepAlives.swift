import EtcdAPI

/// The renewals of every lease one store keeps alive, over a single keep-alive stream to etcd rather than a stream
/// per renewal (etcd's own client works the same way): a renewal is one message on the stream, and etcd answers each
/// lease's renewals in order.
///
/// The stream opens with the first renewal and again after it ends. A renewal with no answer within `timeout` fails
/// and closes the stream, so that the next one opens it afresh (the store then prefers another member).
actor EtcdKeepAlives {
    /// Runs one keep-alive stream: sends what `requests` yields and hands every answer to `answer`, until the stream
    /// ends or fails.
    typealias Stream =
        @Sendable (
            _ requests: AsyncStream<EtcdPB_LeaseKeepAliveRequest>,
            _ answer: @escaping @Sendable (EtcdPB_LeaseKeepAliveResponse) async -> Void
        ) async throws -> Void

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Int64, Error>
        let deadline: Task<Void, Never>
    }

    private let timeout: Duration
    private var requests: AsyncStream<EtcdPB_LeaseKeepAliveRequest>.Continuation?
    private var running: Task<Void, Never>?
    /// Which stream is the current one, so that a stream that ended late cannot fail its successor's renewals.
    private var generation = 0
    private var waiting: [Int64: [Waiter]] = [:]
    private var nextWaiter = 0

    init(timeout: Duration) { self.timeout = timeout }

    /// Sends one renewal of `lease` and waits for etcd's answer: the TTL the lease now has, 0 or less when it had
    /// expired. `stream` opens a stream when none is open.
    func renew(_ lease: Int64, stream: @escaping Stream) async throws -> Int64 {
        let requests = openIfNeeded(stream)
        let id = nextWaiter
        nextWaiter += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let deadline = Task { [timeout] in
                    do { try await Task.sleep(for: timeout) } catch { return }
                    self.timedOut(lease, id)
                }
                waiting[lease, default: []].append(Waiter(id: id, continuation: continuation, deadline: deadline))
                requests.yield(.with { $0.id = lease })
            }
        } onCancel: {
            Task { await self.fail(lease, id, with: CancellationError()) }
        }
    }

    /// Ends the stream and fails the renewals waiting on it.
    func close(failing error: Error = CancellationError()) {
        generation += 1
        requests?.finish()
        requests = nil
        running?.cancel()
        running = nil
        let all = waiting.values.joined()
        waiting = [:]
        for waiter in all {
            waiter.deadline.cancel()
            waiter.continuation.resume(throwing: error)
        }
    }

    private func openIfNeeded(_ stream: @escaping Stream) -> AsyncStream<EtcdPB_LeaseKeepAliveRequest>.Continuation {
        if let requests { return requests }
        let (outbound, continuation) = AsyncStream.makeStream(of: EtcdPB_LeaseKeepAliveRequest.self)
        requests = continuation
        let generation = self.generation
        running = Task {
            let failure: Error
            do {
                try await stream(outbound) { answer in await self.answered(answer) }
                failure = EtcdKeepAliveEnded()
            } catch {
                failure = error
            }
            self.ended(generation, failure)
        }
        return continuation
    }

    private func answered(_ answer: EtcdPB_LeaseKeepAliveResponse) {
        guard var queue = waiting[answer.id], !queue.isEmpty else { return }
        let waiter = queue.removeFirst()
        waiting[answer.id] = queue.isEmpty ? nil : queue
        waiter.deadline.cancel()
        waiter.continuation.resume(returning: answer.ttl)
    }

    private func ended(_ generation: Int, _ failure: Error) {
        guard generation == self.generation else { return }
        close(failing: failure)
    }

    private func timedOut(_ lease: Int64, _ id: Int) {
        guard waiting[lease]?.contains(where: { $0.id == id }) == true else { return }
        close(failing: EtcdKeepAliveTimedOut(after: timeout))
    }

    private func fail(_ lease: Int64, _ id: Int, with error: Error) {
        guard var queue = waiting[lease], let index = queue.firstIndex(where: { $0.id == id }) else { return }
        let waiter = queue.remove(at: index)
        waiting[lease] = queue.isEmpty ? nil : queue
        waiter.deadline.cancel()
        waiter.continuation.resume(throwing: error)
    }
}

/// The keep-alive stream ended without an error while renewals were waiting on it.
struct EtcdKeepAliveEnded: Error, CustomStringConvertible {
    var description: String { "the keep-alive stream ended" }
}

/// etcd did not answer a renewal in time.
struct EtcdKeepAliveTimedOut: Error, CustomStringConvertible {
    var after: Duration
    var description: String { "no answer to the lease renewal within \(after)" }
}
