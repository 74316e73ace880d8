import EtcdAPI
import Foundation
import GRPCCore
import Synchronization

extension EtcdStore {
    package func updates(prefixes: [String], after revision: Int64) -> AsyncThrowingStream<StoreUpdate, Error> {
        let (stream, continuation) = AsyncThrowingStream<StoreUpdate, Error>.makeStream()
        let task = Task { [self] in
            await watchLoop(prefixes: prefixes, after: revision, continuation: continuation)
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// How one watch stream ended.
    enum WatchOutcome: Sendable {
        /// A watch was compacted away: the state was read again at this revision and sent as a resync.
        case resynced(Int64)
        /// The stream ended for this reason; watch again from where each watch got to.
        case ended(String)
    }

    /// Watches until cancelled: one stream per connection, reconnecting with backoff on another member when the
    /// stream fails, each prefix resuming after the last revision it delivered.
    private func watchLoop(
        prefixes: [String], after revision: Int64, continuation: AsyncThrowingStream<StoreUpdate, Error>.Continuation
    ) async {
        let watched = EtcdBytes.prefixes(prefixes)
        let progress = EtcdWatchProgress(count: watched.count, next: revision + 1)
        var failures = 0
        let state = EtcdConnectionReporter(continuation)
        while !Task.isCancelled {
            let endpoint = await session.preferred(of: endpoints)
            do {
                let member = try members.member(endpoint)
                let outcome = try await authenticated(member, call: "watch") { metadata in
                    try await watchOnce(
                        member, metadata: metadata, prefixes: watched, progress: progress,
                        onConnected: { state.report(.connected) }, continuation: continuation)
                }
                failures = 0
                switch outcome {
                case .resynced(let resyncRevision):
                    progress.reset(next: resyncRevision + 1)
                    continue
                case .ended(let reason):
                    state.report(.unreachable("the watch on \(StoreURLError.redacted(endpoint)) ended: \(reason)"))
                }
            } catch is CancellationError {
                return
            } catch let error as EtcdError {
                if Task.isCancelled { return }
                state.report(.unreachable("cannot watch: \(error)"))
            } catch {
                if Task.isCancelled { return }
                state.report(.unreachable("cannot watch \(StoreURLError.redacted(endpoint)): \(error)"))
            }
            await session.demote(endpoint, of: endpoints)
            failures += 1
            do { try await Task.sleep(for: Backoff.standard.delay(afterFailures: failures)) } catch { return }
        }
    }

    /// One watch stream with a watch per prefix, until it fails, ends, or a watch is compacted away.
    private func watchOnce(
        _ member: EtcdMember, metadata: Metadata, prefixes: [[UInt8]], progress: EtcdWatchProgress,
        onConnected: @escaping @Sendable () -> Void,
        continuation: AsyncThrowingStream<StoreUpdate, Error>.Continuation
    ) async throws -> WatchOutcome {
        let creates = prefixes.enumerated().map { index, prefix in
            var create = EtcdPB_WatchCreateRequest()
            create.key = Data(EtcdBytes.rangeStart(forPrefix: prefix))
            create.rangeEnd = Data(EtcdBytes.rangeEnd(forPrefix: prefix))
            create.startRevision = progress.next(index)
            var request = EtcdPB_WatchRequest()
            request.createRequest = create
            return request
        }
        // The request side stays open until the answers end: closing it would end the watches.
        let (closed, close) = AsyncStream<Never>.makeStream()
        var options = CallOptions.defaults
        options.maxRequestMessageBytes = 256 << 20
        options.maxResponseMessageBytes = 256 << 20
        return try await member.watch.watch(
            metadata: metadata, options: options,
            requestProducer: { writer in
                try await writer.write(contentsOf: creates)
                for await _ in closed {}
            },
            onResponse: { [self] response in
                defer { close.finish() }
                // etcd answers creates in the order they were sent; the ids it gives them name later answers.
                var index: [Int64: Int] = [:]
                for try await answer in response.messages {
                    if answer.created {
                        index[answer.watchID] = index.count
                        if index.count == prefixes.count { onConnected() }
                    }
                    if answer.canceled {
                        guard answer.compactRevision == 0 else {
                            let snapshot = try await snapshot(of: prefixes)
                            continuation.yield(.resync(snapshot))
                            return .resynced(snapshot.revision)
                        }
                        return .ended(answer.cancelReason.isEmpty ? "etcd cancelled it" : answer.cancelReason)
                    }
                    guard !answer.events.isEmpty, let watch = index[answer.watchID] else { continue }
                    var events: [StoreEvent] = []
                    events.reserveCapacity(answer.events.count)
                    var last: Int64 = 0
                    for event in answer.events {
                        let key = EtcdBytes.key(event.kv.key)
                        last = max(last, event.kv.modRevision)
                        switch event.type {
                        case .delete: events.append(.delete(key: key))
                        default: events.append(.put(key: key, value: EtcdBytes.value(event.kv.value)))
                        }
                    }
                    progress.delivered(last, watch: watch)
                    continuation.yield(.events(events, revision: last))
                }
                return .ended("etcd closed the stream")
            })
    }
}

/// Where each watch of a stream resumes: one past the last revision it delivered.
final class EtcdWatchProgress: Sendable {
    private let nexts: Mutex<[Int64]>

    init(count: Int, next: Int64) { nexts = Mutex(Array(repeating: next, count: count)) }

    func next(_ watch: Int) -> Int64 { nexts.withLock { $0[watch] } }
    func delivered(_ revision: Int64, watch: Int) { nexts.withLock { $0[watch] = max($0[watch], revision + 1) } }
    func reset(next: Int64) { nexts.withLock { $0 = Array(repeating: next, count: $0.count) } }
}

/// Sends connection states to a store's update stream, each change once.
final class EtcdConnectionReporter: Sendable {
    private let continuation: AsyncThrowingStream<StoreUpdate, Error>.Continuation
    private let last = Mutex(StoreConnectionState.connecting)

    init(_ continuation: AsyncThrowingStream<StoreUpdate, Error>.Continuation) { self.continuation = continuation }

    func report(_ state: StoreConnectionState) {
        let changed = last.withLock { last in
            defer { last = state }
            return last != state
        }
        if changed { continuation.yield(.connection(state)) }
    }
}
