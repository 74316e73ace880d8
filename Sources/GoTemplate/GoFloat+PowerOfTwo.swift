/// Go's float verbs that show the binary exponent: `%x`/`%X` (`-0x1.8p+01`) and `%b` (`-6755399441055744p-51`).
extension GoFloat {
    /// `strconv.FormatFloat(value, 'x' or 'X', precision, 64)`: a leading `1` (or `0` for zero, never a subnormal's
    /// `0.`), hex digits of the fraction (the shortest when `precision` is `nil`, else rounded half to even to that
    /// many), and a power of two with at least two digits.
    static func hexadecimal(_ value: Double, upper: Bool, precision: Int?) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        var (mantissa, exponent) = normalized(value)
        if let precision, precision < 13 {
            (mantissa, exponent) = rounded(mantissa, exponent, hexDigits: precision)
        }
        let digits = Array((upper ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var text: [UInt8] = Array((value.sign == .minus ? "-" : "").utf8)
        text += (upper ? "0X" : "0x").utf8
        text.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: mantissa >> 60))
        var fraction = mantissa << 4
        let count = precision ?? (fraction == 0 ? 0 : 16 - fraction.trailingZeroBitCount / 4)
        if count > 0 { text.append(UInt8(ascii: ".")) }
        for _ in 0..<count {
            text.append(digits[Int(fraction >> 60)])
            fraction <<= 4
        }
        text += (upper ? "P" : "p").utf8
        text += (exponent < 0 ? "-" : "+").utf8
        let power = String(abs(exponent))
        text += (power.count < 2 ? "0" + power : power).utf8
        return String(decoding: text, as: UTF8.self)
    }

    /// `strconv.FormatFloat(value, 'b', -1, 64)`: the integer significand and the power of two it is multiplied by,
    /// as stored (`1` is `4503599627370496p-52`, zero `0p-1074`).
    static func binaryExponent(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let (significand, exponent) = stored(value)
        let sign = value.sign == .minus ? "-" : ""
        return sign + "\(significand)p" + (exponent >= 0 ? "+" : "") + "\(exponent)"
    }

    /// `%#x` and `%#X`: Go adds a point when there is none and, for `%#x` only, zeros up to `precision` (6 without
    /// one) counted from the first character that is not `0`, the `x` itself included (`1.5` → `0x1.8000p+00`).
    static func alternateHexadecimal(_ text: String, precision: Int?, upper: Bool) -> String {
        guard let exponentStart = text.firstIndex(where: { $0 == "p" || $0 == "P" }) else { return text }  // Inf, NaN
        var mantissa = String(text[..<exponentStart])
        let significant = mantissa.drop { $0 == "-" || $0 == "+" || $0 == "0" }.filter { $0 != "." }.count
        if !mantissa.contains(".") { mantissa += "." }
        if !upper { mantissa += String(repeating: "0", count: max(0, (precision ?? 6) - significant)) }
        return mantissa + text[exponentStart...]
    }

    /// `value`'s magnitude as stored: an integer significand (with the implicit leading bit of a normal number)
    /// times a power of two; zero is 0 × 2^-1074, as for the smallest subnormals.
    private static func stored(_ value: Double) -> (significand: UInt64, exponent: Int) {
        let biased = Int(value.exponentBitPattern)
        // A subnormal has no implicit bit and the smallest exponent.
        if biased == 0 { return (value.significandBitPattern, 1 - 1023 - 52) }
        return (value.significandBitPattern | 1 << 52, biased - 1023 - 52)
    }

    /// `value` as 1.fraction × 2^exponent with the leading 1 at bit 60 (subnormals shifted up to it); zero is 0 × 2^0.
    private static func normalized(_ value: Double) -> (mantissa: UInt64, exponent: Int) {
        guard value != 0 else { return (0, 0) }
        let (significand, exponent) = stored(value)
        let shift = significand.leadingZeroBitCount - 3  // the leading 1 to bit 60
        // value = significand × 2^exponent = (mantissa / 2^60) × 2^(exponent - shift + 60)
        return (significand << shift, exponent - shift + 60)
    }

    /// Keeps `hexDigits` digits of the fraction, rounding half to even; a carry out of the leading digit moves the
    /// point (`0x1.f8p+00` to one digit is `0x1.0p+01`).
    private static func rounded(_ mantissa: UInt64, _ exponent: Int, hexDigits: Int) -> (UInt64, Int) {
        let dropped = 60 - 4 * hexDigits
        let rest = mantissa & ((1 << dropped) - 1)
        let half: UInt64 = 1 << (dropped - 1)
        var kept = mantissa >> dropped
        if rest > half || (rest == half && kept & 1 == 1) { kept += 1 }
        var result = kept << dropped
        var power = exponent
        if result & (1 << 61) != 0 {
            result >>= 1
            power += 1
        }
        return (result, power)
    }
}
