extension StoreURL {
    /// Opens the store this URL names, for reading.
    public func openStore() throws -> any KeyValueStore {
        if case .env = self { return EnvStore() }
        return try openWritable()
    }

    /// Opens the store this URL names, for writing (registering backends). `env:` cannot be written.
    public func openWritable() throws -> any WritableKeyValueStore {
        switch self {
        case .file(let path):
            return FileStore(paths: [path])
        case .env:
            throw StoreURLError(url: description, reason: "the environment cannot be written; use etcd:// or file:")
        case .etcd(let endpoints, let tls, let user, let password):
            if tls {
                throw StoreURLError(url: description, reason: "etcds:// (TLS) is not supported yet; use etcd://")
            }
            return EtcdStore(endpoints: endpoints.map { "http://\($0)" }, user: user, password: password)
        }
    }
}
