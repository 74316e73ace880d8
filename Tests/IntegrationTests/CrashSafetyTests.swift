import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kill -9` at random moments while `switchboard run -watch` applies a ~1 MB config over and over: the dest file is
/// always one complete render (never torn), and whatever stage file a killed run left behind is gone once the next
/// run has started.
@Suite struct CrashSafetyTests {
    static let backends = 600
    static let iterations = 30

    /// The store in one of its two complete states: every backend's address differs between A and B.
    static func store(_ state: Character) -> String {
        var text = "state: \"\(state)\"\nbig:\n"
        text.reserveCapacity(backends * 36)
        let base = state == "A" ? 10000 : 40000
        for index in 0..<backends {
            text += "  s\(String(format: "%05d", index)): 10.\(index / 65536).\(index / 256 % 256).\(index % 256):"
            text += "\(base + index % 20000)\n"
        }
        return text
    }

    /// About 1.8 KB per backend, so the file is over a megabyte and takes real time to write and check, while
    /// the store stays small enough to be re-read on every rewrite.
    static let template =
        "# state {{getv \"/state\"}}\nupstream big {\n{{- range gets \"/big/*\"}}\n    server {{.Value}} max_fails=3;"
        + " # {{.Key}} in state {{getv \"/state\"}} " + String(repeating: "padding ", count: 220)
        + "\n{{- end}}\n}\n# end of upstreams\n"

    @Test func killNineNeverLeavesATornFileOrAStageFile() async throws {
        guard FaultSupport.require(DemoIntegrationTests.binary != nil, "the switchboard binary is not built") else {
            return
        }
        let tree = try FaultSupport.Tree(prefix: "switchboard-crash")
        defer { tree.remove() }
        let out = tree.root + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let dest = out + "/big.conf"

        // The two complete renders, made by the same binary in -onetime mode into a directory of their own.
        let reference = tree.root + "/reference"
        try FileManager.default.createDirectory(atPath: reference, withIntermediateDirectories: true)
        try tree.resource(
            "big", template: Self.template, lines: ["dest = \"\(reference)/big.conf\"", "keys = [\"/\"]"])
        var renders: [Character: Data] = [:]
        for state: Character in ["A", "B"] {
            try tree.writeStore(Self.store(state))
            let (status, output) = try FaultSupport.run(tree.runArguments("-onetime"), log: tree.log)
            #expect(status == 0, "\(output)")
            renders[state] = try Data(contentsOf: URL(fileURLWithPath: reference + "/big.conf"))
        }
        let renderA = try #require(renders["A"])
        let renderB = try #require(renders["B"])
        #expect(renderA.count > 1_000_000 && renderA != renderB)

        // The resource under test: a check that takes a while and looks at the content, so kills land inside it.
        try tree.resource(
            "big", template: Self.template,
            lines: [
                "dest = \"\(dest)\"", "keys = [\"/\"]",
                "check_cmd = \"sleep 0.05 && grep -q '^# end of upstreams' {{.src}}\"",
            ])
        let original = Data("# the original file\n".utf8)
        try original.write(to: URL(fileURLWithPath: dest))
        var storeState: Character = "A"
        try tree.writeStore(Self.store(storeState))

        var generator = SystemRandomNumberGenerator()
        var killsWithStageFile = 0
        var leftovers: [String] = []
        var seen: Set<String> = []
        var timeline: [String] = []
        for iteration in 0..<Self.iterations {
            let process = try FaultSupport.start(
                tree.runArguments("-watch", extra: ["-log-level", "warn"]), log: tree.log)
            defer { FaultSupport.kill9(process) }
            // What the previous kill left behind must be removed by this start (before its first apply).
            if !leftovers.isEmpty {
                let gone = await DemoIntegrationTests.eventually(30) {
                    leftovers.allSatisfy { !FileManager.default.fileExists(atPath: out + "/" + $0) }
                }
                #expect(gone, "iteration \(iteration): stage files \(leftovers) survived the restart")
            }
            // A third of the kills at a random moment, a third right after a stage file appears (inside the check),
            // a third just after an apply went live (so renders do go live however slow the machine is).
            let mode = iteration % 3
            let killAfter = Double.random(in: 0.05...1.5, using: &generator)
            let before = try? Data(contentsOf: URL(fileURLWithPath: dest))
            let started = Date()
            var lastWrite = Date.distantPast
            while process.isRunning {
                let elapsed = Date().timeIntervalSince(started)
                if Date().timeIntervalSince(lastWrite) > 0.06 {
                    storeState = storeState == "A" ? "B" : "A"
                    try tree.writeStore(Self.store(storeState))
                    lastWrite = Date()
                }
                var due: Bool
                switch mode {
                case 0:
                    due = elapsed >= killAfter
                case 1:
                    due = elapsed > 0.1 && !FaultSupport.strays(in: out, keep: ["big.conf"]).isEmpty
                default:
                    due = (try? Data(contentsOf: URL(fileURLWithPath: dest))) != before
                }
                if due || elapsed > 30 {
                    if mode != 0 {
                        try await Task.sleep(for: .microseconds(Int.random(in: 0...30_000, using: &generator)))
                    }
                    break
                }
                // Task.sleep, not usleep: this loop runs for seconds, and a blocked cooperative thread stalls the
                // tests running beside it.
                try await Task.sleep(for: .microseconds(mode == 1 ? 3_000 : 15_000))
            }
            #expect(
                process.isRunning, "iteration \(iteration): the run ended by itself: \(tree.logText().suffix(2000))")
            FaultSupport.kill9(process)

            let live = try Data(contentsOf: URL(fileURLWithPath: dest))
            let whole = live == renderA || live == renderB || live == original
            #expect(
                whole,
                "iteration \(iteration): \(dest) is \(live.count) bytes, not a complete render (A \(renderA.count), B \(renderB.count))"
            )
            if !whole { break }
            timeline.append("\(mode):\(String(format: "%.1f", Date().timeIntervalSince(started)))")
            leftovers = FaultSupport.strays(in: out, keep: ["big.conf"])
            if !leftovers.isEmpty { killsWithStageFile += 1 }
            seen.insert(live == renderA ? "A" : live == renderB ? "B" : "original")
        }
        // The kills must have hit applies in flight, or the test proved nothing.
        #expect(killsWithStageFile >= 1, "no kill landed while a stage file existed")
        #expect(seen.contains("A") || seen.contains("B"), "no render ever went live: \(tree.logText().suffix(2000))")

        // A last run to the end: it cleans up the last kill's stage file and leaves exactly the render of the store.
        try tree.writeStore(Self.store("A"))
        let (status, output) = try FaultSupport.run(tree.runArguments("-onetime"), log: tree.log)
        #expect(status == 0, "\(output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest)) == renderA)
        #expect(FaultSupport.strays(in: out, keep: ["big.conf"]).isEmpty)
        print(
            "crash safety: \(Self.iterations) kills, \(killsWithStageFile) with a stage file in flight, saw \(seen), mode:seconds \(timeline)"
        )
    }
}
