import Foundation
import Testing

/// Compares `text` with `__Snapshots__/<name>.txt`; with env `SNAPSHOT_RECORD=1` (or when the file is missing)
/// it writes the file instead and the test fails on a missing file so that a new snapshot is looked at once.
func assertSnapshot(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__")
    let file = directory.appendingPathComponent("\(name).txt")
    let record = ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1"
    let existing = try? String(contentsOf: file, encoding: .utf8)
    if record || existing == nil {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? (text + "\n").write(to: file, atomically: true, encoding: .utf8)
        if existing == nil && !record {
            Issue.record(
                "recorded a new snapshot \(file.path); look at it and run again", sourceLocation: sourceLocation)
        }
        return
    }
    let expected = String(existing!.dropLast())
    if expected != text {
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var report = "frame differs from \(file.path) (SNAPSHOT_RECORD=1 re-records):\n"
        for index in 0..<max(expectedLines.count, actualLines.count) {
            let old = index < expectedLines.count ? String(expectedLines[index]) : "<none>"
            let new = index < actualLines.count ? String(actualLines[index]) : "<none>"
            if old != new { report += "line \(index + 1)\n  expected: \(old)\n  actual:   \(new)\n" }
        }
        Issue.record(Comment(rawValue: report), sourceLocation: sourceLocation)
    }
}
