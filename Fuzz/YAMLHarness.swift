// libFuzzer harness for the file store's YAML flattening (Sources/Core/Store/YAMLFlattener.swift), compiled in
// directly by scripts/fuzz and linked against Yams built with the same instrumentation. A thrown YAMLError is the
// expected rejection; a trap is a crash.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    // The file store reads its file as UTF-8 text before flattening.
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    var pairs: [String: String] = [:]
    try? YAMLFlattener.flatten(text, file: "fuzz.yaml", into: &pairs)
    return 0
}
