import Foundation
import GoText

/// A value as a Go template sees it. Go's static types matter to templates (a function taking `[]string` refuses
/// a `[]interface{}`, `eq 1 1.0` is an error), so lists remember their element type.
enum Value: Sendable {
    /// Go's invalid `reflect.Value`: a missing map key, the nil top-level data. Prints `<no value>`.
    case missing
    /// A nil interface. Prints `<nil>`.
    case null
    case bool(Bool)
    case int(Int64)
    /// A `uint8`: a byte of a string, from `index`.
    case byte(UInt8)
    case float(Double)
    /// A Go string: bytes.
    case string(GoString)
    case list([Value], ListKind)
    /// `map[string]interface{}` (from `json` and `map`) or `map[string]string` (the `dot` of a check command).
    case map([GoString: Value], MapKind)
    /// confd's `memkv.KVPair`.
    case pair(key: GoString, value: GoString)
    /// `time.Time`, from `datetime`.
    /// Boxed, as `srv` is: a list of 100,000 strings then costs 24 bytes a value, not 48.
    indirect case time(GoTime)
    /// A `*net.SRV`, from `lookupSRV`.
    indirect case srv(target: String, port: Int64, priority: Int64, weight: Int64)

    enum ListKind: Sendable, Equatable {
        /// `pairs` is `memkv.KVPairs` (from `gets`); `pairSlice` is `[]memkv.KVPair` (from `sortKVByLength`), which
        /// `reverse` reverses and `gets`'s type is not.
        case strings, pairs, pairSlice, any, ints, srvs
        /// A nil slice of that type (confd's `jsonArray` of `null`, `seq` of an empty range): empty, but `eq` and
        /// `%#v` tell it from `[]`.
        indirect case nilOf(ListKind)
        var goName: String {
            switch self {
            case .strings: return "[]string"
            case .pairs: return "memkv.KVPairs"
            case .pairSlice: return "[]memkv.KVPair"
            case .any: return "[]interface {}"
            case .ints: return "[]int"
            case .srvs: return "[]*net.SRV"
            case .nilOf(let kind): return kind.goName
            }
        }
    }

    enum MapKind: Sendable, Equatable {
        case any, strings
        /// A nil `map[string]interface {}` (confd's `json` of `null`): empty, but `eq` and `%#v` tell it from `map[]`.
        case nilAny
    }

    /// Go's nil map or slice, which `eq` compares (equal to nil and to another nil) where a non-nil one is an error.
    var isNilCollection: Bool {
        switch self {
        case .list(_, .nilOf), .map(_, .nilAny): return true
        default: return false
        }
    }

    /// Go's name of the value's type, for error messages.
    var goTypeName: String {
        switch self {
        case .missing: return "<invalid>"
        case .null: return "<nil>"
        case .bool: return "bool"
        case .int: return "int"
        case .byte: return "uint8"
        case .float: return "float64"
        case .string: return "string"
        case .list(_, let kind): return kind.goName
        case .map(_, let kind): return kind == .strings ? "map[string]string" : "map[string]interface {}"
        case .pair: return "memkv.KVPair"
        case .time: return "time.Time"
        case .srv: return "*net.SRV"
        }
    }

    /// Go's `template` truth: false for the zero value, empty containers, nil and missing.
    var isTrue: Bool {
        switch self {
        case .missing, .null: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .byte(let b): return b != 0
        case .float(let f): return f != 0
        case .string(let s): return !s.isEmpty
        case .list(let items, _): return !items.isEmpty
        case .map(let entries, _): return !entries.isEmpty
        case .pair, .time, .srv: return true
        }
    }
}
