import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A backend that leaves on SIGTERM: its key goes first, it keeps serving through the grace, it finishes the
/// requests in flight, then exits; `--drain-timeout` bounds the whole drain; `switchboard drain` removes a key for a
/// backend that runs no registrar.
@Suite(.serialized) struct GracefulLeaveTests {
    struct Backend {
        let process: Process
        let port: Int
        let log: String
        var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
    }

    static func startHello(_ binary: String, dir: String, key: String, extra: [String]) throws -> Backend {
        let port = try { () throws -> Int in
            let socket = try LoopbackSocket(listening: false)
            defer { socket.close() }
            return socket.port
        }()
        let log = dir + "/hello-\(port).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let hello = Process()
        hello.executableURL = URL(fileURLWithPath: binary)
        hello.arguments =
            [
                "hello", "--listen", "127.0.0.1:\(port)", "--register", key, "--store", "file:\(dir)/store.yaml",
                "--ttl", "5",
            ]
            + extra
        hello.standardOutput = FileHandle(forWritingAtPath: log)
        hello.standardError = hello.standardOutput
        try hello.run()
        return Backend(process: hello, port: port, log: log)
    }

    static func keys(_ dir: String) throws -> [String] {
        let (_, output) = try RunCommandTests.run(["backends", "/test/", "--store", "file:\(dir)/store.yaml", "--json"])
        let line = output.split(separator: "\n").last.map(String.init) ?? "[]"
        let entries = (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [[String: Any]]) ?? []
        return entries.compactMap { $0["key"] as? String }
    }

    /// `curl` in the background: the status code and the body once it ends.
    static func curl(_ url: String) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "--max-time", "30", "-w", "\n%{http_code}", url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, pipe)
    }

    /// What the background `curl` printed, once it ends (read off the cooperative threads: a slow answer takes seconds).
    static func finish(_ curl: (Process, Pipe)) async -> String {
        let reader = curl.1.fileHandleForReading
        let data = await offPool { reader.readDataToEndOfFile() }
        await curl.0.exited()
        return String(decoding: data, as: UTF8.self)
    }

    static func setUp() throws -> (String, String)? {
        let curlInstalled = FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")
        guard FaultSupport.require(curlInstalled && DemoIntegrationTests.binary != nil, "curl or switchboard missing"),
            let binary = DemoIntegrationTests.binary
        else { return nil }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sbleave-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return (binary, dir)
    }

    @Test func sigtermRemovesTheKeyFirstServesThroughTheGraceAndFinishesInFlightRequests() async throws {
        guard let (binary, dir) = try Self.setUp() else { return }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hello = try Self.startHello(binary, dir: dir, key: "/test/leaving", extra: ["--drain-grace", "3s"])
        defer { if hello.process.isRunning { kill(hello.process.processIdentifier, SIGKILL) } }
        try #require(
            try await DemoIntegrationTests.eventually(20) { try Self.keys(dir) == ["/test/leaving"] }, "\(hello.output)"
        )

        // A request in flight that outlasts the grace.
        let slow = try Self.curl("http://127.0.0.1:\(hello.port)/?delay=4500")
        try await Task.sleep(for: .milliseconds(300))
        kill(hello.process.processIdentifier, SIGTERM)

        // Step 1: the key goes first, while the backend still serves new connections (the grace).
        #expect(try await DemoIntegrationTests.eventually(2.5) { try Self.keys(dir).isEmpty }, "\(hello.output)")
        #expect(hello.process.isRunning)
        let during = try await Self.finish(Self.curl("http://127.0.0.1:\(hello.port)/"))
        #expect(during.hasSuffix("\n200") && during.contains("Hello world!"), "\(during)")
        #expect(hello.process.isRunning, "\(hello.output)")

        // Step 2 and 3: after the grace it stops accepting, answers the request in flight, then exits 0.
        let answered = await Self.finish(slow)
        #expect(answered.hasSuffix("\n200") && answered.contains("Hello world!"), "\(answered)")
        await hello.process.exited()
        #expect(hello.process.terminationStatus == 0, "\(hello.output)")
        let log = hello.output
        let order = [
            "key removed", "waiting a fixed 3.0 s grace", "no longer accepting connections",
            "requests in flight finished", "drained /test/leaving",
        ]
        let positions = order.map { log.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "\(log)")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "\(log)")
        #expect(log.contains("no engine publishes acknowledgements under /_switchboard/applied/"), "\(log)")
    }

    @Test func theDrainTimeoutBoundsARequestThatNeverEnds() async throws {
        guard let (binary, dir) = try Self.setUp() else { return }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hello = try Self.startHello(
            binary, dir: dir, key: "/test/stuck", extra: ["--drain-grace", "200ms", "--drain-timeout", "1s"])
        defer { if hello.process.isRunning { kill(hello.process.processIdentifier, SIGKILL) } }
        try #require(
            try await DemoIntegrationTests.eventually(20) { try Self.keys(dir) == ["/test/stuck"] }, "\(hello.output)")
        let slow = try Self.curl("http://127.0.0.1:\(hello.port)/?delay=20000")
        try await Task.sleep(for: .milliseconds(300))
        kill(hello.process.processIdentifier, SIGTERM)
        // It exits long before the request would have been answered.
        #expect(await DemoIntegrationTests.eventually(10) { !hello.process.isRunning }, "\(hello.output)")
        let cut = await Self.finish(slow)
        #expect(!cut.contains("Hello world!"), "\(cut)")
        #expect(hello.output.contains("drain timeout reached with requests still in flight"), "\(hello.output)")
        #expect(try Self.keys(dir).isEmpty)
    }

    @Test func drainRemovesAKeyWaitsTheGraceAndReports() async throws {
        guard let (binary, dir) = try Self.setUp() else { return }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hello = try Self.startHello(binary, dir: dir, key: "/test/other", extra: [])
        defer {
            kill(hello.process.processIdentifier, SIGKILL)
            hello.process.waitUntilExit()
        }
        try #require(
            try await DemoIntegrationTests.eventually(20) { try Self.keys(dir) == ["/test/other"] }, "\(hello.output)")
        let (status, output) = try RunCommandTests.run([
            "drain", "/test/other", "--store", "file:\(dir)/store.yaml", "--drain-grace", "300ms",
        ])
        #expect(status == 0, "\(output)")
        #expect(output.contains("/test/other drained: 127.0.0.1:\(hello.port)"), "\(output)")
        #expect(output.contains("waiting a fixed 300 ms grace"), "\(output)")
        #expect(try Self.keys(dir).isEmpty)
        // `drain` only takes the key out; the backend itself keeps running until its owner stops it.
        #expect(hello.process.isRunning)

        let (missingStatus, missing) = try RunCommandTests.run([
            "drain", "/test/other", "--store", "file:\(dir)/store.yaml",
        ])
        #expect(missingStatus == 1)
        #expect(missing.contains("/test/other is not registered"), "\(missing)")
    }

    @Test func aSecondSignalStopsTheLeaveAtOnce() async throws {
        guard let (binary, dir) = try Self.setUp() else { return }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hello = try Self.startHello(binary, dir: dir, key: "/test/impatient", extra: ["--drain-grace", "30s"])
        defer { if hello.process.isRunning { kill(hello.process.processIdentifier, SIGKILL) } }
        try #require(
            try await DemoIntegrationTests.eventually(20) { try Self.keys(dir) == ["/test/impatient"] },
            "\(hello.output)")
        kill(hello.process.processIdentifier, SIGTERM)
        // The first signal began the leave: the key is gone and the backend waits out its 30 s grace.
        try #require(try await DemoIntegrationTests.eventually(5) { try Self.keys(dir).isEmpty }, "\(hello.output)")
        try #require(hello.process.isRunning, "\(hello.output)")
        kill(hello.process.processIdentifier, SIGTERM)
        #expect(await DemoIntegrationTests.eventually(5) { !hello.process.isRunning }, "\(hello.output)")
        await hello.process.exited()
        #expect(hello.process.terminationStatus == 1, "\(hello.output)")
        #expect(hello.output.contains("second signal: stopping without finishing the drain"), "\(hello.output)")
    }

    @Test func aSignalStopsTheDrainCommandWithoutFinishingIt() async throws {
        guard let (binary, dir) = try Self.setUp() else { return }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hello = try Self.startHello(binary, dir: dir, key: "/test/interrupted", extra: [])
        defer {
            kill(hello.process.processIdentifier, SIGKILL)
            hello.process.waitUntilExit()
        }
        try #require(
            try await DemoIntegrationTests.eventually(20) { try Self.keys(dir) == ["/test/interrupted"] },
            "\(hello.output)"
        )
        let log = dir + "/drain.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let drain = Process()
        drain.executableURL = URL(fileURLWithPath: binary)
        drain.arguments = ["drain", "/test/interrupted", "--store", "file:\(dir)/store.yaml", "--drain-grace", "30s"]
        drain.standardOutput = FileHandle(forWritingAtPath: log)
        drain.standardError = drain.standardOutput
        try drain.run()
        defer { if drain.isRunning { kill(drain.processIdentifier, SIGKILL) } }
        let output = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        try #require(try await DemoIntegrationTests.eventually(5) { try Self.keys(dir).isEmpty }, "\(output())")
        try #require(drain.isRunning, "\(output())")
        kill(drain.processIdentifier, SIGINT)
        #expect(await DemoIntegrationTests.eventually(5) { !drain.isRunning }, "\(output())")
        await drain.exited()
        #expect(drain.terminationStatus == 1, "\(output())")
        #expect(output().contains("signal: stopping without finishing the drain"), "\(output())")
        #expect(!output().contains("drained:"), "\(output())")
    }
}
