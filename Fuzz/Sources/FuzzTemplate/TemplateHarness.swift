// libFuzzer harness for the template language: lexer, parser and evaluator together.
//
// Built by scripts/fuzz through Fuzz/Package.swift against the GoTemplate target, with `-D SWITCHBOARD_FUZZ` so that
// lookupIP/lookupSRV give fixed answers and never touch the network. Any bytes are accepted: when they are valid
// UTF-8 they are parsed as a template, and a template that parses is rendered against a small fixed view. A thrown
// TemplateError is the expected way to reject an input; a trap (overflow, out-of-range index, stack overflow) is a
// crash for libFuzzer to report.

import CLibFuzzer
import Glibc
import GoTemplate
import GoText

/// The store a fuzzed template sees: a few prefixes the fixtures' templates read, values of every kind a template
/// branches on (host:port, numbers, JSON, empty).
private let fuzzView = StoreView([
    "/test/apache-8001": "127.0.0.1:8001",
    "/test/apache-8002": "127.0.0.1:8002",
    "/web/a": "1",
    "/web/b": "2",
    "/web/c": "true",
    "/db/host": "db.local",
    "/db/port": "5432",
    "/json/obj": "{\"a\": [1, 2, {\"b\": null}], \"c\": \"d\"}",
    "/json/list": "[\"x\", 1.5, true]",
    "/empty": "",
])

@main enum FuzzTemplate {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(
            LLVMFuzzerRunDriver(&argc, &argv) { data, size in
                // libFuzzer's empty input may come without an address.
                fuzzTemplate(UnsafeBufferPointer(start: data, count: size))
            })
    }
}

func fuzzTemplate(_ bytes: UnsafeBufferPointer<UInt8>) -> CInt {
    // Templates are read from files as UTF-8; other bytes never reach the lexer.
    guard let source = String(validating: bytes, as: UTF8.self) else { return 0 }
    guard let template = try? Template(source: source, name: "fuzz.tmpl") else { return 0 }
    _ = try? template.render(fuzzView)
    _ = try? template.render(fuzzView, dot: ["src": "/tmp/stage"])
    return 0
}
