import Testing

@testable import Core
@testable import GoTemplate
@testable import GoText

@Suite struct ValueOrderCacheTests {
    @Test(arguments: [1, 2, 3, 4])
    func patchedOrdersAreExactlyTheFullSortsThroughEveryKindOfChange(seed: UInt64) {
        var random = SplitMix(state: seed)
        // Few distinct values, so equal values (ordered by key) are common.
        func value() -> GoString { "10.0.0.\(Int.random(in: 1...40, using: &random)):80" }
        var map = SortedKeyMap()
        for number in 0..<300 { map.set(value(), for: "/test/k\(number)") }
        let cache = ValueOrderCache()
        for step in 0..<200 {
            let changes = step % 25 == 0 ? 100 : Int.random(in: 1...4, using: &random)
            for _ in 0..<changes {
                let key: GoString = "/test/k\(Int.random(in: 0..<400, using: &random))"
                switch Int.random(in: 0..<3, using: &random) {
                case 0: map.remove(key)
                default: map.set(value(), for: key)
                }
            }
            let order = cache.order(of: "/test/*", keys: map.keys, values: map.values)
            #expect(order == GoFormat.byteOrder(of: map.values), "seed \(seed), step \(step)")
        }
    }

    @Test func eachPatternKeepsItsOwnOrder() {
        let cache = ValueOrderCache()
        let a = cache.order(of: "/a/*", keys: ["/a/1", "/a/2"], values: ["z", "y"])
        let b = cache.order(of: "/b/*", keys: ["/b/1", "/b/2", "/b/3"], values: ["a", "c", "b"])
        #expect(a == [1, 0] && b == [0, 2, 1])
        #expect(cache.order(of: "/a/*", keys: ["/a/1", "/a/2", "/a/3"], values: ["z", "y", "x"]) == [2, 1, 0])
        #expect(cache.order(of: "/b/*", keys: ["/b/1", "/b/3"], values: ["a", "b"]) == [0, 1])
    }

    @Test func getvsThroughTheCacheRendersWhatItRendersWithout() throws {
        let template = try Template(source: "{{range getvs \"/test/*\"}}{{.}},{{end}}", name: "t")
        var map = SortedKeyMap()
        for port in [8003, 8001, 8002] { map.set("127.0.0.1:\(port)", for: "/test/b\(port)") }
        let cache = ValueOrderCache()
        for port in [8000, 8009, 8005] {
            map.set("127.0.0.1:\(port)", for: "/test/a\(port)")
            let cached = try template.render(StoreView(map, orderCache: cache))
            let plain = try template.render(StoreView(map))
            #expect(cached == plain)
        }
    }

    @Test func glibcKeepsFreedMemoryForReuse() {
        #expect(HeapTuning.keepFreedMemoryForReuse())
    }
}
