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
