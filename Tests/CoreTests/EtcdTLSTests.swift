import Testing

@testable import Core

/// The TLS options of `etcds://` URLs, the files behind them, and what never shows in an error or a name.
@Suite struct EtcdTLSTests {
    @Test func etcdsTakesCertKeyAndCAOptions() throws {
        let url = try StoreURL.parse("etcds://root:pw@10.0.0.1:2379,h2:2379?cert=/c.pem&key=/k%20x.pem&ca=/ca.pem")
        let files = EtcdTLSFiles(certificate: "/c.pem", key: "/k x.pem", ca: "/ca.pem")
        #expect(
            url
                == .etcd(
                    endpoints: ["10.0.0.1:2379", "h2:2379"], tls: true, user: "root", password: "pw", tlsFiles: files))
        #expect(url.description == "etcds://root:***@10.0.0.1:2379,h2:2379?cert=/c.pem&key=/k x.pem&ca=/ca.pem")
    }

    @Test func optionsOnPlainEtcdUnknownOptionsAndEmptyPathsAreRefused() {
        #expect { try StoreURL.parse("etcd://h:2379?ca=/ca.pem") } throws: { "\($0)".contains("use etcds://") }
        #expect { try StoreURL.parse("etcds://h:2379?cafile=/ca.pem") } throws: { "\($0)".contains("\"cafile\"") }
        #expect { try StoreURL.parse("etcds://u:secret@h:2379?key=") } throws: { error in
            "\(error)".contains("key needs a file path") && !"\(error)".contains("secret")
        }
    }

    @Test func aMissingFileOrAHalfPairIsNamed() {
        #expect { try EtcdTLSFiles(ca: "/nonexistent/ca.pem").configuration() } throws: {
            "\($0)" == "/nonexistent/ca.pem: CA file: no such file"
        }
        #expect { try EtcdTLSFiles(certificate: "/c.pem").configuration() } throws: {
            "\($0)".hasPrefix("/c.pem: a client certificate needs its private key")
        }
        #expect { try StoreURL.parse("etcds://h:2379?cert=/nonexistent/c.pem&key=/k.pem").openStore() } throws: {
            "\($0)".contains("/nonexistent/c.pem: client certificate: no such file")
        }
    }

    @Test func namesAndErrorsNeverCarryAPassword() {
        #expect(
            EtcdStore.displayName(endpoints: ["https://a:1", "https://b:2"], user: "root") == "etcds://root@a:1,b:2")
        #expect(EtcdStore.displayName(endpoints: ["http://root:pw@a:1"], user: nil) == "etcd://a:1")
        let error = EtcdError(endpoint: "http://root:pw@a:1", call: "authenticate", reason: "denied")
        #expect(error.description == "etcd http://root:***@a:1 authenticate: denied")
    }
}
