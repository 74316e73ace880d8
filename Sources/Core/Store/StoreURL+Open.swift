extension StoreURL {
    /// Opens the store the URL names. `env:` is read-only; the others can also be written.
    /// - Throws: `StoreURLError` for what this build cannot open (`etcds://` until TLS lands).
    public func open() throws -> any KeyValueStore {
        switch self {
        case .env: return EnvStore()
        default: return try openWritable()
        }
    }

    /// Opens a store that `register`, the console and the demo can write.
    public func openWritable() throws -> any WritableKeyValueStore {
        switch self {
        case .file(let path):
            return FileStore(paths: [path])
        case .etcd(let endpoints, let tls, let user, let password):
            guard !tls else { throw StoreURLError(url: description, reason: "etcds:// (TLS) is not supported yet") }
            return EtcdStore(endpoints: endpoints.map { "http://" + $0 }, user: user, password: password)
        case .env:
            throw StoreURLError(url: "env:", reason: "the environment cannot be written")
        }
    }
}
