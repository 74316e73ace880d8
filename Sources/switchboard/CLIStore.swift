import ArgumentParser
import Core
import Foundation

/// Opens the writable store named by a `--store` URL for the hello/probe/demo commands.
enum CLIStore {
    static func open(_ url: String?) throws -> any WritableKeyValueStore {
        try StoreURL.parse(CLIStore.url(url)).openWritable()
    }

    /// `--store`, else `SWITCHBOARD_STORE`, else the demo's store when run beside a demo directory.
    static func url(_ given: String?) throws -> String {
        let text =
            given ?? ProcessInfo.processInfo.environment["SWITCHBOARD_STORE"]
            ?? (FileManager.default.fileExists(atPath: "switchboard-demo/store.yaml")
                ? "file:switchboard-demo/store.yaml" : nil)
        guard let text else {
            throw ValidationError(
                "no store given: pass --store (etcd://HOST:PORT or file:PATH) or set SWITCHBOARD_STORE")
        }
        return text
    }
}

/// Waits for SIGINT or SIGTERM.
enum CLISignals {
    static func wait() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = Once(continuation)
            for number in [SIGINT, SIGTERM] {
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { once.resume() }
                source.resume()
                Once.keep(source)
            }
        }
    }

    private final class Once: @unchecked Sendable {
        nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Void, Never>?
        init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }
        static func keep(_ source: any DispatchSourceSignal) { sources.append(source) }
        func resume() {
            let c = lock.withLock { () -> CheckedContinuation<Void, Never>? in
                defer { continuation = nil }
                return continuation
            }
            c?.resume()
        }
    }
}
