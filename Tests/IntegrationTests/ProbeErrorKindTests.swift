import Core
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The probe names what failed: servers that misbehave in one precise way each, and a real nginx answering 502.
@Suite struct ProbeErrorKindTests {
    @Test func aResetBeforeAnyAnswerByteIsResetBeforeResponse() async throws {
        let server = try ScriptedServer { connection in
            guard connection.readRequest() else { return }
            connection.reset()
        }
        defer { server.stop() }
        let report = try await Prober(url: "http://127.0.0.1:\(server.port)/", requests: 4, concurrency: 1)
            .run(registered: nil)
        // Each request was the first on its connection: nothing to retry.
        #expect(report.errorsByKind == ["reset before response": 4], "\(report.errorsByKind)")
        #expect(report.retried == 0)
    }

    @Test func aCloseInTheMiddleOfAnAnswerIsResetAfterResponseStarted() async throws {
        let server = try ScriptedServer { connection in
            guard connection.readRequest() else { return }
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nX-Handler: a:1\r\n\r\nonly part of it")
            connection.reset()
        }
        defer { server.stop() }
        let report = try await Prober(url: "http://127.0.0.1:\(server.port)/", requests: 3, concurrency: 1)
            .run(registered: nil)
        #expect(report.errorsByKind == ["reset after response started": 3], "\(report.errorsByKind)")
        #expect(report.retried == 0)
    }

    @Test func aReusedConnectionClosedBeforeTheAnswerIsRetriedOnceAndCounted() async throws {
        // Answers the first request of each connection, then closes it when the second arrives: what an nginx
        // worker does to an idle keep-alive connection at a reload, just as the client writes on it.
        let server = try ScriptedServer { connection in
            guard connection.readRequest() else { return }
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Handler: 127.0.0.1:1\r\n\r\nok")
            guard connection.readRequest() else { return }
        }
        defer { server.stop() }
        let report = try await Prober(url: "http://127.0.0.1:\(server.port)/", requests: 6, concurrency: 1)
            .run(registered: nil)
        #expect(report.errors == 0, "\(report.errorsByKind)")
        #expect(report.handlers == ["127.0.0.1:1": 6])
        // Every request after the first went out on a reused connection that closed under it: sent again once.
        #expect(report.retried == 5)
        #expect(report.text().contains("5 retried"))
    }

    @Test func aReusedConnectionResetBeforeTheAnswerIsRetriedOnceAndNotAlsoCountedAsFailed() async throws {
        // The same, but the server resets the connection once the second request arrived (what an old nginx worker
        // does when it closes an idle connection holding an unread request): the probe reads ECONNRESET, and NIO
        // then reports the close as well. One retry per lost request, no failure.
        let server = try ScriptedServer { connection in
            guard connection.readRequest() else { return }
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Handler: 127.0.0.1:1\r\n\r\nok")
            guard connection.readRequest() else { return }
            connection.reset()
        }
        defer { server.stop() }
        let report = try await Prober(url: "http://127.0.0.1:\(server.port)/", requests: 6, concurrency: 1)
            .run(registered: nil)
        #expect(report.errors == 0, "\(report.errorsByKind) \(report.failures)")
        #expect(report.handlers == ["127.0.0.1:1": 6])
        #expect(report.retried == 5)
        #expect(report.retries.count == 5)
        #expect(report.retries.allSatisfy { $0.requestOnConnection == 2 && !$0.secondAttempt && $0.localPort != nil })
        #expect(report.retries.first?.detail.contains("reset") == true, "\(report.retries)")
    }

    @Test func aRetryThatFailsAgainIsAFailureWithItsConnectionFacts() async throws {
        // The first connection answers its first request and resets on the second; every later connection resets
        // on its first request. The second request is retried once on a fresh connection, fails there, and is
        // counted as a failure: never retried twice, never hidden.
        let connections = ConnectionCounter()
        let server = try ScriptedServer { connection in
            guard connection.readRequest() else { return }
            if connections.next() == 1 {
                connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Handler: 127.0.0.1:1\r\n\r\nok")
                guard connection.readRequest() else { return }
            }
            connection.reset()
        }
        defer { server.stop() }
        let report = try await Prober(url: "http://127.0.0.1:\(server.port)/", requests: 2, concurrency: 1)
            .run(registered: nil)
        #expect(report.handlers == ["127.0.0.1:1": 1])
        #expect(report.retried == 1)
        #expect(report.errorsByKind == ["reset before response": 1], "\(report.errorsByKind)")
        let failure = try #require(report.failures.first)
        #expect(failure.secondAttempt && failure.requestOnConnection == 1, "\(failure)")
        #expect(report.json().contains("\"second_attempt\":true"), "\(report.json())")
    }

    @Test func aRefusedPortIsConnectRefused() async throws {
        let closed = try LoopbackSocket(listening: false)
        defer { closed.close() }
        let report = try await Prober(url: "http://127.0.0.1:\(closed.port)/", requests: 3, concurrency: 1)
            .run(registered: nil)
        #expect(report.errorsByKind == ["connect refused": 3])
    }

    @Test func nginxWithADeadUpstreamIsStatus502AndTheTimelineCountsIt() async throws {
        guard FaultSupport.require(DemoIntegrationTests.nginxInstalled, "nginx is missing") else { return }
        let dead = try LoopbackSocket(listening: false)
        defer { dead.close() }
        let listen = try LoopbackSocket(listening: false)
        let port = listen.port
        listen.close()
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("sb502-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        let nginx = NginxInstance(prefix: prefix)
        try nginx.prepareDirectories()
        let temps = NginxInstance.tempNames.map { "\($0)_temp_path \(prefix)/temp/\($0);" }
        let config = """
            pid \(prefix)/nginx.pid;
            error_log \(prefix)/logs/error.log crit;
            worker_processes 1;
            events { worker_connections 64; }
            http {
                access_log off;
                \(temps.joined(separator: "\n    "))
                upstream backend { server 127.0.0.1:\(dead.port); }
                server {
                    listen 127.0.0.1:\(port);
                    location / { proxy_pass http://backend; add_header X-Handler $upstream_addr always; }
                }
            }

            """
        try config.write(toFile: nginx.configPath, atomically: true, encoding: .utf8)
        try await nginx.start()
        do {
            let report = try await Prober(url: "http://127.0.0.1:\(port)/", requests: 5, concurrency: 1)
                .run(registered: ["127.0.0.1:\(dead.port)"])
            #expect(report.errorsByKind == ["status 502": 5], "\(report.errorsByKind)")
            #expect(report.missing == ["127.0.0.1:\(dead.port)"])
            #expect(report.timeline.map { $0.errors["status 502", default: 0] }.reduce(0, +) == 5)
            #expect(report.json().contains("\"errors_by_kind\":{\"status 502\":5}"), "\(report.json())")
        } catch {
            await nginx.stop()
            throw error
        }
        await nginx.stop()
    }
}

/// Counts the connections a `ScriptedServer` script has seen (the script runs on the server's one thread).
final class ConnectionCounter: @unchecked Sendable {
    private var count = 0
    func next() -> Int {
        count += 1
        return count
    }
}

/// A TCP server on 127.0.0.1 that runs `script` for each connection, one connection at a time, on a thread of its
/// own: for answers no real server gives on purpose (a reset, half an answer).
final class ScriptedServer: @unchecked Sendable {
    // @unchecked: `listener` is written once in init; the thread only reads it.
    let port: Int
    private let listener: LoopbackSocket

    /// One accepted connection, with blocking reads and writes.
    struct Connection {
        let descriptor: Int32

        /// Reads up to the end of a request head; false when the client closed first.
        func readRequest() -> Bool {
            var seen: [UInt8] = []
            var byte: UInt8 = 0
            while Glibc.read(descriptor, &byte, 1) == 1 {
                seen.append(byte)
                if seen.count >= 4, seen.suffix(4) == [13, 10, 13, 10] { return true }
            }
            return false
        }

        func write(_ text: String) {
            let bytes = Array(text.utf8)
            _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        }

        /// Closes with a TCP reset (SO_LINGER 0) instead of a FIN.
        func reset() {
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            _ = setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        }
    }

    init(script: @escaping @Sendable (Connection) -> Void) throws {
        listener = try LoopbackSocket(listening: true)
        port = listener.port
        let descriptor = listener.descriptor
        let thread = Thread {
            while true {
                let client = accept(descriptor, nil, nil)
                guard client >= 0 else { return }
                script(Connection(descriptor: client))
                Glibc.close(client)
            }
        }
        thread.start()
    }

    func stop() {
        shutdown(listener.descriptor, Int32(SHUT_RDWR))
        listener.close()
    }
}
