import Foundation
import Testing

@testable import Core

@Suite struct ProbeTallyTests {
    @Test func nearestRankPercentiles() {
        let values = (1...100).map(Double.init)
        let summary = ProbeTally.latency(values.shuffled())
        #expect(summary == LatencySummary(p50: 50, p90: 90, p99: 99, max: 100))
        #expect(ProbeTally.latency([]) == LatencySummary(p50: 0, p90: 0, p99: 0, max: 0))
        #expect(ProbeTally.latency([7]) == LatencySummary(p50: 7, p90: 7, p99: 7, max: 7))
    }

    @Test func talliesHandlersAndErrorsByKind() {
        let samples = [
            ProbeSample(.answered(status: 200, handler: "127.0.0.1:8001"), milliseconds: 1),
            ProbeSample(.answered(status: 200, handler: "127.0.0.1:8001"), milliseconds: 1),
            ProbeSample(.answered(status: 200, handler: "127.0.0.1:8002"), milliseconds: 1),
            ProbeSample(.answered(status: 502, handler: "127.0.0.1:8003"), milliseconds: 1),
            ProbeSample(.answered(status: 200, handler: nil), milliseconds: 1),
            ProbeSample(.failed(kind: "connect"), milliseconds: 1),
        ]
        let report = ProbeTally.report(url: "http://x/", samples: samples, registered: nil)
        #expect(report.requests == 6)
        #expect(report.errors == 3)
        #expect(report.handlers == ["127.0.0.1:8001": 2, "127.0.0.1:8002": 1])
        #expect(report.errorsByKind == ["status 502": 1, "no X-Handler": 1, "connect": 1])
        #expect(abs(report.share(of: "127.0.0.1:8001") - 2.0 / 3.0) < 1e-9)
        #expect(report.missing.isEmpty && report.unexpected.isEmpty)
    }

    @Test func comparesWithRegistry() {
        let samples = [
            ProbeSample(.answered(status: 200, handler: "127.0.0.1:8001"), milliseconds: 1),
            ProbeSample(.answered(status: 200, handler: "127.0.0.1:9999, 127.0.0.1:8002"), milliseconds: 1),
        ]
        let report = ProbeTally.report(
            url: "http://x/", samples: samples, registered: ["127.0.0.1:8001", "127.0.0.1:8002", "127.0.0.1:8003"])
        #expect(report.missing == ["127.0.0.1:8003"])
        #expect(report.unexpected == ["127.0.0.1:9999"])
        #expect(ProbeTally.addresses(in: "a:1 : b:2, c:3") == ["a:1", "b:2", "c:3"])
    }

    @Test func aBackendNginxOnlyFailedOverFromIsMissing() {
        // 8003 refused the connection and nginx retried on 8001: 8003 never answered.
        let samples = [
            ProbeSample(.answered(status: 200, handler: "127.0.0.1:8001"), milliseconds: 1),
            ProbeSample(.answered(status: 200, handler: "127.0.0.1:8003, 127.0.0.1:8001"), milliseconds: 1),
        ]
        let report = ProbeTally.report(
            url: "http://x/", samples: samples, registered: ["127.0.0.1:8001", "127.0.0.1:8003"])
        #expect(report.missing == ["127.0.0.1:8003"])
        #expect(report.unexpected.isEmpty)
        #expect(report.answers(from: "127.0.0.1:8001") == 2 && report.answers(from: "127.0.0.1:8003") == 0)
        #expect(report.share(of: "127.0.0.1:8001") == 1)
    }

    @Test func jsonHasExactlyTheDocumentedKeys() throws {
        let report = ProbeTally.report(
            url: "http://x/", samples: [ProbeSample(.answered(status: 200, handler: "h:1"), milliseconds: 2)],
            registered: ["h:1"])
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "requests", "errors", "handlers", "latency_ms", "missing", "unexpected", "gone", "errors_by_kind",
                "retried", "timeline", "failures", "retries",
            ])
        #expect(object["handlers"] as? [String: Int] == ["h:1": 1])
        let latency = try #require(object["latency_ms"] as? [String: Double])
        #expect(Set(latency.keys) == ["p50", "p90", "p99", "max"])
    }

    @Test func probeTargetReadsHostPortAndRequestPath() throws {
        let plain = try ProbeTarget(url: "http://127.0.0.1:8080")
        #expect(plain.host == "127.0.0.1" && plain.port == 8080 && plain.path == "/")
        #expect(plain.hostHeader == "127.0.0.1:8080")
        let v6 = try ProbeTarget(url: "http://[::1]/a/b?x=1&y=%20")
        #expect(v6.host == "::1" && v6.port == 80 && v6.path == "/a/b?x=1&y=%20")
        #expect(v6.hostHeader == "[::1]")
        #expect(try ProbeTarget(url: "HTTP://example.org/").hostHeader == "example.org")
        #expect(throws: ProbeError.self) { try ProbeTarget(url: "https://127.0.0.1/") }
        #expect(throws: ProbeError.self) { try ProbeTarget(url: "127.0.0.1:8080") }
        #expect(throws: ProbeError.self) { try ProbeTarget(url: "http:///nohost") }
    }

    @Test func textNamesTheFirstErrorOfEachKind() {
        var report = ProbeTally.report(
            url: "http://x/", samples: [ProbeSample(.failed(kind: "connect"), milliseconds: 0.1)], registered: nil)
        report.errorDetails = ["connect": "x:80: connection refused"]
        #expect(report.text().contains("  error connect: 1 (x:80: connection refused)"))
        #expect(!report.json().contains("refused"))
    }

    @Test func helloPageNamesItselfAndHealthIsOK() {
        #expect(HelloPage.answer(path: "/health", name: "a").body == "ok\n")
        let page = HelloPage.answer(path: "/", name: "127.0.0.1:8001")
        #expect(page.status == 200 && page.body.contains("My hostname is 127.0.0.1:8001"))
        #expect(HelloPage.answer(path: "/", name: "<b>").body.contains("&lt;b&gt;"))
    }

    @Test func demoLayoutGuardsValuesAndStaysInsideItsPrefix() {
        let layout = DemoLayout(directory: "/srv/demo", port: 8080, nginxBinary: "/usr/sbin/nginx")
        #expect(layout.resource.contains("values = \"host:port\""))
        #expect(layout.resource.contains("check_cmd = \"/usr/sbin/nginx -t -q -p /srv/demo/nginx/ -c {{.src}}\""))
        #expect(layout.template.contains("listen 127.0.0.1:8080;"))
        #expect(layout.template.contains("add_header  X-Handler  $upstream_addr always;"))
        #expect(layout.template.contains("{{$backends := getvs \"/test/*\"}}"))
        #expect(layout.template.contains("{{range $backends}}"))
        #expect(layout.template.contains("server 127.0.0.1:1 down;"))
        #expect(layout.template.contains("proxy_next_upstream error timeout http_502 http_503;"))
        #expect(!layout.template.contains("\nuser "))
        #expect(!layout.template.contains("include "))
        for line in layout.template.split(separator: "\n") where line.contains("_path ") || line.contains("pid ") {
            #expect(line.contains("/srv/demo/nginx/"))
        }
    }
}

/// The registry as it was during a run and at its end: who joined, who left, and the per-second timeline.
@Suite struct ProbeTimelineTests {
    @Test func aBackendThatJoinedIsNotUnexpectedAndOneThatLeftIsGone() {
        let samples = [
            ProbeSample(.answered(status: 200, handler: "127.0.0.1:1"), milliseconds: 1, second: 0),
            ProbeSample(.answered(status: 200, handler: "127.0.0.1:1, 127.0.0.1:2"), milliseconds: 1, second: 1),
            ProbeSample(.answered(status: 200, handler: "127.0.0.1:2"), milliseconds: 1, second: 1),
            ProbeSample(.failed(kind: "reset before response"), milliseconds: 1, second: 1),
            ProbeSample(.answered(status: 200, handler: "127.0.0.1:9"), milliseconds: 1, second: 2),
        ]
        let report = ProbeTally.report(
            url: "http://x/", samples: samples, registered: ["127.0.0.1:2", "127.0.0.1:3"],
            registeredBySecond: [0: ["127.0.0.1:1"], 1: ["127.0.0.1:1", "127.0.0.1:2"]], retried: 7)
        // :1 answered and left; :2 joined during the run; :3 registered at the end and never answered; :9 was
        // never registered.
        #expect(report.gone == ["127.0.0.1:1"])
        #expect(report.unexpected == ["127.0.0.1:9"])
        #expect(report.missing == ["127.0.0.1:3"])
        #expect(report.retried == 7)
        #expect(report.timeline.map(\.second) == [0, 1, 2])
        #expect(report.timeline[1].answers == ["127.0.0.1:2": 2])
        #expect(report.timeline[1].errors == ["reset before response": 1])
        #expect(report.timeline[1].registered == ["127.0.0.1:1", "127.0.0.1:2"])
        #expect(report.timeline[2].registered == nil)
        let json = report.json()
        #expect(json.contains("\"retried\":7"), "\(json)")
        #expect(json.contains("\"gone\":[\"127.0.0.1:1\"]"), "\(json)")
        #expect(json.contains("\"timeline\":[{\"answers\":{\"127.0.0.1:1\":1},\"errors\":{},"), "\(json)")
    }
}
