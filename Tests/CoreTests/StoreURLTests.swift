import Testing

@testable import Core

@Suite struct StoreURLTests {
    @Test func parsesEtcdMembers() throws {
        let url = try StoreURL.parse("etcd://127.0.0.1:2379,h2:2380")
        #expect(url == .etcd(endpoints: ["127.0.0.1:2379", "h2:2380"], tls: false, user: nil, password: nil))
    }

    @Test func parsesTLSAndCredentialsAndHidesThePassword() throws {
        let url = try StoreURL.parse("etcds://root:s3cret@10.0.0.1:2379")
        #expect(url == .etcd(endpoints: ["10.0.0.1:2379"], tls: true, user: "root", password: "s3cret"))
        #expect(url.description == "etcds://root:***@10.0.0.1:2379")
    }

    @Test func parsesFileAndEnv() throws {
        #expect(try StoreURL.parse("file:switchboard-demo/store.yaml") == .file(path: "switchboard-demo/store.yaml"))
        #expect(try StoreURL.parse("env:") == .env)
    }

    @Test func badMemberIsNamed() {
        #expect {
            try StoreURL.parse("etcd://127.0.0.1:2379,nohost")
        } throws: { error in
            "\(error)".contains("\"nohost\"")
        }
    }

    @Test func badSchemeIsNamedAndPasswordNotRepeated() {
        #expect {
            try StoreURL.parse("consul://u:pw@h:1")
        } throws: { error in
            "\(error)".contains("scheme") && !"\(error)".contains("pw@")
        }
    }

    @Test func etcdStoreDisplayNameHasNoPassword() throws {
        let store = try StoreURL.parse("etcd://u:topsecret@127.0.0.1:2379").openWritable()
        #expect(store.displayName == "etcd://u@127.0.0.1:2379")
    }
}
