import Core
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The probe against things that do not answer as nginx does: a port nobody listens on, a server that accepts and
/// never answers, and a keep-alive server without `X-Handler`.
@Suite struct ProbeCommandTests {
    @Test func aRefusedPortIsFiveConnectErrorsAtOnceWithAClearMessage() async throws {
        guard DemoIntegrationTests.binary != nil else {
            Issue.record("the switchboard binary is not built")
            return
        }
        // Bound but not listening: connects are refused, and no one else can take the port meanwhile.
        let closed = try LoopbackSocket(listening: false)
        defer { closed.close() }
        let url = "http://127.0.0.1:\(closed.port)/"

        let (status, text) = try RunCommandTests.run(["probe", url, "-n", "5"])
        #expect(status == 1, "\(text)")
        #expect(text.contains("5 requests to \(url), 5 errors"), "\(text)")
        #expect(text.contains("error connect refused: 5 (127.0.0.1:\(closed.port): connection refused)"), "\(text)")
        #expect(text.contains("probe: no answer from \(url)"), "\(text)")

        let (jsonStatus, output) = try RunCommandTests.run(["probe", url, "-n", "5", "--json"])
        #expect(jsonStatus == 1)
        let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("{") }, "\(output)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["requests"] as? Int == 5)
        #expect(object["errors"] as? Int == 5)
        #expect(object["handlers"] as? [String: Int] == [:])
    }

    @Test func aRefusedPortInProcessCountsEveryRequestAsConnect() async throws {
        let closed = try LoopbackSocket(listening: false)
        defer { closed.close() }
        let report = try await Prober(url: "http://127.0.0.1:\(closed.port)/", requests: 50, concurrency: 4)
            .run(registered: ["127.0.0.1:\(closed.port)"])
        #expect(report.requests == 50)
        #expect(report.errorsByKind == ["connect refused": 50])
        #expect(report.errorDetails["connect refused"] == "127.0.0.1:\(closed.port): connection refused")
        #expect(report.missing == ["127.0.0.1:\(closed.port)"])
    }

    @Test func aServerThatNeverAnswersIsATimeoutAndTheProbeReturns() async throws {
        // Listening but never accepting: the kernel completes the connect, nobody ever reads the request.
        let silent = try LoopbackSocket(listening: true)
        defer { silent.close() }
        var prober = Prober(url: "http://127.0.0.1:\(silent.port)/", requests: 3, concurrency: 1)
        prober.timeout = .milliseconds(300)
        let report = try await prober.run(registered: nil)
        #expect(report.requests == 3)
        #expect(report.errorsByKind == ["timeout": 3])
    }

    @Test func everyAnswerOnKeepAliveConnectionsIsCountedOnce() async throws {
        let server = try await HelloServer.start(host: "127.0.0.1", port: 0)
        let report: ProbeReport
        do {
            report = try await Prober(url: "http://\(server.address)/hello?x=1", requests: 203, concurrency: 3)
                .run(registered: nil)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        #expect(report.requests == 203)
        // The hello server does not set X-Handler (nginx does): every answer arrived, none carried a handler.
        #expect(report.errorsByKind == ["no X-Handler": 203])
        #expect(report.latency.max > 0)
    }

    @Test func aURLThatIsNotPlainHTTPIsRefusedInWords() async throws {
        await #expect(throws: ProbeError.self) {
            try await Prober(url: "https://127.0.0.1/", requests: 1, concurrency: 1).run(registered: nil)
        }
        await #expect(throws: ProbeError.self) {
            try await Prober(url: "not a url", requests: 1, concurrency: 1).run(registered: nil)
        }
    }
}

/// A TCP socket on 127.0.0.1 with a port the system picked.
final class LoopbackSocket {
    let descriptor: Int32
    let port: Int

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// - Parameter listening: `true` listens (connections complete into the backlog, never accepted); `false`
    ///   only binds, so connections to the port are refused.
    init(listening: Bool) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            Glibc.close(fd)
            throw Failure(description: "bind: errno \(errno)")
        }
        if listening, listen(fd, 16) != 0 {
            Glibc.close(fd)
            throw Failure(description: "listen: errno \(errno)")
        }
        var actual = sockaddr_in()
        var actualLength = length
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualLength) }
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: actual.sin_port))
    }

    func close() {
        Glibc.close(descriptor)
    }
}
