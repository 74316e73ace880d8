import GoText

/// Walks a parsed template and writes its output. One evaluator per render; the tree is shared and immutable.
struct Evaluator {
    let name: String
    let view: StoreView
    let definitions: [String: [Node]]
    /// Variables in scope, innermost last. Templates declare few, so a linear search is fastest.
    private var variables: [(name: String, value: Value)] = []
    private var depth = 0
    static let maximumDepth = 1000
    /// Levels of recursion the walk is in: template calls, if/with/range bodies and parenthesized pipelines. The
    /// parser bounds nesting within one template, but template calls multiply it; this bounds the product so a
    /// render cannot overflow the stack of the thread it runs on.
    private var nesting = 0
    static let maximumNesting = 1500

    init(name: String, view: StoreView, definitions: [String: [Node]], dot: Value) {
        self.name = name
        self.view = view
        self.definitions = definitions
        variables = [("$", dot)]
    }

    func error(_ message: String, at position: Position) -> TemplateError {
        TemplateError(name: name, line: position.line, column: position.column, message: message)
    }

    /// Goes one level deeper, or throws when that would pass `maximumNesting`; the caller undoes it with a `defer`.
    private mutating func enterNesting(at position: Position) throws {
        guard nesting < Self.maximumNesting else {
            throw error(
                "exceeded maximum nesting depth (\(Self.maximumNesting)) of template calls, if/with/range and "
                    + "parentheses", at: position)
        }
        nesting += 1
    }

    // MARK: Nodes

    mutating func walk(_ nodes: [Node], dot: Value, out: inout [UInt8]) throws {
        for node in nodes {
            switch node {
            case .text(let bytes):
                out.append(contentsOf: bytes)
            case .action(let pipeline) where pipeline.isBareDot:
                GoFormat.appendActionValue(dot, to: &out)
            case .action(let pipeline):
                let value = try evalPipeline(pipeline, dot: dot)
                if pipeline.variables.isEmpty { GoFormat.appendActionValue(value, to: &out) }
            case .ifNode(let branch):
                try walkIfOrWith(branch, dot: dot, out: &out, isWith: false)
            case .withNode(let branch):
                try walkIfOrWith(branch, dot: dot, out: &out, isWith: true)
            case .rangeNode(let branch):
                try walkRange(branch, dot: dot, out: &out)
            case .template(let called, let pipeline, let position):
                guard let body = definitions[called] else {
                    throw error("no such template \(GoFormat.quote(called))", at: position)
                }
                let newDot = try pipeline.map { try evalPipeline($0, dot: dot) } ?? .missing
                guard depth < Self.maximumDepth else {
                    throw error("exceeded maximum template depth (\(Self.maximumDepth))", at: position)
                }
                try enterNesting(at: position)
                defer { nesting -= 1 }
                let saved = variables
                variables = [("$", newDot)]
                depth += 1
                defer {
                    depth -= 1
                    variables = saved
                }
                try walk(body, dot: newDot, out: &out)
            case .breakLoop:
                throw LoopControl.breakLoop
            case .continueLoop:
                throw LoopControl.continueLoop
            }
        }
    }

    private mutating func walkIfOrWith(_ branch: Branch, dot: Value, out: inout [UInt8], isWith: Bool) throws {
        try enterNesting(at: branch.pipeline.position)
        defer { nesting -= 1 }
        let mark = variables.count
        defer { variables.removeSubrange(mark...) }
        let value = try evalPipeline(branch.pipeline, dot: dot)
        if value.isTrue {
            try walk(branch.list, dot: isWith ? value : dot, out: &out)
        } else if let elseList = branch.elseList {
            try walk(elseList, dot: dot, out: &out)
        }
    }

    private mutating func walkRange(_ branch: Branch, dot: Value, out: inout [UInt8]) throws {
        try enterNesting(at: branch.pipeline.position)
        defer { nesting -= 1 }
        let mark = variables.count
        defer { variables.removeSubrange(mark...) }
        let pipeline = branch.pipeline
        // The range's own variables are bound per iteration, not to the pipeline's value.
        var bare = pipeline
        bare.variables = []
        let value = try evalPipeline(bare, dot: dot)
        let names = pipeline.variables
        func iterate(_ index: Value, _ element: Value) throws -> Bool {
            let inner = variables.count
            // `range $i, $x := …` binds new variables for each element; `range $x = …` sets ones declared before.
            let bindings = names.count == 2 ? [(names[0], index), (names[1], element)] : names.map { ($0, element) }
            for (name, value) in bindings {
                if pipeline.isAssignment {
                    try assign(name, value, at: pipeline.position)
                } else {
                    variables.append((name, value))
                }
            }
            defer { variables.removeSubrange(inner...) }
            do {
                try walk(branch.list, dot: element, out: &out)
            } catch LoopControl.continueLoop {
                return true
            } catch LoopControl.breakLoop {
                return false
            }
            return true
        }
        switch value {
        case .list(let items, _):
            if items.isEmpty { break }
            if names.isEmpty, Self.printsOnlyTextAndDot(branch.list) {
                // Room for every line at once, not a copy per doubling: a guess of 16 bytes for a value that is
                // not a string could fall short by a byte at 100,000 lines and double the whole output.
                var textBytes = 0
                var dots = 0
                for node in branch.list {
                    if case .text(let bytes) = node { textBytes += bytes.count } else { dots += 1 }
                }
                var valueBytes = 0
                if dots > 0 {
                    for item in items {
                        if case .string(let string) = item { valueBytes += string.count } else { valueBytes += 16 }
                    }
                }
                out.reserveCapacity(out.count + items.count * textBytes + dots * valueBytes)
                for item in items { Self.print(branch.list, dot: item, to: &out) }
                return
            }
            for (i, item) in items.enumerated() where try !iterate(.int(Int64(i)), item) { break }
            return
        case .map(let entries, _):
            if entries.isEmpty { break }
            for key in entries.keys.sorted() where try !iterate(.string(key), entries[key]!) {
                break
            }
            return
        case .missing, .null:
            break
        default:
            throw error("range can't iterate over \(GoFormat.plain(value).lossyText)", at: pipeline.position)
        }
        // As in Go, a range also catches a {{break}} from its else branch, which so ends nothing more (a {{continue}}
        // there goes on to the enclosing range's next element).
        if let elseList = branch.elseList {
            do { try walk(elseList, dot: dot, out: &out) } catch LoopControl.breakLoop {}
        }
    }

    /// A body of text and `{{.}}` only (`server {{.}};` over `getvs`, the shape of most store templates) cannot
    /// fail, declare variables or break out, so a range prints it for each element without walking it as a tree.
    private static func printsOnlyTextAndDot(_ nodes: [Node]) -> Bool {
        nodes.allSatisfy { node in
            switch node {
            case .text: return true
            case .action(let pipeline): return pipeline.isBareDot
            default: return false
            }
        }
    }

    private static func print(_ textAndDot: [Node], dot: Value, to out: inout [UInt8]) {
        for node in textAndDot {
            switch node {
            case .text(let bytes): out.append(contentsOf: bytes)
            default: GoFormat.appendActionValue(dot, to: &out)
            }
        }
    }

    // MARK: Pipelines and commands

    mutating func evalPipeline(_ pipeline: Pipeline, dot: Value) throws -> Value {
        var value: Value?
        for command in pipeline.commands {
            value = try evalCommand(command, dot: dot, final: value)
            // Go digs into an `interface{}` result: a nil one becomes no value, so a template or block called with
            // it, or a field of it, is no value rather than a nil pointer.
            if case .null? = value { value = .missing }
        }
        let result = value ?? .missing
        for variable in pipeline.variables {
            if pipeline.isAssignment {
                try assign(variable, result, at: pipeline.position)
            } else {
                variables.append((variable, result))
            }
        }
        return result
    }

    /// Go's `$x = value`: the innermost `$x` in scope takes the value; one that was never declared fails here.
    private mutating func assign(_ name: String, _ value: Value, at position: Position) throws {
        guard let index = variables.lastIndex(where: { $0.name == name }) else {
            throw error("undefined variable: \(name)", at: position)
        }
        variables[index].value = value
    }

    private mutating func evalCommand(_ command: Command, dot: Value, final: Value?) throws -> Value {
        let head = command.operands[0]
        let arguments = Array(command.operands.dropFirst())
        switch head {
        case .function(let function, let position):
            return try call(function, arguments, final: final, dot: dot, at: position)
        case .field(let fields, let position):
            return try evalFields(dot, fields, arguments, final: final, dot: dot, at: position)
        case .variable(let variable, let fields, let position):
            let value = try lookup(variable, at: position)
            if fields.isEmpty {
                try noArguments(arguments, final, head: variable, at: position)
                return value
            }
            return try evalFields(value, fields, arguments, final: final, dot: dot, at: position)
        case .chain(let inner, let fields, let position):
            let value = try evalOperand(inner, dot: dot)
            return try evalFields(value, fields, arguments, final: final, dot: dot, at: position)
        case .pipeline(let pipeline):
            try noArguments(arguments, final, head: "pipeline", at: pipeline.position)
            try enterNesting(at: pipeline.position)
            defer { nesting -= 1 }
            return try evalPipeline(pipeline, dot: dot)
        case .constant(let value, _, let text, let position):
            try noArguments(arguments, final, head: text, at: position)
            return value
        case .dot(let position):
            try noArguments(arguments, final, head: ".", at: position)
            return dot
        case .nilValue(let position):
            throw error("nil is not a command", at: position)
        }
    }

    private func noArguments(_ arguments: [Operand], _ final: Value?, head: String, at position: Position) throws {
        if !arguments.isEmpty || final != nil {
            throw error("can't give argument to non-function \(head)", at: position)
        }
    }

    /// The innermost `variable` in scope. The parser lets `{{$x := $x}}` through, as Go's does; running it fails.
    private func lookup(_ variable: String, at position: Position) throws -> Value {
        guard let value = variables.last(where: { $0.name == variable })?.value else {
            throw error("undefined variable: \(variable)", at: position)
        }
        return value
    }

    /// The value of an operand used as an argument.
    mutating func evalOperand(_ operand: Operand, dot: Value) throws -> Value {
        switch operand {
        case .dot: return dot
        // A literal nil is Go's zero of the parameter's type (a nil slice where a list is wanted), unlike a nil
        // interface held by a field, variable or dot, which is the wrong type there.
        case .nilValue: return .missing
        case .constant(let value, _, _, _): return value
        case .field(let fields, let position):
            return try evalFields(dot, fields, [], final: nil, dot: dot, at: position)
        case .variable(let variable, let fields, let position):
            let value = try lookup(variable, at: position)
            return fields.isEmpty ? value : try evalFields(value, fields, [], final: nil, dot: dot, at: position)
        case .function(let function, let position): return try call(function, [], final: nil, dot: dot, at: position)
        case .chain(let inner, let fields, let position):
            return try evalFields(try evalOperand(inner, dot: dot), fields, [], final: nil, dot: dot, at: position)
        case .pipeline(let pipeline):
            try enterNesting(at: pipeline.position)
            let mark = variables.count
            defer {
                variables.removeSubrange(mark...)
                nesting -= 1
            }
            return try evalPipeline(pipeline, dot: dot)
        }
    }

    // MARK: Fields and methods

    private mutating func evalFields(
        _ receiver: Value, _ fields: [String], _ arguments: [Operand], final: Value?, dot: Value, at position: Position
    ) throws -> Value {
        var value = receiver
        for (i, fieldName) in fields.enumerated() {
            let isLast = i == fields.count - 1
            if case .time(let time) = value {
                var args: [Value] = []
                if isLast {
                    args = try arguments.map { try evalOperand($0, dot: dot) }
                    if let final { args.append(final) }
                }
                do {
                    value = try time.call(fieldName, args)
                } catch let problem as EvalError {
                    throw error(problem.message, at: position)
                }
                continue
            }
            if isLast, !arguments.isEmpty || final != nil {
                throw error("\(fieldName) has arguments but cannot be invoked as function", at: position)
            }
            value = try field(named: fieldName, of: value, at: position)
        }
        return value
    }

    private func field(named field: String, of value: Value, at position: Position) throws -> Value {
        switch value {
        case .map(let entries, _):
            return entries[GoString(field)] ?? .missing
        case .pair(let key, let pairValue):
            switch field {
            case "Key": return .string(key)
            case "Value": return .string(pairValue)
            default: throw error("can't evaluate field \(field) in type memkv.KVPair", at: position)
            }
        case .srv(let target, let port, let priority, let weight):
            switch field {
            case "Target": return .string(GoString(target))
            case "Port": return .int(port)
            case "Priority": return .int(priority)
            case "Weight": return .int(weight)
            default: throw error("can't evaluate field \(field) in type *net.SRV", at: position)
            }
        case .missing:
            return .missing
        case .null:
            throw error("nil pointer evaluating interface {}.\(field)", at: position)
        default:
            throw error("can't evaluate field \(field) in type \(value.goTypeName)", at: position)
        }
    }

    // MARK: Calls

    private mutating func call(
        _ function: TemplateFunction, _ arguments: [Operand], final: Value?, dot: Value, at position: Position
    ) throws -> Value {
        // `and` and `or` evaluate their arguments lazily and return one of them.
        if function == .and || function == .or {
            let count = arguments.count + (final == nil ? 0 : 1)
            guard count >= 1 else {
                throw error("wrong number of args for \(function.rawValue): want at least 1 got 0", at: position)
            }
            var last: Value = .missing
            for operand in arguments {
                last = try evalOperand(operand, dot: dot)
                if function == .and ? !last.isTrue : last.isTrue { return last }
            }
            if let final { last = final }
            return last
        }
        var values: [Value] = []
        values.reserveCapacity(arguments.count + 1)
        for operand in arguments { values.append(try evalOperand(operand, dot: dot)) }
        if let final { values.append(final) }
        do {
            var context = FunctionContext(view: view)
            return try context.call(function, values)
        } catch let problem as EvalError {
            throw error("\(function.rawValue): \(problem.message)", at: position)
        }
    }
}
