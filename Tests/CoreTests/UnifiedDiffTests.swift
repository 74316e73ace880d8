import Testing

@testable import Core

@Suite struct UnifiedDiffTests {
    @Test func identicalTextsHaveNoDiff() {
        let diff = UnifiedDiff(old: "a\nb\n", new: "a\nb\n")
        #expect(diff.isEmpty)
        #expect(diff.formatted(oldName: "a", newName: "b") == "")
    }

    @Test func anAddedServerLineIsOneHunk() {
        let old = "upstream backend {\n    server 127.0.0.1:8001;\n}\n"
        let new = "upstream backend {\n    server 127.0.0.1:8001;\n    server 127.0.0.1:8002;\n}\n"
        let diff = UnifiedDiff(old: old, new: new)
        #expect(diff.addedCount == 1)
        #expect(diff.removedCount == 0)
        #expect(
            diff.formatted(oldName: "/etc/nginx/nginx.conf", newName: "/etc/nginx/.nginx.conf123") == """
                --- /etc/nginx/nginx.conf
                +++ /etc/nginx/.nginx.conf123
                @@ -1,3 +1,4 @@
                 upstream backend {
                     server 127.0.0.1:8001;
                +    server 127.0.0.1:8002;
                 }

                """)
    }

    @Test func farApartChangesMakeTwoHunks() {
        let old = (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n"
        var newLines = (1...20).map { "line \($0)" }
        newLines[1] = "changed 2"
        newLines[18] = "changed 19"
        let diff = UnifiedDiff(old: old, new: newLines.joined(separator: "\n") + "\n")
        let text = diff.formatted(oldName: "a", newName: "b")
        #expect(text.components(separatedBy: "\n@@ ").count == 3)
        #expect(text.contains("@@ -1,5 +1,5 @@"))
        #expect(text.contains("@@ -16,5 +16,5 @@"))
        #expect(diff.addedCount == 2 && diff.removedCount == 2)
    }

    @Test func fromEmptyAndToEmpty() {
        #expect(
            UnifiedDiff(old: "", new: "x\ny\n").formatted(oldName: "a", newName: "b")
                == "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n")
        #expect(
            UnifiedDiff(old: "x\n", new: "").formatted(oldName: "a", newName: "b")
                == "--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n")
    }

    @Test func theScriptRebuildsBothSides() {
        let old = "a\nb\nc\nd\ne\nf\n"
        let new = "a\nx\nc\ne\nf\ng\n"
        let diff = UnifiedDiff(old: old, new: new)
        let rebuiltOld = diff.lines.compactMap { line -> String? in
            switch line {
            case .same(let t), .removed(let t): return t
            case .added: return nil
            }
        }
        let rebuiltNew = diff.lines.compactMap { line -> String? in
            switch line {
            case .same(let t), .added(let t): return t
            case .removed: return nil
            }
        }
        #expect(rebuiltOld == ["a", "b", "c", "d", "e", "f"])
        #expect(rebuiltNew == ["a", "x", "c", "e", "f", "g"])
        #expect(diff.addedCount == 2 && diff.removedCount == 2)
    }

    @Test func twoUnrelatedLargeFilesGiveACorrectDiffPastTheSearchLimit() {
        let old = (0..<5000).map { "server 10.0.0.\($0);\n" }.joined()
        let new = (0..<5000).map { "server 10.1.0.\($0);\n" }.joined()
        let diff = UnifiedDiff(old: old, new: new)
        #expect(diff.removedCount == 5000)
        #expect(diff.addedCount == 5000)
        #expect(diff.lines.first == .removed("server 10.0.0.0;"))
        #expect(diff.lines.last == .added("server 10.1.0.4999;"))
    }

    @Test func lineCountsWithoutAScriptEqualTheFullDiffsCounts() {
        var random = SystemRandomNumberGenerator()
        let words = ["a", "b", "c", "server 10.0.0.1;", "", "  ", "é"]
        func text(_ count: Int) -> String {
            var lines = (0..<count).map { _ in words.randomElement(using: &random)! }.joined(separator: "\n")
            if Bool.random(using: &random) { lines += "\n" }
            return lines
        }
        for _ in 0..<300 {
            let old = text(Int.random(in: 0...30, using: &random))
            let new = text(Int.random(in: 0...30, using: &random))
            let diff = UnifiedDiff(old: old, new: new)
            let counts = UnifiedDiff.lineCounts(old: Array(old.utf8), new: Array(new.utf8))
            #expect(counts.added == diff.addedCount && counts.removed == diff.removedCount, "\(old) -> \(new)")
        }
        let old = (0..<5000).map { "server 10.0.0.\($0);\n" }.joined()
        let new = "head\n" + (0..<5000).map { "server 10.1.0.\($0);\n" }.joined() + "tail\n"
        let counts = UnifiedDiff.lineCounts(old: Array(old.utf8), new: Array(new.utf8))
        #expect(counts.added == 5002 && counts.removed == 5000)
        let oneChanged = old.replacingOccurrences(of: "10.0.0.17;", with: "10.9.9.9;")
        #expect(UnifiedDiff.lineCounts(old: Array(old.utf8), new: Array(oneChanged.utf8)) == (1, 1))
    }

    @Test func sizesFurtherApartThanTheLimitSkipTheSearchAndAgree() {
        // One line becoming 3000 (the old line among them) is more than `editLimit` edits whatever the script.
        let old = "server 10.0.0.1500;\nx\n"
        let new = (0..<3000).map { "server 10.0.0.\($0);\n" }.joined() + "y\n"
        let diff = UnifiedDiff(old: old, new: new)
        let counts = UnifiedDiff.lineCounts(old: Array(old.utf8), new: Array(new.utf8))
        #expect(counts.added == diff.addedCount && counts.removed == diff.removedCount)
        #expect(counts == (3001, 2))
        #expect(diff.lines.first == .removed("server 10.0.0.1500;"))
    }

    @Test func lineCountsSkipTheCommonHeadAndTailAsTheFullDiffDoes() {
        var random = SystemRandomNumberGenerator()
        let words = ["server 10.0.0.1;", "server 10.0.0.2;", "x", "", "}"]
        for _ in 0..<300 {
            var lines = (0..<Int.random(in: 0...40, using: &random)).map { _ in words.randomElement(using: &random)! }
            let old = lines.joined(separator: "\n") + (Bool.random(using: &random) ? "\n" : "")
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                let at = Int.random(in: 0...lines.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: lines.insert(words.randomElement(using: &random)!, at: at)
                case 1 where at < lines.count: lines.remove(at: at)
                default: if at < lines.count { lines[at] += "!" }
                }
            }
            let new = lines.joined(separator: "\n") + (Bool.random(using: &random) ? "\n" : "")
            let diff = UnifiedDiff(old: old, new: new)
            let counts = UnifiedDiff.lineCounts(old: Array(old.utf8), new: Array(new.utf8))
            #expect(counts.added == diff.addedCount && counts.removed == diff.removedCount, "\(old) -> \(new)")
        }
    }

    @Test func linesCompareAsBytes() {
        let diff = UnifiedDiff(old: "caf\u{E9}\n", new: "cafe\u{301}\n")
        #expect(diff.addedCount == 1 && diff.removedCount == 1)
    }
}
