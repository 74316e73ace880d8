import CYaml
import GoTemplate
import GoText

/// One node of a YAML document, in document order: a container is followed by its children, and `next` is the
/// index just past its subtree. An alias is resolved when read: it points at the anchored node in `next`.
struct YAMLItem {
    enum Kind: UInt8 {
        case mapping, sequence, scalar, alias

        var name: String {
            switch self {
            case .mapping: "mapping"
            case .sequence: "sequence"
            case .scalar, .alias: "scalar"
            }
        }
    }

    var kind: Kind
    /// A plain (unquoted) scalar, which YAML 1.1 may read as a number, a boolean or null.
    var plain: Bool
    var text: String
    // 32-bit: a store file holds two items per key, and 48 bytes an item made 100,000 keys cost 10 MB here.
    private var storedNext: Int32
    private var storedLine: Int32
    private var storedColumn: Int32

    init(kind: Kind, plain: Bool, text: String, next: Int, line: Int, column: Int) {
        self.kind = kind
        self.plain = plain
        self.text = text
        storedNext = Int32(clamping: next)
        storedLine = Int32(clamping: line)
        storedColumn = Int32(clamping: column)
    }

    /// Containers: the index past the subtree. Scalars: their own index + 1. Aliases: the anchored node.
    var next: Int {
        get { Int(storedNext) }
        set { storedNext = Int32(clamping: newValue) }
    }
    var line: Int { Int(storedLine) }
    var column: Int { Int(storedColumn) }
}

/// Reads the first document of a YAML text into `YAMLItem`s with libyaml's event parser.
enum YAMLEventReader {
    /// Containers nested deeper than `YAMLFlattener.maximumDepth`.
    struct TooDeep: Error {
        var line: Int
        var column: Int
    }

    struct Problem: Error {
        var line: Int
        var column: Int
        var message: String
        /// libyaml's reader refused the bytes: they are not UTF-8 (or hold a character YAML forbids).
        var notUTF8 = false
    }

    static func items(of text: UnsafeBufferPointer<UInt8>) throws -> [YAMLItem] {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw Problem(line: 0, column: 0, message: "out of memory")
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, text.baseAddress, text.count)

        var items: [YAMLItem] = []
        var anchors: [String: Int] = [:]
        /// Open containers: their item index and anchor, if any.
        var open: [(index: Int, anchor: String?)] = []
        var documents = 0
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                if parser.error == YAML_READER_ERROR { throw readerProblem(parser, text) }
                throw Problem(
                    line: parser.problem_mark.line + 1, column: parser.problem_mark.column + 1,
                    message: parser.problem.map { String(cString: $0) } ?? "malformed YAML")
            }
            defer { yaml_event_delete(&event) }
            let line = event.start_mark.line + 1
            let column = event.start_mark.column + 1
            // Items keep their indexes and positions in 32 bits.
            guard items.count < Int(Int32.max), line < Int(Int32.max) else {
                throw Problem(line: line, column: column, message: "too many nodes for a store file")
            }
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return items
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                // go-yaml reads the first document only; Yams refuses a stream of several, and so do we.
                if documents > 1 {
                    throw Problem(line: line, column: column, message: "expected a single document in the stream")
                }
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let text = String(
                    decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
                let plain = scalar.style == YAML_PLAIN_SCALAR_STYLE || scalar.style == YAML_ANY_SCALAR_STYLE
                if let anchor = name(scalar.anchor) { anchors[anchor] = items.count }
                items.append(
                    YAMLItem(kind: .scalar, plain: plain, text: text, next: items.count + 1, line: line, column: column)
                )
            case YAML_ALIAS_EVENT:
                let anchor = name(event.data.alias.anchor) ?? ""
                guard let target = anchors[anchor] else {
                    throw Problem(line: line, column: column, message: "found undefined alias")
                }
                items.append(YAMLItem(kind: .alias, plain: false, text: "", next: target, line: line, column: column))
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                // Refused as soon as it is seen: libyaml slows down with every open level, and nothing deeper
                // would be walked anyway.
                guard open.count < YAMLFlattener.maximumDepth else { throw TooDeep(line: line, column: column) }
                let mapping = event.type == YAML_MAPPING_START_EVENT
                let anchor = name(mapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
                open.append((items.count, anchor))
                items.append(
                    YAMLItem(
                        kind: mapping ? .mapping : .sequence, plain: false, text: "", next: 0, line: line,
                        column: column))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let (index, anchor) = open.removeLast()
                items[index].next = items.count
                // Registered only now, so an alias inside its own anchor's node is undefined, as in Yams.
                if let anchor { anchors[anchor] = index }
            default:
                break
            }
        }
    }

    /// The reader's complaint (it sets an offset, not a line) at the line and column of that byte.
    private static func readerProblem(_ parser: yaml_parser_t, _ text: UnsafeBufferPointer<UInt8>) -> Problem {
        let offset = min(parser.problem_offset, text.count)
        var line = 1
        var lineStart = 0
        for index in 0..<offset where text[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        let what = parser.problem.map { String(cString: $0) } ?? "cannot be read"
        let byte = offset < text.count ? " (byte 0x" + String(text[offset], radix: 16) + ")" : ""
        return Problem(
            line: line, column: offset - lineStart + 1,
            message: "\(what)\(byte): a YAML file must be UTF-8", notUTF8: true)
    }

    private static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}

/// Walks `YAMLItem`s into store keys with confd's rules (see `YAMLFlattener`).
struct YAMLWalk {
    let items: [YAMLItem]
    let file: String
    /// How many nodes the walk may visit: the file's own, plus what aliases may repeat.
    private let budget: Int
    private let extraAllowed: Int
    private var walked = 0

    init(items: [YAMLItem], file: String, maximumExpansion: Int) {
        self.items = items
        self.file = file
        self.extraAllowed = maximumExpansion
        self.budget = items.count + maximumExpansion
    }

    /// The node an item stands for: an alias resolves to its anchored node.
    private func resolved(_ index: Int) -> Int {
        items[index].kind == .alias ? items[index].next : index
    }

    /// The index after the item at `index`, in its parent.
    private func after(_ index: Int) -> Int {
        items[index].kind == .alias ? index + 1 : items[index].next
    }

    /// The children of the container at `index`.
    private func children(_ index: Int) -> [Int] {
        var result: [Int] = []
        var child = index + 1
        while child < items[index].next {
            result.append(child)
            child = after(child)
        }
        return result
    }

    mutating func walk(_ index: Int, key: String, depth: Int, into pairs: inout [GoString: GoString]) throws {
        let node = resolved(index)
        let item = items[node]
        walked += 1
        guard walked <= budget else {
            throw YAMLError(
                file: file, line: items[index].line, column: items[index].column,
                message: "aliases expand to more than \(extraAllowed) extra nodes")
        }
        guard depth <= YAMLFlattener.maximumDepth else {
            throw YAMLError(
                file: file, line: item.line, column: item.column,
                message: "nested deeper than \(YAMLFlattener.maximumDepth) levels")
        }
        switch item.kind {
        case .mapping:
            let entries = children(node)
            var isMerge: [Bool] = []
            isMerge.reserveCapacity(entries.count / 2)
            for pair in stride(from: 0, to: entries.count - 1, by: 2) {
                let keyItem = items[entries[pair]]
                isMerge.append(keyItem.kind == .scalar && keyItem.plain && keyItem.text == "<<")
            }
            // Merge keys (`<<: *defaults`) first, so the mapping's own keys win.
            for pair in stride(from: 0, to: entries.count - 1, by: 2) where isMerge[pair / 2] {
                for source in mergeSources(entries[pair + 1]) {
                    try walk(source, key: key, depth: depth + 1, into: &pairs)
                }
            }
            let keyIsClean = GoPath.isClean(key)
            for pair in stride(from: 0, to: entries.count - 1, by: 2) where !isMerge[pair / 2] {
                let name = try keyName(entries[pair])
                let child = GoPath.join(key, name, baseIsClean: keyIsClean)
                try walk(entries[pair + 1], key: child, depth: depth + 1, into: &pairs)
            }
        case .sequence:
            let keyIsClean = GoPath.isClean(key)
            for (position, child) in children(node).enumerated() {
                let childKey = GoPath.join(key, String(position), baseIsClean: keyIsClean)
                try walk(child, key: childKey, depth: depth + 1, into: &pairs)
            }
        case .scalar:
            switch YAMLFlattener.resolve(item) {
            case .null: pairs[GoString(key)] = nil
            case .string(let text), .printed(let text): pairs[GoString(key)] = GoString(text)
            case .dropped: break
            }
        case .alias:
            break  // `resolved` never returns an alias.
        }
    }

    /// The mappings a merge key's value brings in: a mapping, or the mappings of a sequence.
    private func mergeSources(_ index: Int) -> [Int] {
        let node = resolved(index)
        switch items[node].kind {
        case .mapping: return [node]
        case .sequence: return children(node).map(resolved).filter { items[$0].kind == .mapping }
        default: return []
        }
    }

    private func keyName(_ index: Int) throws -> String {
        let keyItem = items[resolved(index)]
        if keyItem.kind == .scalar, case .string(let name) = YAMLFlattener.resolve(keyItem) { return name }
        let shown = keyItem.kind == .scalar ? keyItem.text : "(a \(keyItem.kind.name))"
        throw YAMLError(
            file: file, line: items[index].line, column: items[index].column,
            message:
                "map key \(String(reflecting: shown)) is not a string (YAML 1.1 reads it as \(YAMLFlattener.describe(keyItem))); quote it"
        )
    }
}
