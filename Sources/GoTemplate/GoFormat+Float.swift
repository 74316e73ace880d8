import GoText

/// `fmt`'s verbs for a float64: `%v %g %G %e %E %f %F %x %X %b`, with `#`, sign, width and precision as Go applies
/// them; `nil` for a verb a float does not take.
extension GoFormat {
    static func formatFloat(_ f: Double, verb: Character, spec: Spec) -> String? {
        var text: String
        switch verb {
        case "g" where spec.sharp, "G" where spec.sharp:
            let digits = max(1, spec.precision ?? 6)
            text = GoFloat.alternate(GoFloat.format(f, verb: verb, precision: digits), significantDigits: digits)
        case "v", "g", "G":
            text = GoFloat.format(f, verb: verb == "G" ? "G" : "g", precision: spec.precision)
        case "e", "E", "f", "F":
            text = GoFloat.format(f, verb: verb, precision: spec.precision ?? 6)
        case "x", "X":
            text = GoFloat.hexadecimal(f, upper: verb == "X", precision: spec.precision)
            if spec.sharp {
                text = GoFloat.alternateHexadecimal(text, precision: spec.precision, upper: verb == "X")
            }
        case "b":
            text = GoFloat.binaryExponent(f)
        default:
            return nil
        }
        var sign = ""
        if text.hasPrefix("-") {
            sign = "-"
            text.removeFirst()
        } else if text.hasPrefix("+") {
            text.removeFirst()
            sign = "+"
        } else if spec.plus {
            sign = "+"
        } else if spec.space {
            sign = " "
        }
        if f.isInfinite || f.isNaN {
            if f.isNaN { sign = spec.plus ? "+" : (spec.space ? " " : "") }
            return pad(GoString(sign + text), spec).lossyText
        }
        return padNumber(sign: sign, prefix: "", digits: text, spec: spec, allowZero: true)
    }
}
