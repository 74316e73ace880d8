import Testing

@testable import Core
@testable import GoTemplate
@testable import GoText

@Suite struct YAMLFlattenerTests {
    func flatten(_ yaml: String) throws -> [GoString: GoString] {
        var pairs: [GoString: GoString] = [:]
        try YAMLFlattener.flatten(yaml, file: "keys.yaml", into: &pairs)
        return pairs
    }

    @Test func nestedMapsAndListsFlattenAsConfd() throws {
        let pairs = try flatten(
            """
            test:
              apache-8001: 127.0.0.1:8001
            app:
              servers:
                - a
                - b
                - host: c
            "/flat/key": v
            "a//b/../c": cleaned
            """)
        #expect(
            pairs == [
                "/test/apache-8001": "127.0.0.1:8001", "/app/servers/0": "a", "/app/servers/1": "b",
                "/app/servers/2/host": "c", "/flat/key": "v", "/a/c": "cleaned",
            ])
    }

    @Test func joinAgreesWithCleaningTheWholePathForEveryShapeOfBaseAndElement() {
        // Go: path.Join(a, b) == path.Clean(a + "/" + b), empty parts ignored. The fast paths must not change that.
        let pieces = [
            "", "/", ".", "..", "a", "/a", "a/", "/a/b", "a/b", "//a", "/a//b", "/./a", "/a/..", "b.c", "...",
        ]
        for base in pieces {
            for element in pieces {
                let parts = [base, element].filter { !$0.isEmpty }
                let expected = parts.isEmpty ? "" : GoPath.clean(parts.joined(separator: "/"))
                #expect(GoPath.join(base, element) == expected, "join(\"\(base)\", \"\(element)\")")
                if GoPath.isClean(base) {
                    #expect(GoPath.join(base, element, baseIsClean: true) == expected)
                }
            }
        }
    }

    @Test func dotElementsAreCleanedAwayAndOtherDotsKept() throws {
        let pairs = try flatten(
            """
            top:
              ".": here
              "..": up
              "...": three
              ".hidden": h
              inner:
                "..": parent
            """)
        #expect(pairs == ["/top": "parent", "/": "up", "/top/...": "three", "/top/.hidden": "h"])
    }

    @Test(arguments: [
        ("yes", "true"), ("on", "true"), ("y", "true"), ("True", "true"), ("no", "false"), ("off", "false"),
        ("N", "false"), ("1.50", "1.5"), ("2.0", "2"), ("0755", "493"), ("0x1F", "31"), ("0o17", "15"),
        ("0b101", "5"), ("1_000", "1000"), ("+12", "12"), ("-7", "-7"), (".inf", "+Inf"), ("-.Inf", "-Inf"),
        (".nan", "NaN"), ("1e3", "1000"), ("6.02e23", "602000000000000000000000"), ("08", "8"),
        ("\"8080\"", "8080"), ("'yes'", "yes"), ("\"\"", ""), ("2001-12-14", "2001-12-14"),
        ("127.0.0.1:8001", "127.0.0.1:8001"), ("1.2.3", "1.2.3"), ("0x", "0x"), ("abc", "abc"),
        ("9223372036854775807", "9223372036854775807"), ("-9223372036854775808", "-9223372036854775808"),
    ])
    func scalarsPrintAsGoPrintsTheDecodedValue(yaml: String, expected: String) throws {
        #expect(try flatten("k: \(yaml)") == ["/k": GoString(expected)])
    }

    @Test(arguments: ["~", "null", "Null", "NULL", ""])
    func nullsRemoveTheKey(yaml: String) throws {
        #expect(try flatten("k: \(yaml)\nother: x") == ["/other": "x"])
    }

    @Test func integersAboveInt64AreDroppedAsConfdDrops() throws {
        #expect(try flatten("k: 18446744073709551615\nj: 1") == ["/j": "1"])
    }

    @Test func laterFilesOverrideEarlierKeys() throws {
        var pairs: [GoString: GoString] = [:]
        try YAMLFlattener.flatten("a: 1\nb: 2", file: "one.yaml", into: &pairs)
        try YAMLFlattener.flatten("a: 3", file: "two.yaml", into: &pairs)
        #expect(pairs == ["/a": "3", "/b": "2"])
    }

    @Test func mergeKeysAreApplied() throws {
        let pairs = try flatten(
            """
            defaults: &d
              port: 80
              host: x
            web:
              <<: *d
              host: z
            """)
        #expect(pairs["/web/port"] == "80")
        #expect(pairs["/web/host"] == "z")
    }

    @Test func aNonStringKeyIsAClearErrorNotACrash() {
        let error = #expect(throws: YAMLError.self) { try flatten("app:\n  1: x\n") }
        #expect(error?.description.hasPrefix("keys.yaml:2:3: map key \"1\" is not a string") == true)
        #expect(error?.description.contains("quote it") == true)
        let boolKey = #expect(throws: YAMLError.self) { try flatten("yes: x\n") }
        #expect(boolKey?.description.contains("a boolean") == true)
    }

    @Test func malformedYAMLNamesFileLineAndColumn() {
        let error = #expect(throws: YAMLError.self) { try flatten("a: [1, 2\nb: c\n") }
        #expect(error?.description.hasPrefix("keys.yaml:") == true)
        let tabs = #expect(throws: YAMLError.self) { try flatten("a:\n\t- b\n") }
        #expect(tabs?.description.hasPrefix("keys.yaml:2:") == true)
    }

    @Test func aTopLevelListIsRefused() {
        let error = #expect(throws: YAMLError.self) { try flatten("- a\n- b\n") }
        #expect(error?.description == "keys.yaml:1:1: the top level must be a mapping of keys, found a sequence")
    }

    @Test func anEmptyDocumentHasNoKeys() throws {
        #expect(try flatten("") == [:])
        #expect(try flatten("# only a comment\n") == [:])
    }

    @Test func aliasesRepeatTheirAnchorsNode() throws {
        let pairs = try flatten(
            """
            base: &b
              - 127.0.0.1:1
              - port: &p 80
            copy: *b
            port: *p
            list:
              <<: [{a: 1}, {a: 2, b: 3}]
            """)
        #expect(pairs["/copy/0"] == "127.0.0.1:1")
        #expect(pairs["/copy/1/port"] == "80")
        #expect(pairs["/port"] == "80")
        #expect(pairs["/list/b"] == "3")
    }

    @Test func anUndefinedAliasOrASecondDocumentIsRefused() {
        let alias = #expect(throws: YAMLError.self) { try flatten("a: *nowhere\n") }
        #expect(alias?.description.hasPrefix("keys.yaml:1:4:") == true)
        #expect(alias?.description.contains("undefined alias") == true)
        let second = #expect(throws: YAMLError.self) { try flatten("a: 1\n---\nb: 2\n") }
        #expect(second?.description.contains("single document") == true)
    }

    @Test func exponentialAliasesAndDeepNestingAreRefusedNotFollowed() {
        var laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let previous = "*a\(level - 1)"
            laughs += "a\(level): &a\(level) [" + Array(repeating: previous, count: 10).joined(separator: ", ") + "]\n"
        }
        // A small budget keeps the debug build quick; the default (a million) is only larger.
        var pairs: [GoString: GoString] = [:]
        let expansion = #expect(throws: YAMLError.self) {
            try YAMLFlattener.flatten(laughs, file: "keys.yaml", into: &pairs, maximumExpansion: 5000)
        }
        #expect(expansion?.description.contains("aliases expand to more than 5000 extra nodes") == true)
        let deep = "a: " + String(repeating: "[", count: 2000) + String(repeating: "]", count: 2000) + "\n"
        let nesting = #expect(throws: YAMLError.self) { try flatten(deep) }
        #expect(nesting?.description.contains("nested deeper than 1000 levels") == true)
        // Unclosed, 100 KB deep (a fuzzer find): refused at level 1001 instead of being parsed to the end.
        let unclosed = #expect(throws: YAMLError.self) { try flatten("a: " + String(repeating: "[", count: 100_000)) }
        #expect(unclosed?.description == "keys.yaml:1:1003: nested deeper than 1000 levels")
    }

    /// The one-pass walk must give the general walk's keys for every document it takes, and leave the rest to it
    /// without changing what the general walk then gives (from pairs an earlier file left).
    @Test func theOnePassWalkAgreesWithTheGeneralWalk() throws {
        let earlier: [GoString: GoString] = ["/a": "old", "/gone": "old", "/list/0": "old", "/x/y": "old"]
        let onePass = [
            "a: 1\nb: two\n", "a: ~\n", "gone: null\nkeep: yes\n", "list: [p, ~, {q: 1}, [r, s]]\n",
            "x:\n  h: 0x1F\n  z: 1.50\n  w: 99999999999999999999\n", "'/x/./y': quoted\n", "a: 1\na: 2\na: ~\n",
            "a: &anchor 1\nb: 2\n", "{}\n", "# only a comment\n", "---\na: 1\n...\n", "a: !!str 7\n",
            "\"caf\\xe9\": \"\\xe9\"\n", "a:\n  - - - deep\n",
        ]
        let general = [
            "base: &b {p: 1}\nuse: *b\n", "d: &d {a: 1, b: 2}\nm:\n  a: 3\n  <<: *d\n", "1: one\n", "true: t\n",
            "? [k]\n: v\n", "- a\n", "plain\n", "a: 1\n---\nb: 2\n", "a: [\n", "a: *nowhere\n",
            "a: " + String(repeating: "[", count: 1001) + String(repeating: "]", count: 1001) + "\n",
        ]
        for (document, isOnePass) in onePass.map({ ($0, true) }) + general.map({ ($0, false) }) {
            let bytes = Array(document.utf8)
            var expected = earlier
            let expectedError = bytes.withUnsafeBufferPointer { text in
                Result {
                    try YAMLFlattener.flattenWalkingItems(text, file: "k.yaml", into: &expected, maximumExpansion: 100)
                }
            }
            var streamed = earlier
            let taken = bytes.withUnsafeBufferPointer { YAMLStreamingWalk.flatten($0, into: &streamed) }
            #expect(taken == isOnePass, "\(document)")
            if taken {
                #expect((try? expectedError.get()) != nil, "\(document)")
                #expect(streamed == expected, "\(document)")
            }
            var whole = earlier
            let wholeError = bytes.withUnsafeBufferPointer { text in
                Result { try YAMLFlattener.flatten(text, file: "k.yaml", into: &whole, maximumExpansion: 100) }
            }
            switch (expectedError, wholeError) {
            case (.success, .success): #expect(whole == expected, "\(document)")
            case (.failure(let a), .failure(let b)): #expect("\(a)" == "\(b)", "\(document)")
            default: Issue.record("one path failed and the other did not: \(document)")
            }
        }
    }
}
