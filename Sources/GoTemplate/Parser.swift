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

    func error(_ message: String, at token: Token) -> TemplateError {
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
        let defined = try unquote(nameToken).lossyText
        try expectRightDelim(after: "define clause")
        let (list, terminator) = try parseDefinitionBody(at: keyword)
        guard let terminator, terminator.text == "end" else {
            throw error(
                terminator == nil ? "unexpected EOF in define" : "unexpected {{else}} in define",
                at: terminator ?? keyword)
        }
        try define(defined, list, at: keyword)
    }

    /// The body of a `define` or `block`: a template of its own, so the caller's variables and ranges do not reach
    /// into it (`{{break}}` there is outside any range, as in Go).
    private mutating func parseDefinitionBody(at keyword: Token) throws -> ([Node], Token?) {
        let (savedScopes, savedRangeDepth) = (scopes, rangeDepth)
        scopes = [["$"]]
        rangeDepth = 0
        try enterNesting(at: keyword)
        // Restored on every exit: a caller further up unwinds its own scopes after an error too.
        defer {
            nesting -= 1
            scopes = savedScopes
            rangeDepth = savedRangeDepth
        }
        return try parseList()
    }

    /// Records a definition as Go's parser does: a template whose body is only space may be replaced or leaves the
    /// one already there in place; two with content are an error.
    private mutating func define(_ name: String, _ list: [Node], at keyword: Token) throws {
        guard let existing = definitions[name], !Self.isEmpty(existing) else {
            definitions[name] = list
            return
        }
        if !Self.isEmpty(list) {
            throw error("template: multiple definition of template \(GoFormat.quote(name))", at: keyword)
        }
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
        let called = try unquote(nameToken).lossyText
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
        let (list, terminator) = try parseDefinitionBody(at: keyword)
        guard let terminator, terminator.text == "end" else {
            throw error("unexpected EOF in block clause", at: terminator ?? keyword)
        }
        try define(called, list, at: keyword)
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
                variables = names
                // As in Go's parser, the names are in scope from here on, already for the pipeline's own commands, and
                // an assignment's too: using or assigning one not yet declared fails only when it runs
                // (`undefined variable: $x`), and not at all in a branch never taken.
                scopes[scopes.count - 1] += names
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
            term = .constant(.int(Int64(try unquoteChar(token))), isNumber: true, text: token.text, here)
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
}
