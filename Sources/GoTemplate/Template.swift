import GoText

/// A confd template: Go's text/template dialect with confd's functions, parsed once and rendered many times.
public struct Template: Sendable {
    /// The name errors use, e.g. `templates/nginx.tmpl`.
    public let name: String
    private let root: [Node]
    private let definitions: [String: [Node]]

    /// Parses `source`.
    /// - Throws: `TemplateError` naming `name:line:col` and what is wrong.
    public init(source: String, name: String) throws {
        try self.init(source: Array(source.utf8), name: name)
    }

    /// Parses a template file's bytes as Go does: text outside actions is copied byte for byte, whatever it holds.
    /// - Throws: `TemplateError` naming `name:line:col` and what is wrong.
    public init(source: [UInt8], name: String) throws {
        self.name = name
        var lexer = Lexer(source: source, name: name)
        let tokens = try lexer.run()
        var parser = Parser(tokens: tokens, name: name)
        root = try parser.parseTemplate()
        definitions = parser.definitions
    }

    /// Renders against one resource's view of the store.
    /// - Parameters:
    ///   - view: the keys the template may read.
    ///   - dot: the value of `.`; `nil` renders with Go's nil data, as confd does (`{{.}}` prints `<no value>`).
    /// - Throws: `TemplateError` naming `name:line:col` and what failed (`getv: key does not exist: /x`).
    public func render(_ view: StoreView, dot: [String: String]? = nil) throws -> [UInt8] {
        let dotValue: Value =
            dot.map {
                .map(Dictionary(uniqueKeysWithValues: $0.map { (GoString($0), .string(GoString($1))) }), .strings)
            }
            ?? .missing
        var evaluator = Evaluator(name: name, view: view, definitions: definitions, dot: dotValue)
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        do {
            try evaluator.walk(root, dot: dotValue, out: &out)
        } catch is LoopControl {
            // The parser only allows break/continue inside a range, which catches them.
        }
        return out
    }

    /// Renders to a `String` (for tests and previews).
    public func renderString(_ view: StoreView, dot: [String: String]? = nil) throws -> String {
        String(decoding: try render(view, dot: dot), as: UTF8.self)
    }
}
