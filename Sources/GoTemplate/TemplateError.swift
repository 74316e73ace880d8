/// A template that could not be parsed or rendered, located as `name:line:col` so the operator can open the file
/// at the right place: `templates/nginx.tmpl:12:9: getv: key does not exist: /test/x`.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The template's display name, usually its path relative to the confdir.
    public var name: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(name: String, line: Int, column: Int, message: String) {
        self.name = name
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(name):\(line):\(column): \(message)" }
}

/// An error raised while evaluating, before it is given a position.
struct EvalError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// `break` and `continue` unwind to the innermost `range`.
enum LoopControl: Error {
    case breakLoop
    case continueLoop
}
