/// A position in the template source.
struct Position: Sendable, Equatable {
    var line: Int
    var column: Int
}

/// The parsed template: a tree of nodes, built once per template file change and evaluated many times.
indirect enum Node: Sendable {
    case text([UInt8])
    /// `{{pipeline}}`: prints its value unless the pipeline declares variables.
    case action(Pipeline)
    case ifNode(Branch)
    case rangeNode(Branch)
    case withNode(Branch)
    /// `{{template "name" pipeline}}`.
    case template(name: String, pipeline: Pipeline?, position: Position)
    case breakLoop(Position)
    case continueLoop(Position)
}

/// The shared shape of `if`, `with` and `range`.
struct Branch: Sendable {
    var pipeline: Pipeline
    var list: [Node]
    var elseList: [Node]?
}

/// `$x := cmd | cmd`.
struct Pipeline: Sendable {
    var position: Position
    /// Declared or assigned variables (`$x`, or `$i, $x` in a range).
    var variables: [String]
    /// True for `=`, false for `:=`.
    var isAssignment: Bool
    var commands: [Command]

    /// `{{.}}`: prints dot as it is. The body of most `range` loops over store values, so the evaluator prints
    /// it without evaluating a pipeline.
    var isBareDot: Bool {
        guard variables.isEmpty, commands.count == 1, commands[0].operands.count == 1,
            case .dot = commands[0].operands[0]
        else { return false }
        return true
    }
}

/// One command of a pipeline: a function and its arguments, or a single operand.
struct Command: Sendable {
    var position: Position
    var operands: [Operand]
}

/// An argument or the head of a command.
indirect enum Operand: Sendable {
    case dot(Position)
    case nilValue(Position)
    /// A literal: bool, string, char, or number.
    case constant(Value, isNumber: Bool, text: String, Position)
    /// `.A.B` on dot.
    case field([String], Position)
    /// `$x.A.B`.
    case variable(String, [String], Position)
    /// A function name.
    case function(TemplateFunction, Position)
    /// `(pipeline).A.B` or `fn.A`.
    case chain(Operand, [String], Position)
    case pipeline(Pipeline)

    var position: Position {
        switch self {
        case .dot(let p), .nilValue(let p), .constant(_, _, _, let p), .field(_, let p), .variable(_, _, let p),
            .function(_, let p), .chain(_, _, let p):
            return p
        case .pipeline(let pipeline): return pipeline.position
        }
    }
}
