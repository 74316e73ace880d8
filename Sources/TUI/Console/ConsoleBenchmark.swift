import Core
import Foundation

/// Times the layout of whole frames over many backends (`switchboard console --benchmark`).
package enum ConsoleBenchmark {
    /// What one benchmark run measured.
    package struct Result: Sendable, CustomStringConvertible {
        package var backends: Int
        package var frames: Int
        /// Mean and worst time to lay out one frame, in milliseconds.
        package var meanMilliseconds: Double
        package var worstMilliseconds: Double
        /// Time to absorb the snapshot (health, sort, filter caches), in milliseconds.
        package var receiveMilliseconds: Double

        package var description: String {
            String(
                format: "layout of one 120x40 frame with %d backends: mean %.3f ms, worst %.3f ms over %d frames "
                    + "(absorbing the snapshot: %.3f ms)", backends, meanMilliseconds, worstMilliseconds, frames,
                receiveMilliseconds)
        }
    }

    /// Lays out `frames` frames of a state holding `backends` backends, moving the selection between frames.
    package static func run(backends count: Int = 10_000, frames: Int = 200) -> Result {
        let backends = (0..<count).map {
            BackendEntry(
                key: "/test/backend-\($0)", address: "10.\($0 / 65536).\($0 / 256 % 256).\($0 % 256):8080",
                ttlRemaining: $0 % 60)
        }
        let render = "upstream backend {\n" + backends.map { "    server \($0.address);\n" }.joined() + "}\n"
        // A probe of 1000 requests as `p` makes one: some backends answered, one after a failover.
        var handlers = backends.prefix(999).map(\.address.description)
        if backends.count > 1000 { handlers.append("\(backends[999].address), \(backends[1000].address)") }
        let report = ProbeTally.report(
            url: "http://bench/",
            samples: handlers.map { ProbeSample(.answered(status: 200, handler: $0), milliseconds: 1) },
            registered: backends.map(\.address.description))
        let snapshot = EngineSnapshot(
            store: "bench", connection: .connected, revision: 1, backends: backends,
            resources: [ResourceStatus(name: "nginx.toml", dest: "/tmp/nginx.conf", lastRender: render)],
            probe: report)
        var state = ConsoleState(
            snapshot: EngineSnapshot(store: "bench"), size: TerminalSize(width: 120, height: 40))
        let receiveStart = DispatchTime.now().uptimeNanoseconds
        state.receive(snapshot)
        let receiveNanoseconds = DispatchTime.now().uptimeNanoseconds - receiveStart
        var total: UInt64 = 0
        var worst: UInt64 = 0
        let theme = Theme()
        for index in 0..<frames {
            _ = state.handle(index % 2 == 0 ? .pageDown : .down)
            let start = DispatchTime.now().uptimeNanoseconds
            let frame = Layout.frame(state: state, size: state.size, theme: theme)
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            precondition(frame.height == 40)
            total += elapsed
            worst = max(worst, elapsed)
        }
        return Result(
            backends: count, frames: frames, meanMilliseconds: Double(total) / Double(frames) / 1e6,
            worstMilliseconds: Double(worst) / 1e6, receiveMilliseconds: Double(receiveNanoseconds) / 1e6)
    }
}
