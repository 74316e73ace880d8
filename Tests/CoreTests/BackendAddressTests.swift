import Testing

@testable import Core

@Suite struct BackendAddressTests {
    @Test(arguments: [
        ("127.0.0.1:8001", "127.0.0.1", 8001),
        ("10.0.0.1:1", "10.0.0.1", 1),
        ("[::1]:80", "[::1]", 80),
        ("[2001:db8::1]:65535", "[2001:db8::1]", 65535),
        ("[::ffff:10.0.0.1]:80", "[::ffff:10.0.0.1]", 80),
        ("web-1.example.com:443", "web-1.example.com", 443),
        ("localhost:8080", "localhost", 8080),
        ("example.com.:80", "example.com", 80),
    ])
    func accepts(text: String, host: String, port: Int) throws {
        let address = try BackendAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
    }

    @Test(arguments: [
        "", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:80a", ":80",
        "256.0.0.1:80", "1.2.3:80", "::1:80", "[::1:80", "[zz::1]:80", "[1:2:3:4:5:6:7:8:9]:80",
        "10.0.0.1:80; } server { listen 81; }", "host name:80", "-bad.example:80", "a..b:80",
        "evil\n:80", "x{y}:80", "host:+80", "host:080000",
    ])
    func refuses(text: String) {
        #expect(throws: BackendAddressError.self) { try BackendAddress(parsing: text) }
    }

    @Test func errorNamesTheValue() {
        let error = #expect(throws: BackendAddressError.self) { try BackendAddress(parsing: "10.0.0.1:99999") }
        #expect(error?.description == "invalid address \"10.0.0.1:99999\": port must be a number from 1 to 65535")
    }
}
