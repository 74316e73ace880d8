import Foundation
import Logging
import Testing

@testable import Core

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Observability")
struct ObservabilityUnitTests {
    static let time = Date(timeIntervalSince1970: 1_764_050_400)

    static func apply(_ result: ApplyResult, check: Double = 0.01, reload: Double = 0, revision: Int64 = 7)
        -> EngineEvent
    {
        var record = ApplyRecord(
            id: 1, time: time, resource: "nginx.toml", dest: "/etc/nginx/nginx.conf", trigger: .startup,
            result: result, renderSeconds: 0.001, checkSeconds: check, reloadSeconds: reload)
        record.revision = revision
        return .applied(record, renderedBytes: 1234)
    }

    static func value(_ exposition: String, _ series: String) -> Double? {
        exposition.split(separator: "\n").first { $0.hasPrefix(series + " ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func eventsBecomeCountersGaugesAndHistograms() {
        let metrics = EngineMetrics()
        let events: [EngineEvent] = [
            .storeConnection(.connected),
            Self.apply(.applied, reload: 0.02),
            .storeChanges(count: 3, revision: 9),
            .changeCoalesced(resource: "nginx.toml"),
            Self.apply(.checkFailed),
            Self.apply(.reloadFailedRolledBack, reload: 0.05),
            .rejected(resource: "nginx.toml", key: "/test/x", value: "nope"),
            .storeConnection(.unreachable("refused")),
            .storeConnection(.connected),
        ]
        for event in events { metrics.observe(EngineEventRecord(time: Self.time, event: event)) }
        let text = metrics.exposition()
        let resource = #"resource="nginx.toml""#
        #expect(Self.value(text, #"switchboard_applies_total{\#(resource),result="applied"}"#) == 1)
        #expect(Self.value(text, #"switchboard_applies_total{\#(resource),result="check_failed"}"#) == 1)
        #expect(Self.value(text, #"switchboard_applies_total{\#(resource),result="rolled_back"}"#) == 1)
        #expect(Self.value(text, #"switchboard_applies_total{\#(resource),result="unchanged"}"#) == 0)
        #expect(Self.value(text, #"switchboard_check_duration_seconds_count{\#(resource)}"#) == 3)
        #expect(Self.value(text, #"switchboard_reload_duration_seconds_count{\#(resource)}"#) == 2)
        #expect(Self.value(text, "switchboard_watch_events_total") == 3)
        #expect(Self.value(text, #"switchboard_coalesced_changes_total{\#(resource)}"#) == 1)
        #expect(Self.value(text, #"switchboard_rejected_values_total{\#(resource)}"#) == 1)
        #expect(Self.value(text, "switchboard_store_losses_total") == 1)
        #expect(Self.value(text, "switchboard_store_reconnects_total") == 1)
        #expect(Self.value(text, "switchboard_store_connected") == 1)
        #expect(Self.value(text, #"switchboard_applied_revision{\#(resource)}"#) == 7)
        #expect(Self.value(text, #"switchboard_rendered_bytes{\#(resource)}"#) == 1234)
        #expect(
            Self.value(text, #"switchboard_last_successful_apply_timestamp_seconds{\#(resource)}"#)
                == Self.time.timeIntervalSince1970)
        #expect(text.contains("# HELP switchboard_applies_total "))
        #expect(text.contains("# TYPE switchboard_check_duration_seconds histogram"))
    }

    @Test func aFirstConnectionAfterAnUnreachableStartIsNoReconnect() {
        let metrics = EngineMetrics()
        for state in [StoreConnectionState.unreachable("refused"), .connected] {
            metrics.observe(EngineEventRecord(time: Self.time, event: .storeConnection(state)))
        }
        let text = metrics.exposition()
        #expect(Self.value(text, "switchboard_store_reconnects_total") == 0)
        #expect(Self.value(text, "switchboard_store_losses_total") == 0)
    }

    @Test func listenAddressesParseAndBadOnesAreNamed() throws {
        #expect(try ObservabilityServer.parse("127.0.0.1:9100") == ("127.0.0.1", 9100))
        #expect(try ObservabilityServer.parse("[::1]:9100") == ("::1", 9100))
        #expect(try ObservabilityServer.parse(":9100") == ("0.0.0.0", 9100))
        #expect(throws: ObservabilityServerError.self) { try ObservabilityServer.parse("localhost") }
        #expect(throws: ObservabilityServerError.self) { try ObservabilityServer.parse("h:99999") }
    }

    @Test func notifierSendsOneDatagramToAnAbstractSocket() throws {
        let name = "switchboard-test-\(UUID().uuidString.prefix(8))"
        let receiver = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(receiver) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = [0] + Array(name.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(receiver, $0, length) }
        }
        try #require(bound == 0)
        let notifier = try SystemdNotifier(socketName: "@" + name)
        try notifier.send(["READY=1", "STATUS=ok"])
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = recv(receiver, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        #expect(count > 0)
        #expect(String(decoding: buffer.prefix(max(0, count)), as: UTF8.self) == "READY=1\nSTATUS=ok")
        #expect(throws: SystemdNotifyError.self) { try SystemdNotifier(socketName: "relative/path") }
    }
}
