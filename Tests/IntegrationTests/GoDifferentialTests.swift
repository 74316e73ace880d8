import Core
import Foundation
import GoTemplate
import GoText
import Testing

/// What one engine made of one case.
enum DiffOutcome: Equatable {
    case output([UInt8])
    case failed(String)
}

/// Renders one case through Switchboard's template engine: template, keys and values as bytes.
func renderWithSwitchboard(_ diffCase: DiffCase) -> DiffOutcome {
    var pairs: [GoString: GoString] = [:]
    for (key, value) in zip(diffCase.keys, diffCase.values) {
        pairs[GoString(key)] = GoString(value)
    }
    do {
        let template = try Template(source: diffCase.template, name: "t.tmpl")
        return .output(try template.render(StoreView(pairs)))
    } catch {
        return .failed("\(error)")
    }
}

/// Go's own text/template, through `scripts/go-oracle` (built once per test process into a private directory).
enum GoOracle {
    static let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/go-oracle")

    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    static func goBinary() -> String? {
        for candidate in ["/usr/bin/go", "/usr/local/go/bin/go", "/usr/lib/go/bin/go"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/go"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Builds the oracle; `nil` when Go is not installed.
    static func build() throws -> String? {
        guard let go = goBinary() else { return nil }
        let output = NSTemporaryDirectory() + "switchboard-go-oracle-\(UUID().uuidString)"
        let (status, log) = try run(go, ["build", "-o", output, "."], directory: source.path, input: Data())
        guard status == 0 else {
            throw Unavailable(
                description: "go build of scripts/go-oracle failed: \(String(decoding: log, as: UTF8.self))")
        }
        return output
    }

    /// Renders every case with Go in one process.
    static func render(_ cases: [DiffCase], oracle: String) throws -> [DiffOutcome] {
        let request: [String: Any] = [
            "cases": cases.map { diffCase in
                [
                    "template": Data(diffCase.template).base64EncodedString(),
                    "keys": diffCase.keys.map { Data($0).base64EncodedString() },
                    "values": diffCase.values.map { Data($0).base64EncodedString() },
                ]
            }
        ]
        let input = try JSONSerialization.data(withJSONObject: request)
        let (status, output) = try run(oracle, [], directory: nil, input: input)
        guard status == 0,
            let answer = try JSONSerialization.jsonObject(with: output) as? [String: Any],
            let results = answer["results"] as? [[String: Any]], results.count == cases.count
        else {
            throw Unavailable(
                description: "go-oracle failed (status \(status)): \(String(decoding: output, as: UTF8.self))")
        }
        return results.map { result in
            let bytes = [UInt8](Data(base64Encoded: result["output"] as? String ?? "") ?? Data())
            if result["failed"] as? Bool == true { return .failed(result["error"] as? String ?? "") }
            return .output(bytes)
        }
    }

    /// Runs `executable` with `input` on stdin; returns its status and stdout (stderr appended on failure).
    private static func run(_ executable: String, _ arguments: [String], directory: String?, input: Data) throws
        -> (Int32, Data)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        if environment["GOCACHE"] == nil, environment["HOME"] == nil {
            environment["GOCACHE"] = NSTemporaryDirectory() + "switchboard-go-cache"
        }
        environment["GO111MODULE"] = "on"
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Write and read at once: a large batch fills both pipes.
        let writer = Thread {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errors = ErrorCollector(stderr.fileHandleForReading)
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let status = process.terminationStatus
        return (status, status == 0 ? output : output + errors.data())
    }

    /// Drains a pipe on its own thread, so a chatty child never blocks on a full stderr.
    private final class ErrorCollector: @unchecked Sendable {
        // Safe: `collected` is written by the reader thread before `done` is signalled and read only after.
        private var collected = Data()
        private let done = DispatchSemaphore(value: 0)
        init(_ handle: FileHandle) {
            Thread { [self] in
                collected = handle.readDataToEndOfFile()
                done.signal()
            }.start()
        }
        func data() -> Data {
            done.wait()
            return collected
        }
    }
}

/// Switchboard's template engine against Go's own text/template, byte for byte, on generated templates and stores.
@Suite struct GoDifferentialTests {
    static let environment = ProcessInfo.processInfo.environment
    /// CI: a fixed seed and a count that keeps the test within seconds. `scripts/difftest` runs longer ones.
    static let seed = UInt64(environment["DIFFTEST_SEED"] ?? "") ?? 20_260_602
    static let count = Int(environment["DIFFTEST_COUNT"] ?? "") ?? 3000
    /// Normalization twins and bytes that are not UTF-8 (see `DiffGenerator`): on unless DIFFTEST_BYTES=0.
    static let byteModelCases = environment["DIFFTEST_BYTES"] != "0"
    /// Mismatches printed in full; the rest are counted.
    static let shownMismatches = Int(environment["DIFFTEST_SHOW"] ?? "") ?? 8

    @Test func switchboardRendersAsGoDoes() async throws {
        // Building and running Go take seconds: off the cooperative threads, so parallel tests keep running.
        guard let oracle = try await offPool({ try GoOracle.build() }) else {
            if Self.environment["CI"] == "true" {
                Issue.record("go is not installed; the differential test against Go needs it (CI=true)")
            }
            return
        }
        defer { try? FileManager.default.removeItem(atPath: oracle) }
        var generator = DiffGenerator(byteModelCases: Self.byteModelCases)
        let cases = (0..<Self.count).map { generator.makeCase(seed: Self.seed, index: $0) }
        let expected = try await offPool { try GoOracle.render(cases, oracle: oracle) }
        var mismatches: [String] = []
        var failures = 0
        // Thousands of renders are seconds of CPU: on a thread of their own, not a cooperative one.
        let ours = await offPool { cases.map(renderWithSwitchboard) }
        for (index, diffCase) in cases.enumerated() {
            let actual = ours[index]
            if case .failed = expected[index] { failures += 1 }
            switch (expected[index], actual) {
            case (.failed, .failed): continue
            case (.output(let go), .output(let ours)) where go == ours: continue
            default:
                mismatches.append(Self.describe(index: index, diffCase, go: expected[index], switchboard: actual))
            }
        }
        let shown = mismatches.prefix(Self.shownMismatches).joined(separator: "\n")
        #expect(
            mismatches.isEmpty,
            """
            \(mismatches.count) of \(Self.count) cases differ from Go (seed \(Self.seed); \(failures) cases fail \
            in Go). Reproduce one with DIFFTEST_SEED=\(Self.seed) DIFFTEST_COUNT=<index + 1>.
            \(shown)
            """)
    }

    static func describe(index: Int, _ diffCase: DiffCase, go: DiffOutcome, switchboard: DiffOutcome) -> String {
        let data = zip(diffCase.keys, diffCase.values).map { "    \(escape($0)) = \(escape($1))" }
        return """
            --- case \(index)
              template: \(escape(diffCase.template))
              data:
            \(data.joined(separator: "\n"))
              go:          \(describe(go))
              switchboard: \(describe(switchboard))
            """
    }

    static func describe(_ outcome: DiffOutcome) -> String {
        switch outcome {
        case .output(let bytes): return escape(bytes)
        case .failed(let message): return "ERROR " + message
        }
    }

    /// The bytes as a Swift string literal: printable ASCII as it is, everything else escaped, so a case can be
    /// pasted into a regression table.
    static func escape(_ bytes: [UInt8]) -> String {
        var out = "\""
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            case UInt8(ascii: "\n"): out += "\\n"
            case UInt8(ascii: "\t"): out += "\\t"
            case UInt8(ascii: "\r"): out += "\\r"
            case 0x20..<0x7F: out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                // A whole UTF-8 sequence as one \u{...}; a byte that starts none as \x{..}.
                if let (scalar, length) = decodeScalar(bytes, at: index) {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                    index += length
                    continue
                }
                out += "\\x{" + String(byte, radix: 16, uppercase: true) + "}"
            }
            index += 1
        }
        return out + "\""
    }

    private static func decodeScalar(_ bytes: [UInt8], at index: Int) -> (Unicode.Scalar, Int)? {
        var iterator = bytes[index...].makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return nil }
        let length = String(scalar).utf8.count
        return Array(bytes[index..<(index + length)]) == Array(String(scalar).utf8) ? (scalar, length) : nil
    }
}
