/// Builds the node tree from tokens, following Go's text/template parser: control structures, `define`/`block`,
/// variable scopes, and checks that every function and variable exists.
struct Parser {
    private let tokens: [Token]
    private let name: String
    private var index = 0
    /// Variables in scope, innermost last.
    private var scopes: [[String]] = [["$"]]
    private var rangeDepth = 0
    /// 0 at the top level, where `define` is allowed; one more inside each `define`, `block`, `if`, `with`, `range`
    /// and parenthesized pipeline.
    private var nesting = 0
    /// The parser and the evaluator recurse once per level, so nesting is bounded to keep a hostile or broken
    /// template (`((((…` thousands deep) from overflowing the stack; real templates stay far below this.
    static let maximumNesting = 200
    private(set) var definitions: [String: [Node]] = [:]

    init(tokens: [Token], name: String) {
        self.tokens = tokens
        self.name = name
    }

    private func error(_ message: String, at token: Token) -> TemplateError {
        TemplateError(name: name, line: token.line, column: token.column, message: message)
    }

    private func error(_ message: String, at position: Position) -> TemplateError {
        TemplateError(name: name, line: position.line, column: position.column, message: message)
    }

    private var current: Token { tokens[index] }
    private func peek(_ offset: Int = 1) -> Token { tokens[min(index + offset, tokens.count - 1)] }

    private mutating func next() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func position(_ token: Token) -> Position { Position(line: token.line, column: token.column) }

    /// Enters one more level of nesting, or throws when that would go beyond `maximumNesting`.
    private mutating func enterNesting(at token: Token) throws {
        guard nesting < Self.maximumNesting else {
            throw error("nesting deeper than \(Self.maximumNesting) levels", at: token)
        }
        nesting += 1
    }

    /// Parses the whole template; `define`d templates land in `definitions`.
    mutating func parseTemplate() throws -> [Node] {
        var nodes: [Node] = []
        while current.kind != .eof {
            if current.kind == .leftDelim, peek().kind == .keyword, peek().text == "define" {
                try parseDefine()
                continue
            }
            let (list, terminator) = try parseList()
            nodes += list
            if let terminator {
                throw error("unexpected {{\(terminator.text)}}", at: terminator)
            }
        }
        return nodes
    }

    private mutating func parseDefine() throws {
        _ = next()  // {{
        let keyword = next()
        let nameToken = next()
        guard nameToken.kind == .string || nameToken.kind == .rawString else {
            throw error("name of template in define must be a string, found \(describe(nameToken))", at: nameToken)
        }
        let defined = try unquote(nameToken)
        try expectRightDelim(after: "define clause")
        // Restored on every exit: a caller further up unwinds its own scopes after an error too.
        let savedScopes = scopes
        scopes = [["$"]]
        try enterNesting(at: keyword)
        defer {
            nesting -= 1
            scopes = savedScopes
        }
        let (list, terminator) = try parseList()
        guard let terminator, terminator.text == "end" else {
            throw error(
                terminator == nil ? "unexpected EOF in define" : "unexpected {{else}} in define",
                at: terminator ?? keyword)
        }
        definitions[defined] = list
    }

    /// Parses nodes until `{{end}}`, `{{else}}` or EOF; returns the terminating keyword token (already consumed,
    /// including its closing delimiter for `end`; for `else`, the rest of the action is left to the caller).
    private mutating func parseList() throws -> ([Node], Token?) {
        var nodes: [Node] = []
        while true {
            switch current.kind {
            case .eof:
                return (nodes, nil)
            case .text:
                nodes.append(.text(next().bytes))
            case .leftDelim:
                let delim = next()
                if current.kind == .keyword {
                    let keyword = current
                    switch keyword.text {
                    case "end":
                        _ = next()
                        try expectRightDelim(after: "end")
                        return (nodes, keyword)
                    case "else":
                        _ = next()
                        return (nodes, keyword)
                    case "if": nodes.append(try parseBranch(kind: "if"))
                    case "with": nodes.append(try parseBranch(kind: "with"))
                    case "range": nodes.append(try parseBranch(kind: "range"))
                    case "template": nodes.append(try parseTemplateCall())
                    case "block": nodes.append(try parseBlock())
                    case "break", "continue":
                        _ = next()
                        guard rangeDepth > 0 else { throw error("{{\(keyword.text)}} outside {{range}}", at: keyword) }
                        try expectRightDelim(after: keyword.text)
                        nodes.append(
                            keyword.text == "break" ? .breakLoop(position(keyword)) : .continueLoop(position(keyword)))
                    case "define":
                        guard nesting == 0 else { throw error("unexpected <define> in command", at: keyword) }
                        index -= 1  // back to the delimiter
                        try parseDefine()
                    default:
                        throw error("unexpected keyword \(keyword.text)", at: keyword)
                    }
                } else {
                    let pipeline = try parsePipeline(context: "command", allowDeclarations: true, start: delim)
                    nodes.append(.action(pipeline))
                }
            default:
                throw error("unexpected \(describe(current))", at: current)
            }
        }
    }

    private mutating func parseBranch(kind: String) throws -> Node {
        let keyword = next()
        // As in Go, `define` is only allowed at the top level, not inside if/with/range.
        try enterNesting(at: keyword)
        scopes.append([])
        defer {
            scopes.removeLast()
            nesting -= 1
        }
        let pipeline = try parsePipeline(
            context: kind, allowDeclarations: true, start: keyword, isRange: kind == "range")
        if kind == "range" { rangeDepth += 1 }
        let (list, firstTerminator) = try parseList()
        var terminator = firstTerminator
        if kind == "range" { rangeDepth -= 1 }
        var elseList: [Node]?
        guard var term = terminator else { throw error("unexpected EOF", at: current) }
        if term.text == "else" {
            // `{{else if ...}}` / `{{else with ...}}` chain into a nested branch that shares the same {{end}}.
            if (kind == "if" || kind == "with"), current.kind == .keyword, current.text == kind {
                let nested = try parseBranch(kind: kind)
                elseList = [nested]
                return makeBranch(kind, Branch(pipeline: pipeline, list: list, elseList: elseList))
            }
            try expectRightDelim(after: "else")
            scopes.append([])
            defer { scopes.removeLast() }
            (elseList, terminator) = try parseList()
            guard let elseTerm = terminator else { throw error("unexpected EOF", at: current) }
            term = elseTerm
            if term.text == "else" { throw error("expected end; found {{else}}", at: term) }
        }
        return makeBranch(kind, Branch(pipeline: pipeline, list: list, elseList: elseList))
    }

    private func makeBranch(_ kind: String, _ branch: Branch) -> Node {
        switch kind {
        case "if": return .ifNode(branch)
        case "with": return .withNode(branch)
        default: return .rangeNode(branch)
        }
    }

    private mutating func parseTemplateCall() throws -> Node {
        let (keyword, called, pipeline) = try parseNameAndPipeline(clause: "template clause")
        return .template(name: called, pipeline: pipeline, position: position(keyword))
    }

    /// `"name" [pipeline]}}` after `template` or `block`.
    private mutating func parseNameAndPipeline(clause: String) throws -> (Token, String, Pipeline?) {
        let keyword = next()
        let nameToken = next()
        guard nameToken.kind == .string || nameToken.kind == .rawString else {
            throw error("unexpected \(describe(nameToken)) in \(clause)", at: nameToken)
        }
        let called = try unquote(nameToken)
        var pipeline: Pipeline?
        if current.kind != .rightDelim {
            pipeline = try parsePipeline(context: clause, allowDeclarations: false, start: keyword)
        } else {
            _ = next()
        }
        return (keyword, called, pipeline)
    }

    private mutating func parseBlock() throws -> Node {
        let (keyword, called, pipeline) = try parseNameAndPipeline(clause: "block clause")
        let savedScopes = scopes
        scopes = [["$"]]
        try enterNesting(at: keyword)
        defer {
            nesting -= 1
            scopes = savedScopes
        }
        let (list, terminator) = try parseList()
        guard let terminator, terminator.text == "end" else {
            throw error("unexpected EOF in block clause", at: terminator ?? keyword)
        }
        definitions[called] = list
        return .template(name: called, pipeline: pipeline, position: position(keyword))
    }

    private mutating func expectRightDelim(after what: String) throws {
        guard current.kind == .rightDelim else {
            throw error("unexpected \(describe(current)) in \(what)", at: current)
        }
        _ = next()
    }

    /// Parses a pipeline up to and including the closing delimiter (or up to a `)` when nested).
    private mutating func parsePipeline(
        context: String, allowDeclarations: Bool, start: Token, isRange: Bool = false, nested: Bool = false
    ) throws -> Pipeline {
        var variables: [String] = []
        var isAssignment = false
        let startPosition = Position(line: current.line, column: current.column)
        // Declarations: `$x :=`, `$x =`, `$i, $x :=`.
        if allowDeclarations, current.kind == .variable {
            var lookahead = index
            var names: [String] = []
            while tokens[lookahead].kind == .variable {
                names.append(tokens[lookahead].text)
                let after = tokens[lookahead + 1]
                if after.kind == .comma && isRange && names.count == 1 {
                    lookahead += 2
                    continue
                }
                break
            }
            let operatorToken = tokens[lookahead + 1]
            if operatorToken.kind == .declare || operatorToken.kind == .assign {
                if names.count > 1, !isRange {
                    throw error("too many declarations in \(context)", at: operatorToken)
                }
                if operatorToken.kind == .assign {
                    for name in names where !isDefined(name) {
                        throw error("undefined variable \"\(name)\"", at: tokens[index])
                    }
                }
                variables = names
                isAssignment = operatorToken.kind == .assign
                index = lookahead + 2
            } else if tokens[lookahead + 1].kind == .comma, isRange {
                throw error("range can only initialize variables", at: tokens[lookahead + 1])
            }
        }
        var commands: [Command] = []
        while true {
            if current.kind == .rightDelim && !nested {
                _ = next()
                break
            }
            if current.kind == .rightParen && nested {
                _ = next()
                break
            }
            if current.kind == .eof {
                throw error(nested ? "unclosed left paren" : "unclosed action", at: start)
            }
            let command = try parseCommand(nested: nested)
            commands.append(command)
            if current.kind == .pipe {
                _ = next()
                if current.kind == .rightDelim || current.kind == .rightParen {
                    throw error("missing command after |", at: current)
                }
            }
        }
        if commands.isEmpty {
            throw error("missing value for \(context)", at: startPosition)
        }
        // Declared variables come into scope after the pipeline.
        if !isAssignment { for name in variables { scopes[scopes.count - 1].append(name) } }
        // A command other than the first cannot start with a non-function operand that takes the piped value;
        // Go reports that at execution, which we do too.
        return Pipeline(position: startPosition, variables: variables, isAssignment: isAssignment, commands: commands)
    }

    private func isDefined(_ variable: String) -> Bool {
        scopes.contains { $0.contains(variable) }
    }

    private mutating func parseCommand(nested: Bool) throws -> Command {
        let startPosition = Position(line: current.line, column: current.column)
        var operands: [Operand] = []
        while true {
            switch current.kind {
            case .rightDelim, .pipe:
                if nested, current.kind == .rightDelim { throw error("unclosed left paren", at: current) }
                guard !operands.isEmpty else { throw error("missing value for command", at: current) }
                return Command(position: startPosition, operands: operands)
            case .rightParen:
                guard nested else { throw error("unexpected right paren", at: current) }
                guard !operands.isEmpty else { throw error("missing value for command", at: current) }
                return Command(position: startPosition, operands: operands)
            default:
                if !operands.isEmpty && !current.spaceBefore && current.kind != .leftParen {
                    throw error("missing space?", at: current)
                }
                operands.append(try parseOperand())
            }
        }
    }

    private mutating func parseOperand() throws -> Operand {
        let token = next()
        let here = position(token)
        var term: Operand
        switch token.kind {
        case .dot: term = .dot(here)
        case .nilValue: term = .nilValue(here)
        case .bool: term = .constant(.bool(token.text == "true"), isNumber: false, text: token.text, here)
        case .string, .rawString: term = .constant(.string(try unquote(token)), isNumber: false, text: token.text, here)
        case .char:
            let text = try unquote(token)
            guard text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first else {
                throw error("malformed character constant: \(token.text)", at: token)
            }
            term = .constant(.int(Int64(scalar.value)), isNumber: true, text: token.text, here)
        case .number:
            term = .constant(try number(token), isNumber: true, text: token.text, here)
        case .field:
            var fields = [String(token.text.dropFirst())]
            while current.kind == .field, !current.spaceBefore { fields.append(String(next().text.dropFirst())) }
            return .field(fields, here)
        case .variable:
            guard isDefined(token.text) else { throw error("undefined variable \"\(token.text)\"", at: token) }
            var fields: [String] = []
            while current.kind == .field, !current.spaceBefore { fields.append(String(next().text.dropFirst())) }
            return .variable(token.text, fields, here)
        case .identifier:
            guard let function = TemplateFunction(rawValue: token.text) else {
                throw error("function \"\(token.text)\" not defined", at: token)
            }
            term = .function(function, here)
        case .leftParen:
            try enterNesting(at: token)
            defer { nesting -= 1 }
            term = .pipeline(
                try parsePipeline(
                    context: "parenthesized pipeline", allowDeclarations: false, start: token, nested: true))
        default:
            throw error("unexpected \(describe(token)) in operand", at: token)
        }
        if current.kind == .field, !current.spaceBefore {
            var fields: [String] = []
            while current.kind == .field, !current.spaceBefore { fields.append(String(next().text.dropFirst())) }
            switch term {
            case .constant, .nilValue, .dot:
                throw error("unexpected . after term \(GoFormat.quote(token.text))", at: token)
            default:
                term = .chain(term, fields, here)
            }
        }
        return term
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .eof: return "EOF"
        case .rightDelim: return "\"}}\""
        case .leftDelim: return "\"{{\""
        case .text: return "text"
        case .keyword: return "<\(token.text)>"
        default: return "\(GoFormat.quote(token.text))"
        }
    }

    private func number(_ token: Token) throws -> Value {
        var text = token.text
        guard !text.hasSuffix("i") else {
            throw error("complex number \(token.text) is not supported", at: token)
        }
        let negative = text.hasPrefix("-")
        if text.hasPrefix("-") || text.hasPrefix("+") { text.removeFirst() }
        // Underscores must sit between digits.
        if text.contains("_") {
            if text.hasPrefix("_") || text.hasSuffix("_") || text.contains("__") {
                throw error("bad number syntax: \"\(token.text)\"", at: token)
            }
            text = text.replacingOccurrences(of: "_", with: "")
        }
        let lower = text.lowercased()
        let (radix, digits) = GoIntegerLiteral.radixAndDigits(Substring(lower))
        let isFloatSyntax =
            radix == 10 ? (lower.contains(".") || lower.contains("e")) : (radix == 16 && lower.contains("p"))
        if !isFloatSyntax {
            guard !digits.isEmpty, let magnitude = UInt64(digits, radix: radix) else {
                throw error("bad number syntax: \"\(token.text)\"", at: token)
            }
            guard let value = GoIntegerLiteral.signed(magnitude, negative: negative) else {
                throw error(
                    negative ? "bad number syntax: \"\(token.text)\"" : "integer overflow: \(token.text)", at: token)
            }
            return .int(value)
        }
        let value: Double?
        if radix == 16 {
            value = Double(lower.hasPrefix("0x") ? "0x" + lower.dropFirst(2) : lower)
        } else {
            value = Double(lower)
        }
        guard let value, lower.first != "e" else { throw error("bad number syntax: \"\(token.text)\"", at: token) }
        return .float(negative ? -value : value)
    }

    /// Go's `strconv.Unquote` for "…", `…` and '…'.
    private func unquote(_ token: Token) throws -> String {
        let text = token.text
        if token.kind == .rawString {
            return String(text.dropFirst().dropLast()).replacingOccurrences(of: "\r", with: "")
        }
        let scalars = Array(text.unicodeScalars.dropFirst().dropLast())
        var out = String.UnicodeScalarView()
        var i = 0
        func fail() -> TemplateError { error("invalid syntax: \(text)", at: token) }
        while i < scalars.count {
            let c = scalars[i]
            i += 1
            guard c == "\\" else {
                out.append(c)
                continue
            }
            guard i < scalars.count else { throw fail() }
            let e = scalars[i]
            i += 1
            switch e {
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "v": out.append("\u{0B}")
            case "\\": out.append("\\")
            case "'":
                guard token.kind == .char else { throw fail() }
                out.append("'")
            case "\"":
                guard token.kind == .string else { throw fail() }
                out.append("\"")
            case "x", "u", "U":
                let count = e == "x" ? 2 : (e == "u" ? 4 : 8)
                guard i + count <= scalars.count,
                    let value = UInt32(String(String.UnicodeScalarView(scalars[i..<(i + count)])), radix: 16)
                else { throw fail() }
                i += count
                if e == "x" {
                    // A byte; templates here hold UTF-8 text, so bytes above 0x7F stand for themselves as Latin-1.
                    out.append(UnicodeScalar(UInt8(value)))
                } else {
                    guard let scalar = UnicodeScalar(value) else { throw fail() }
                    out.append(scalar)
                }
            case "0"..."7":
                guard i + 2 <= scalars.count,
                    let value = UInt32(String(String.UnicodeScalarView([e] + scalars[i..<(i + 2)])), radix: 8),
                    value <= 255
                else { throw fail() }
                i += 2
                out.append(UnicodeScalar(UInt8(value)))
            default:
                throw fail()
            }
        }
        return String(out)
    }
}
