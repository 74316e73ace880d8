import CYaml
import GoTemplate
import GoText

/// The common store file flattened in one pass over libyaml's events, without the item array of `YAMLEventReader`.
///
/// A store file is usually one mapping of plain keys to scalars. Holding its whole document as `YAMLItem`s before
/// walking it cost more than the keys themselves: at 100,000 backends the items and their texts were 19 MB of a
/// 37 MB heap peak. Here each key is written as soon as its value is read, so only the open containers are held.
///
/// What needs the whole document is left to the general walk (`YAMLWalk`): an alias, a merge key (`<<`, whose
/// pairs come before the mapping's own), a key that is not a string, a top level that is not a mapping, more than
/// one document, nesting past `YAMLFlattener.maximumDepth`, or anything libyaml refuses (whose error the general
/// path reports). `flatten` then returns false and the caller flattens the file again with the general walk.
///
/// Keys written before giving up do not change the result: every key this pass writes is one of the document's own
/// keys, which the general walk writes again, and a key's final value is the last one written to it.
enum YAMLStreamingWalk {
    /// An open mapping or sequence.
    private struct Frame {
        /// The container's own store key.
        var key: String
        var keyIsClean: Bool
        var isMapping: Bool
        /// Sequences: the index of the next item.
        var position = 0
        /// Mappings: the key whose value comes next; `nil` while a key is expected.
        var pendingKey: String?
    }

    /// Flattens `text` into `pairs` when it needs nothing more than one pass.
    /// - Returns: false when the general walk must flatten the file (see the type's comment); `pairs` may then hold
    ///   some of the file's keys already.
    static func flatten(_ text: UnsafeBufferPointer<UInt8>, into pairs: inout [GoString: GoString]) -> Bool {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return false }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, text.baseAddress, text.count)

        var open: [Frame] = []
        var documents = 0
        var rootSeen = false
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else { return false }
            defer { yaml_event_delete(&event) }
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return true
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 { return false }
            case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                guard open.count < YAMLFlattener.maximumDepth else { return false }
                let key: String
                if open.isEmpty {
                    guard isMapping, !rootSeen else { return false }
                    rootSeen = true
                    key = "/"
                } else {
                    guard let child = childKey(of: &open[open.count - 1]) else { return false }
                    key = child
                }
                open.append(Frame(key: key, keyIsClean: GoPath.isClean(key), isMapping: isMapping))
            case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
                guard !open.isEmpty else { return false }
                open.removeLast()
                if !open.isEmpty { advance(&open[open.count - 1]) }
            case YAML_SCALAR_EVENT:
                guard !open.isEmpty else { return false }
                let scalar = event.data.scalar
                let text = String(
                    decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
                let plain = scalar.style == YAML_PLAIN_SCALAR_STYLE || scalar.style == YAML_ANY_SCALAR_STYLE
                let resolved = YAMLFlattener.resolve(text: text, plain: plain)
                var frame = open[open.count - 1]
                if frame.isMapping, frame.pendingKey == nil {
                    // A merge key, or a key YAML 1.1 reads as a number, boolean or null: the general walk decides.
                    guard !(plain && text == "<<"), case .string(let name) = resolved else { return false }
                    frame.pendingKey = GoPath.join(frame.key, name, baseIsClean: frame.keyIsClean)
                    open[open.count - 1] = frame
                    continue
                }
                guard let key = childKey(of: &open[open.count - 1]) else { return false }
                switch resolved {
                case .null: pairs[GoString(key)] = nil
                case .string(let value), .printed(let value): pairs[GoString(key)] = GoString(value)
                case .dropped: break
                }
                advance(&open[open.count - 1])
            case YAML_ALIAS_EVENT:
                return false
            default:
                break
            }
        }
    }

    /// The store key of the next value in `frame`: a mapping's pending key, or a sequence's next index.
    private static func childKey(of frame: inout Frame) -> String? {
        if frame.isMapping { return frame.pendingKey }
        return GoPath.join(frame.key, String(frame.position), baseIsClean: frame.keyIsClean)
    }

    /// Moves `frame` past the value just read.
    private static func advance(_ frame: inout Frame) {
        if frame.isMapping { frame.pendingKey = nil } else { frame.position += 1 }
    }
}
