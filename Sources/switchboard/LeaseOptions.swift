import ArgumentParser
import Core

/// The lease and health-check flags `register` and `hello --register` share, with their checks.
struct LeaseOptions: ParsableArguments {
    @Option(help: "Lease TTL in seconds.") var ttl: Int = 10
    @Option(help: "Seconds between health checks.") var healthInterval: Double = 5
    @Option(help: "Failed checks in a row before the key is removed.") var healthFailures: Int = 3

    func validate() throws {
        guard ttl >= 1 else { throw ValidationError("--ttl must be at least 1 second") }
        guard healthInterval > 0 else { throw ValidationError("--health-interval must be above 0") }
        guard healthFailures >= 1 else { throw ValidationError("--health-failures must be at least 1") }
    }

    /// Refuses a key that is not an absolute store path.
    static func validate(key: String) throws {
        do {
            _ = try StoreKey(validating: key)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func registration(
        store: any WritableKeyValueStore, key: String, address: BackendAddress, healthURL: String?
    ) -> Registration {
        Registration(
            store: store, key: key, address: address, ttl: ttl, healthURL: healthURL,
            healthInterval: .milliseconds(Int64(healthInterval * 1000)), failureThreshold: healthFailures)
    }
}
