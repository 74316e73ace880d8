import Testing

@testable import Core
@testable import GoTemplate
@testable import GoText

/// Keys that share long prefixes, differ past the 16 packed bytes, contain NUL, `/`, multi-byte UTF-8 and are
/// prefixes of each other: the cases a byte-order shortcut could get wrong.
private func randomKey(_ random: inout SplitMix) -> GoString {
    let pieces = [
        "/", "/a", "/ab", "/test/", "/test/apache-", "/bench/k0000", "/\u{0}", "\u{0}", "é", "z", "/0123456789abcdef",
        "0", "1", "Z", "-", ".", "/..", "\u{7F}", "ü/",
    ]
    var key = ""
    for _ in 0..<Int.random(in: 0...5, using: &random) { key += pieces.randomElement(using: &random)! }
    return GoString(key)
}

@Suite struct SortedKeyMapTests {
    @Test func byteOrderMatchesGoLessOnRandomStrings() {
        var random = SplitMix(state: 1)
        for _ in 0..<200 {
            let strings = (0..<Int.random(in: 0...60, using: &random)).map { _ in randomKey(&random) }
            let expected = strings.sorted()
            #expect(GoFormat.sortedInByteOrder(strings) == expected)
        }
    }

    @Test func byteOrderMatchesGoLessWhenAllStringsShareALongHead() {
        var random = SplitMix(state: 3)
        let head: GoString = "/test/apache-backend-pool-"
        for _ in 0..<100 {
            var strings = (0..<Int.random(in: 1...40, using: &random)).map { _ in head + randomKey(&random) }
            if Bool.random(using: &random) { strings.append(head) }  // the head itself, a prefix of all the others
            if Bool.random(using: &random) { strings.append(head + "\u{0}") }  // a zero byte right after the head
            #expect(GoFormat.sharedHeadLength(strings) >= head.count)
            #expect(GoFormat.sortedInByteOrder(strings) == strings.sorted())
        }
        #expect(GoFormat.sharedHeadLength(["abc", "abd", "ab"]) == 2)
        #expect(GoFormat.sharedHeadLength(["x"]) == 1)
        #expect(GoFormat.sharedHeadLength([GoString]()) == 0)
    }

    @Test func byteOrderKeepsEqualStringsInTheirOrder() {
        let strings = ["b", "a", "b", "a", "0123456789abcdefX", "0123456789abcdef", "0123456789abcdefX"]
        #expect(GoFormat.byteOrder(of: strings) == [5, 4, 6, 1, 3, 0, 2])
    }

    @Test func insertsAndRemovesMatchASortedDictionary() {
        var random = SplitMix(state: 2)
        var map = SortedKeyMap()
        var reference: [GoString: GoString] = [:]
        for step in 0..<3000 {
            let key = randomKey(&random)
            if Bool.random(using: &random) {
                let value = GoString(String(step % 7))
                let changed = map.set(value, for: key)
                #expect(changed == (reference[key] != value))
                reference[key] = value
            } else {
                #expect(map.remove(key) == reference.removeValue(forKey: key))
            }
            if step % 100 == 0 {
                #expect(map.keys == reference.keys.sorted())
                #expect(map.values == map.keys.map { reference[$0]! })
            }
        }
        #expect(map.uncleanKeyCount == reference.keys.filter { !SortedKeyMap.isCleanAbsolute($0) }.count)
        #expect(map.dictionary == reference)
        #expect(SortedKeyMap(reference) == map)
        for key in reference.keys { #expect(map[key] == reference[key]) }
        #expect(map["/not/there"] == reference["/not/there"])
    }

    @Test func prefixRangesEqualAFilterOfTheSortedKeys() {
        var random = SplitMix(state: 3)
        for _ in 0..<100 {
            var reference: [GoString: GoString] = [:]
            for _ in 0..<Int.random(in: 0...80, using: &random) { reference[randomKey(&random)] = "v" }
            let map = SortedKeyMap(reference)
            let sorted = reference.keys.sorted()
            for _ in 0..<20 {
                let prefix = randomKey(&random)
                let expected = sorted.filter { $0.hasPrefix(prefix) }
                #expect(Array(map.keys[map.range(withPrefix: prefix)]) == expected)
                let prefixes = (0..<Int.random(in: 0...3, using: &random)).map { _ in randomKey(&random) }
                let union = sorted.filter { key in prefixes.contains { key.hasPrefix($0) } }
                #expect(map.ranges(withPrefixes: prefixes).flatMap { map.keys[$0] } == union)
                let restricted = map.restricted(to: map.ranges(withPrefixes: prefixes))
                #expect(restricted == SortedKeyMap(reference.filter { union.contains($0.key) }))
            }
        }
    }

    @Test func unsortedPairsKeepTheLastOfEqualKeys() {
        let map = SortedKeyMap(unsortedPairs: [("/b", "1"), ("/a", "2"), ("/b", "3"), ("/a", "4"), ("/c", "5")])
        #expect(map.keys == ["/a", "/b", "/c"])
        #expect(map.values == ["4", "3", "5"])
    }
}
