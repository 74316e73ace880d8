import AsyncHTTPClient
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What the observability tests share: plain HTTP GETs, a `switchboard` child with its own environment, a private
/// Prometheus, and a datagram socket standing in for systemd's notify socket.
enum ObservabilitySupport {
    /// GET `url`; the status and body, or `nil` when nothing answers.
    static func get(_ url: String) async -> (status: Int, body: String)? {
        let request = HTTPClientRequest(url: url)
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(3)),
            let body = try? await response.body.collect(upTo: 8 << 20)
        else { return nil }
        return (Int(response.status.code), String(buffer: body))
    }

    /// Polls `condition` every 100 ms for up to `seconds`; true once it held.
    static func eventually(_ seconds: Double, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return await condition()
    }

    /// Starts `switchboard ARGS` with `environment` added, stdout and stderr appended to `log`.
    static func start(_ arguments: [String], log: String, environment: [String: String] = [:]) throws -> Process {
        guard let binary = DemoIntegrationTests.binary else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "switchboard binary not built"])
        }
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try handle.close()
        return process
    }

    /// The value of the series of `name` whose labels include `labels`, from a text exposition.
    static func value(in exposition: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
        for line in exposition.split(separator: "\n") where line.hasPrefix(name) && !line.hasPrefix("#") {
            let series = line.prefix { $0 != " " }
            guard series == name || series.hasPrefix(name + "{") else { continue }
            guard labels.allSatisfy({ series.contains("\($0.key)=\"\($0.value)\"") }) else { continue }
            return Double(line.split(separator: " ").last ?? "")
        }
        return nil
    }
}

/// A private Prometheus (Debian's `prometheus`) scraping one target every second.
final class PrometheusProcess: @unchecked Sendable {
    static let binary = "/usr/bin/prometheus"
    static let promtool = "/usr/bin/promtool"
    let port = EtcdProcess.freePort()
    let directory = NSTemporaryDirectory() + "prometheus-" + UUID().uuidString
    private var process: Process?

    static func available() -> Bool {
        FaultSupport.require(
            FileManager.default.isExecutableFile(atPath: binary)
                && FileManager.default.isExecutableFile(atPath: promtool),
            "prometheus and promtool are not installed (apt-get install prometheus)")
    }

    func start(scraping target: String) throws {
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        let config = """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: switchboard
                static_configs:
                  - targets: ['\(target)']

            """
        try config.write(toFile: directory + "/prometheus.yml", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = [
            "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(directory)/data",
            "--web.listen-address=127.0.0.1:\(port)",
        ]
        let log = FileManager.default.createFile(atPath: directory + "/log", contents: nil)
        _ = log
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/log"))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        self.process = process
    }

    /// Waits until Prometheus answers `/-/ready`; throws with its own log when it exits or never gets ready, so a
    /// failed start says why instead of every query coming back empty.
    func waitUntilReady() async throws {
        for _ in 0..<300 {
            if let process, !process.isRunning { break }
            if let answer = await ObservabilitySupport.get("http://127.0.0.1:\(port)/-/ready"), answer.status == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let log = (try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? ""
        throw PrometheusStartError(description: "prometheus on 127.0.0.1:\(port) did not get ready:\n\(log)")
    }

    /// The value of an instant query with one series, or `nil`.
    func query(_ promql: String) async -> Double? {
        var components = URLComponents(string: "http://127.0.0.1:\(port)/api/v1/query")!
        components.queryItems = [URLQueryItem(name: "query", value: promql)]
        guard let answer = await ObservabilitySupport.get(components.url!.absoluteString), answer.status == 200,
            let json = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
            let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]],
            let first = result.first, let value = first["value"] as? [Any], let text = value.last as? String
        else { return nil }
        return Double(text)
    }

    /// Whether Prometheus accepts `promql` (the query API answers `"status":"success"`).
    func accepts(_ promql: String) async -> Bool {
        var components = URLComponents(string: "http://127.0.0.1:\(port)/api/v1/query")!
        components.queryItems = [URLQueryItem(name: "query", value: promql)]
        guard let answer = await ObservabilitySupport.get(components.url!.absoluteString) else { return false }
        return answer.status == 200 && answer.body.contains(#""status":"success""#)
    }

    func stop() {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// A datagram socket at a private path, as systemd's `NOTIFY_SOCKET`.
final class NotifySocket: @unchecked Sendable {
    let path = NSTemporaryDirectory() + "notify-" + UUID().uuidString.prefix(8)
    private let descriptor: Int32

    init() throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in path.utf8.enumerated() { bytes[index] = byte }
        }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard status == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// The next datagram, or `nil` when none came within `timeout` seconds.
    func receive(timeout: Double) -> String? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return String(decoding: buffer.prefix(count), as: UTF8.self)
    }

    deinit {
        close(descriptor)
        unlink(path)
    }
}

struct PrometheusStartError: Error, CustomStringConvertible {
    var description: String
}
