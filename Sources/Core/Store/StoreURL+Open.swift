extension StoreURL {
    /// Opens the store this URL names, for reading.
    package func openStore() throws -> any KeyValueStore {
        if case .env = self { return EnvStore() }
        return try openWritable()
    }

    /// Opens the store this URL names, for writing (registering backends). `env:` cannot be written.
    package func openWritable() throws -> any WritableKeyValueStore {
        switch self {
        case .file(let path):
            return FileStore(paths: [path])
        case .env:
            throw StoreURLError(url: description, reason: "the environment cannot be written; use etcd:// or file:")
        case .etcd(let endpoints, let tls, let user, let password, let files):
            guard tls else {
                return EtcdStore(endpoints: endpoints.map { "http://\($0)" }, user: user, password: password)
            }
            let configuration: EtcdTLSConfiguration
            do {
                configuration = try files.configuration()
            } catch let error as EtcdTLSError {
                throw StoreURLError(url: description, reason: error.description)
            }
            return EtcdStore(
                endpoints: endpoints.map { "https://\($0)" }, user: user, password: password, tls: configuration)
        }
    }
}
