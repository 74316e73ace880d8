// libFuzzer harness for the file store's YAML flattening (Sources/Core/Store/YAMLFlattener.swift), built by
// scripts/fuzz through Fuzz/Package.swift against Core, with Yams and every other module instrumented the same way.
// A thrown YAMLError is the expected rejection; a trap is a crash.

import CLibFuzzer
import Core
import Glibc
import GoText

@main enum FuzzYAML {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(
            LLVMFuzzerRunDriver(&argc, &argv) { data, size in
                fuzzYAML(UnsafeBufferPointer(start: data, count: size))
            })
    }
}

func fuzzYAML(_ bytes: UnsafeBufferPointer<UInt8>) -> CInt {
    // Any bytes, as the file store passes its file's bytes (one that is not UTF-8 is refused, naming its line).
    var pairs: [GoString: GoString] = [:]
    try? YAMLFlattener.flatten(Array(bytes), file: "fuzz.yaml", into: &pairs)
    return 0
}
