import Foundation

/// Go's float formatting (`strconv.FormatFloat`), which `fmt` and YAML/JSON printing rely on.
package enum GoFloat {
    /// The shortest decimal digits that round-trip, and the position of the decimal point: value = 0.DIGITS × 10^point.
    static func shortestDigits(_ value: Double) -> (digits: [UInt8], point: Int) {
        let text = "\(abs(value))"  // Swift prints the shortest round-tripping representation.
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits: [UInt8] = []
        var point = 0
        var seenDot = false
        for c in mantissa.utf8 {
            if c == UInt8(ascii: ".") {
                seenDot = true
                continue
            }
            digits.append(c - 48)
            if !seenDot { point += 1 }
        }
        // Strip leading zeros (0.001 -> 1 with point -2) and trailing zeros.
        while let first = digits.first, first == 0, digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while let last = digits.last, last == 0, digits.count > 1 { digits.removeLast() }
        if digits == [0] { return ([0], 1) }
        return (digits, point + exponent)
    }

    /// `strconv.FormatFloat(v, fmt, -1, 64)` for fmt `g`, `e`, `f` (shortest), or with a precision via C's exact
    /// conversion.
    package static func format(_ value: Double, verb: Character, precision: Int?) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let sign = value.sign == .minus ? "-" : ""
        if let precision {
            let spec: String
            switch verb {
            case "e", "E", "f", "F", "g", "G": spec = "%.\(precision)\(verb == "F" ? "f" : verb)"
            default: spec = "%.\(precision)g"
            }
            // glibc converts exactly, as Go does; its %g also drops trailing zeros like Go's.
            return String(format: spec, value)
        }
        let (digits, point) = shortestDigits(value)
        let digitText = String(decoding: digits.map { $0 + 48 }, as: UTF8.self)
        switch verb {
        case "e", "E":
            return sign + exponential(digitText, point: point, upper: verb == "E")
        case "f", "F":
            return sign + fixed(digits, point: point)
        default:
            // strconv's 'g' with the shortest precision: %e when the exponent is below -4 or at least 6.
            let exp = point - 1
            if exp < -4 || exp >= 6 {
                return sign + exponential(digitText, point: point, upper: verb == "G")
            }
            return sign + fixed(digits, point: point)
        }
    }

    private static func exponential(_ digits: String, point: Int, upper: Bool) -> String {
        var text = String(digits.first!)
        if digits.count > 1 { text += "." + digits.dropFirst() }
        let exp = point - 1
        let expText = abs(exp) < 10 ? "0\(abs(exp))" : "\(abs(exp))"
        return text + (upper ? "E" : "e") + (exp < 0 ? "-" : "+") + expText
    }

    private static func fixed(_ digits: [UInt8], point: Int) -> String {
        var text = ""
        if point <= 0 {
            text = "0." + String(repeating: "0", count: -point)
            text += String(decoding: digits.map { $0 + 48 }, as: UTF8.self)
        } else if point >= digits.count {
            text =
                String(decoding: digits.map { $0 + 48 }, as: UTF8.self)
                + String(repeating: "0", count: point - digits.count)
        } else {
            let chars = digits.map { Character(UnicodeScalar($0 + 48)) }
            text = String(chars[..<point]) + "." + String(chars[point...])
        }
        return text
    }

    /// `%#g`: Go keeps the decimal point and pads the mantissa with zeros to `significantDigits` digits
    /// (`2` → `2.00000`, `1e-07` → `1.00000e-07`).
    static func alternate(_ text: String, significantDigits: Int) -> String {
        guard text.allSatisfy({ !$0.isLetter || $0 == "e" || $0 == "E" }) else { return text }  // Inf, NaN
        let exponentStart = text.firstIndex { $0 == "e" || $0 == "E" } ?? text.endIndex
        var mantissa = String(text[..<exponentStart])
        let counted = mantissa.drop { $0 == "-" || $0 == "+" || $0 == "0" || $0 == "." }.filter(\.isNumber).count
        // A zero has one significant digit, its 0.
        let present = counted == 0 ? 1 : counted
        if !mantissa.contains(".") { mantissa += "." }
        mantissa += String(repeating: "0", count: max(0, significantDigits - present))
        return mantissa + text[exponentStart...]
    }
}
