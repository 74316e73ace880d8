import Foundation
import GoText

#if canImport(Glibc)
    import Glibc
#endif

/// Calls one template function with evaluated arguments, converting them as Go's reflection would and
/// reporting Go's errors.
struct FunctionContext {
    let view: StoreView

    // MARK: Argument conversion

    private func arity(_ function: TemplateFunction, _ args: [Value], _ count: Int) throws {
        guard args.count == count else {
            throw EvalError("wrong number of args for \(function.rawValue): want \(count) got \(args.count)")
        }
    }

    private func atLeast(_ function: TemplateFunction, _ args: [Value], _ count: Int) throws {
        guard args.count >= count else {
            throw EvalError("wrong number of args for \(function.rawValue): want at least \(count) got \(args.count)")
        }
    }

    private func string(_ value: Value) throws -> GoString {
        switch value {
        case .string(let s): return s
        case .missing: throw EvalError("invalid value; expected string")
        default: throw EvalError("wrong type for value; expected string; got \(value.goTypeName)")
        }
    }

    private func int(_ value: Value) throws -> Int64 {
        switch value {
        case .int(let i): return i
        case .missing: throw EvalError("invalid value; expected int")
        default: throw EvalError("wrong type for value; expected int; got \(value.goTypeName)")
        }
    }

    private func strings(_ value: Value) throws -> [GoString] {
        switch value {
        case .list(let items, .strings): return items.map { if case .string(let s) = $0 { s } else { "" } }
        case .missing: return []
        case .null: throw EvalError("wrong type for value; expected []string; got interface {}")
        default: throw EvalError("wrong type for value; expected []string; got \(value.goTypeName)")
        }
    }

    /// Go passes a missing value to an `interface{}` parameter as nil.
    private func interface(_ value: Value) -> Value {
        if case .missing = value { return .null }
        return value
    }

    private static func stringList(_ items: [GoString]) -> Value {
        .list(items.map(Value.string), .strings)
    }

    // MARK: Dispatch

    mutating func call(_ function: TemplateFunction, _ args: [Value]) throws -> Value {
        switch function {
        case .and, .or:
            preconditionFailure("and/or are evaluated lazily by the evaluator")
        case .not:
            try arity(function, args, 1)
            return .bool(!args[0].isTrue)
        case .len:
            try arity(function, args, 1)
            switch args[0] {
            case .string(let s): return .int(Int64(s.count))
            case .list(let items, _): return .int(Int64(items.count))
            case .map(let entries, _): return .int(Int64(entries.count))
            case .missing, .null: throw EvalError("len of nil pointer")
            default: throw EvalError("len of type \(args[0].goTypeName)")
            }
        case .index:
            try atLeast(function, args, 1)
            return try Builtins.index(args[0], Array(args.dropFirst()))
        case .slice:
            try atLeast(function, args, 1)
            return try Builtins.slice(args[0], Array(args.dropFirst()))
        case .print:
            return .string(GoFormat.sprint(args.map(interface)))
        case .println:
            return .string(GoFormat.sprintln(args.map(interface)))
        case .printf:
            try atLeast(function, args, 1)
            return .string(GoFormat.sprintf(try string(args[0]), args.dropFirst().map(interface)))
        case .html:
            return .string(Escaping.html(Builtins.evalArgs(args.map(interface))))
        case .js:
            return .string(Escaping.js(Builtins.evalArgs(args.map(interface))))
        case .urlquery:
            return .string(Escaping.queryEscape(Builtins.evalArgs(args.map(interface))))
        case .call:
            try atLeast(function, args, 1)
            if case .null = interface(args[0]) { throw EvalError("call of nil") }
            throw EvalError("non-function of type \(args[0].goTypeName)")
        case .eq:
            try atLeast(function, args, 1)
            guard args.count >= 2 else { throw EvalError("missing argument for comparison") }
            for other in args.dropFirst() where try Builtins.equal(args[0], other) { return .bool(true) }
            return .bool(false)
        case .ne:
            try arity(function, args, 2)
            return .bool(!(try Builtins.equal(args[0], args[1])))
        case .lt, .le, .gt, .ge:
            try arity(function, args, 2)
            let less = try Builtins.less(args[0], args[1])
            let equal = try Builtins.equal(args[0], args[1])
            switch function {
            case .lt: return .bool(less)
            case .le: return .bool(less || equal)
            case .gt: return .bool(!less && !equal)
            default: return .bool(!less)
            }

        case .base:
            try arity(function, args, 1)
            return .string(GoPath.base(try string(args[0])))
        case .dir:
            try arity(function, args, 1)
            return .string(GoPath.dir(try string(args[0])))
        case .split:
            try arity(function, args, 2)
            return Self.stringList(GoStrings.split(try string(args[0]), try string(args[1])))
        case .join:
            try arity(function, args, 2)
            return .string(try strings(args[0]).joined(separator: try string(args[1])))
        case .toUpper:
            try arity(function, args, 1)
            return .string(GoStrings.mapRunes(try string(args[0]), upper: true))
        case .toLower:
            try arity(function, args, 1)
            return .string(GoStrings.mapRunes(try string(args[0]), upper: false))
        case .contains:
            try arity(function, args, 2)
            let (s, substring) = (try string(args[0]), try string(args[1]))
            return .bool(substring.isEmpty || GoStrings.index(of: substring, in: s) != nil)
        case .replace:
            try arity(function, args, 4)
            return .string(
                GoStrings.replace(try string(args[0]), try string(args[1]), try string(args[2]), Int(try int(args[3]))))
        case .trimSuffix:
            try arity(function, args, 2)
            let (s, suffix) = (try string(args[0]).bytes, try string(args[1]).bytes)
            if s.count >= suffix.count, s[(s.count - suffix.count)...].elementsEqual(suffix) {
                return .string(GoString(s[..<(s.count - suffix.count)]))
            }
            return .string(GoString(s))
        case .json:
            try arity(function, args, 1)
            let value = try GoJSON.parse(try string(args[0]).lossyText)
            if case .null = value { return .map([:], .nilAny) }
            guard case .map = value else {
                throw EvalError(
                    "json: cannot unmarshal \(GoJSON.kindName(value)) into Go value of type map[string]interface {}")
            }
            return value
        case .jsonArray:
            try arity(function, args, 1)
            let value = try GoJSON.parse(try string(args[0]).lossyText)
            if case .null = value { return .list([], .nilOf(.any)) }
            guard case .list = value else {
                throw EvalError("json: cannot unmarshal \(GoJSON.kindName(value)) into Go value of type []interface {}")
            }
            return value
        case .map:
            guard args.count % 2 == 0 else { throw EvalError("invalid map call") }
            var entries: [GoString: Value] = [:]
            var i = 0
            while i < args.count {
                guard case .string(let key) = args[i] else { throw EvalError("map keys must be strings") }
                entries[key] = interface(args[i + 1])
                i += 2
            }
            return .map(entries, .any)
        case .getenv:
            try atLeast(function, args, 1)
            let name = try string(args[0])
            let defaults = try args.dropFirst().map(string)
            let value = name.utf8Text.flatMap { ProcessInfo.processInfo.environment[$0] } ?? ""
            if value.isEmpty, let fallback = defaults.first { return .string(fallback) }
            return .string(GoString(value))
        case .datetime:
            try arity(function, args, 0)
            return .time(GoTime.now())
        case .fileExists:
            try arity(function, args, 1)
            var info = stat()
            // The path's bytes as they are; Go refuses a path holding a NUL.
            let path = try string(args[0]).bytes
            guard !path.contains(0) else { return .bool(false) }
            return .bool(stat(path.map { CChar(bitPattern: $0) } + [0], &info) == 0)
        case .base64Encode:
            try arity(function, args, 1)
            return .string(GoString(Data(try string(args[0]).bytes).base64EncodedString()))
        case .base64Decode:
            try arity(function, args, 1)
            return .string(try GoBase64.decode(try string(args[0])))
        case .parseBool:
            try arity(function, args, 1)
            let text = try string(args[0])
            switch text {
            case "1", "t", "T", "true", "TRUE", "True": return .bool(true)
            case "0", "f", "F", "false", "FALSE", "False": return .bool(false)
            default: throw EvalError("strconv.ParseBool: parsing \(GoFormat.quote(text).lossyText): invalid syntax")
            }
        case .reverse:
            try arity(function, args, 1)
            switch args[0] {
            // confd's type switch: `[]string` and `[]memkv.KVPair` only. What `gets` returns is `memkv.KVPairs`,
            // another type, and comes back as it is.
            case .list(let items, let kind) where kind == .strings || kind == .pairSlice:
                return .list(items.reversed(), kind)
            default:
                return interface(args[0])
            }
        case .sortByLength:
            try arity(function, args, 1)
            let items = try strings(args[0])
            // A stable sort (confd's is not, and scrambles ties above 12 elements).
            let sorted = items.enumerated().sorted {
                $0.element.count != $1.element.count ? $0.element.count < $1.element.count : $0.offset < $1.offset
            }
            return Self.stringList(sorted.map(\.element))
        case .sortKVByLength:
            try arity(function, args, 1)
            guard case .list(let items, let kind) = args[0], kind == .pairs || kind == .pairSlice else {
                if case .null = interface(args[0]) { return .list([], .pairSlice) }
                throw EvalError("wrong type for value; expected []memkv.KVPair; got \(args[0].goTypeName)")
            }
            func keyLength(_ value: Value) -> Int { if case .pair(let key, _) = value { key.count } else { 0 } }
            let sorted = items.enumerated().sorted {
                keyLength($0.element) != keyLength($1.element)
                    ? keyLength($0.element) < keyLength($1.element) : $0.offset < $1.offset
            }
            return .list(sorted.map(\.element), .pairSlice)
        case .add, .sub, .mul, .div, .mod:
            try arity(function, args, 2)
            let (a, b) = (try int(args[0]), try int(args[1]))
            switch function {
            case .add: return .int(a &+ b)
            case .sub: return .int(a &- b)
            case .mul: return .int(a &* b)
            case .div:
                guard b != 0 else { throw EvalError("runtime error: integer divide by zero") }
                return .int(a.dividedReportingOverflow(by: b).partialValue)
            default:
                guard b != 0 else { throw EvalError("runtime error: integer divide by zero") }
                return .int(a.remainderReportingOverflow(dividingBy: b).partialValue)
            }
        case .seq:
            try arity(function, args, 2)
            let (first, last) = (try int(args[0]), try int(args[1]))
            guard first <= last else { return .list([], .nilOf(.ints)) }  // confd appends to a nil slice
            // `last - first` itself overflows for far-apart bounds (seq -9223372036854775807 9223372036854775807).
            let span = last.subtractingReportingOverflow(first)
            guard !span.overflow, span.partialValue < 10_000_000 else { throw EvalError("range too large") }
            return .list((first...last).map(Value.int), .ints)
        case .atoi:
            try arity(function, args, 1)
            let text = try string(args[0])
            return .int(try GoStrings.atoi(text))
        case .lookupIP, .lookupIPV4, .lookupIPV6:
            try arity(function, args, 1)
            let addresses = Resolver.lookupIP(try string(args[0]).lossyText)
            let filtered: [String]
            switch function {
            case .lookupIPV4: filtered = addresses.filter { !$0.contains(":") }
            case .lookupIPV6: filtered = addresses.filter { $0.contains(":") }
            default: filtered = addresses
            }
            return Self.stringList(filtered.sorted(by: GoFormat.goLess).map { GoString($0) })
        case .lookupSRV:
            try arity(function, args, 3)
            let records = Resolver.lookupSRV(
                service: try string(args[0]).lossyText, proto: try string(args[1]).lossyText,
                name: try string(args[2]).lossyText)
            return .list(
                records.map { .srv(target: $0.target, port: $0.port, priority: $0.priority, weight: $0.weight) }, .srvs)

        case .exists:
            try arity(function, args, 1)
            return .bool(view.value(for: try string(args[0])) != nil)
        case .get:
            try arity(function, args, 1)
            let key = try string(args[0])
            guard let value = view.value(for: key) else { throw EvalError("key does not exist: \(key.lossyText)") }
            return .pair(key: key, value: value)
        case .gets:
            try arity(function, args, 1)
            let matches = try view.matching(try string(args[0]))
            return .list(matches.map { .pair(key: $0.key, value: $0.value) }, .pairs)
        case .getv:
            try atLeast(function, args, 1)
            let key = try string(args[0])
            let defaults = try args.dropFirst().map(string)
            if let value = view.value(for: key) { return .string(value) }
            if let fallback = defaults.first { return .string(fallback) }
            throw EvalError("key does not exist: \(key.lossyText)")
        case .getvs:
            try arity(function, args, 1)
            return .list(try view.sortedMatchingValues(try string(args[0])).map(Value.string), .strings)
        case .ls:
            try arity(function, args, 1)
            return Self.stringList(view.list(try string(args[0])))
        case .lsdir:
            try arity(function, args, 1)
            return Self.stringList(view.listDirectories(try string(args[0])))
        }
    }
}
