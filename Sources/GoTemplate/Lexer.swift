/// A token of the template language.
struct Token: Equatable {
    enum Kind: Equatable {
        case text  // raw text outside actions (already trimmed by trim markers)
        case leftDelim, rightDelim
        case identifier, field, variable, dot
        case string, rawString, char, number
        case bool, nilValue
        case pipe, leftParen, rightParen, declare, assign, comma
        case keyword
        case eof
    }

    var kind: Kind
    /// The token's text as written (for strings, with quotes).
    var text: String
    var line: Int
    var column: Int
    /// True when white space separates this token from the previous one inside an action.
    var spaceBefore = false
    /// For `.text`: the raw bytes.
    var bytes: [UInt8] = []
}

/// Splits a template into tokens following Go's text/template lexer.
struct Lexer {
    private let source: [UInt8]
    private let name: String
    private var position = 0
    private var line = 1
    private var lineStart = 0
    private(set) var tokens: [Token] = []

    static let keywords: Set<String> = [
        "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue",
    ]

    init(source: [UInt8], name: String) {
        self.source = source
        self.name = name
    }

    private func error(_ message: String, line: Int, column: Int) -> TemplateError {
        TemplateError(name: name, line: line, column: column, message: message)
    }

    private var column: Int { position - lineStart + 1 }

    private func peek(_ offset: Int = 0) -> UInt8? {
        position + offset < source.count ? source[position + offset] : nil
    }

    private mutating func advance() {
        if source[position] == UInt8(ascii: "\n") {
            line += 1
            lineStart = position + 1
        }
        position += 1
    }

    private func startsWith(_ text: String, at index: Int) -> Bool {
        let bytes = Array(text.utf8)
        guard index + bytes.count <= source.count else { return false }
        for (offset, byte) in bytes.enumerated() where source[index + offset] != byte { return false }
        return true
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == 0x5F || byte >= 0x80
    }

    /// Tokenises the whole source.
    mutating func run() throws -> [Token] {
        while position < source.count {
            try lexText()
        }
        tokens.append(Token(kind: .eof, text: "", line: line, column: column))
        return tokens
    }

    private mutating func lexText() throws {
        let start = position
        let startLine = line
        let startColumn = column
        var end = source.count
        var index = position
        while index + 1 < source.count {
            if source[index] == UInt8(ascii: "{") && source[index + 1] == UInt8(ascii: "{") {
                end = index
                break
            }
            index += 1
        }
        var textEnd = end
        // A left trim marker `{{- ` eats the white space before it.
        let trimLeft =
            end + 3 < source.count && source[end + 2] == UInt8(ascii: "-") && Self.isSpace(source[end + 3])
        if trimLeft {
            while textEnd > start && Self.isSpace(source[textEnd - 1]) { textEnd -= 1 }
        }
        if textEnd > start {
            tokens.append(
                Token(
                    kind: .text, text: "", line: startLine, column: startColumn, bytes: Array(source[start..<textEnd])))
        }
        while position < end { advance() }
        if end < source.count { try lexAction(trimLeft: trimLeft) }
    }

    private mutating func lexAction(trimLeft: Bool) throws {
        let delimLine = line
        let delimColumn = column
        advance()
        advance()
        if trimLeft {
            advance()  // '-'
            advance()  // the space
        }
        // A comment must sit right inside the delimiters.
        if startsWith("/*", at: position) {
            let commentLine = line
            let commentColumn = column
            guard let close = findSequence("*/", from: position + 2) else {
                throw error("unclosed comment", line: commentLine, column: commentColumn)
            }
            while position < close + 2 { advance() }
            var trimRight = false
            if startsWith(" -}}", at: position) || startsWith("\t-}}", at: position)
                || startsWith("\n-}}", at: position) || startsWith("\r-}}", at: position)
            {
                trimRight = true
                advance()
                advance()
            }
            guard startsWith("}}", at: position) else {
                throw error("comment ends before closing delimiter", line: commentLine, column: commentColumn)
            }
            advance()
            advance()
            if trimRight { skipSpaces() }
            return
        }
        tokens.append(Token(kind: .leftDelim, text: "{{", line: delimLine, column: delimColumn))
        var sawSpace = false
        var parenDepth = 0
        while true {
            guard let byte = peek() else {
                throw error("unclosed action", line: delimLine, column: delimColumn)
            }
            // Right delimiter, with or without a trim marker.
            if Self.isSpace(byte), peek(1) == UInt8(ascii: "-"), peek(2) == UInt8(ascii: "}"),
                peek(3) == UInt8(ascii: "}")
            {
                if parenDepth > 0 { throw error("unclosed left paren", line: line, column: column) }
                tokens.append(Token(kind: .rightDelim, text: "}}", line: line, column: column, spaceBefore: true))
                for _ in 0..<4 { advance() }
                skipSpaces()
                return
            }
            if byte == UInt8(ascii: "}"), peek(1) == UInt8(ascii: "}") {
                if parenDepth > 0 { throw error("unclosed left paren", line: line, column: column) }
                tokens.append(Token(kind: .rightDelim, text: "}}", line: line, column: column, spaceBefore: sawSpace))
                advance()
                advance()
                return
            }
            if Self.isSpace(byte) {
                sawSpace = true
                advance()
                continue
            }
            let tokenLine = line
            let tokenColumn = column
            func emit(_ kind: Token.Kind, _ text: String, bytes: [UInt8] = []) {
                tokens.append(
                    Token(
                        kind: kind, text: text, line: tokenLine, column: tokenColumn, spaceBefore: sawSpace,
                        bytes: bytes))
                sawSpace = false
            }
            // Quoted tokens keep their bytes: a literal may hold bytes that are not UTF-8.
            func emitQuoted(_ kind: Token.Kind, _ bytes: [UInt8]) {
                emit(kind, String(decoding: bytes, as: UTF8.self), bytes: bytes)
            }
            switch byte {
            case UInt8(ascii: "|"):
                advance()
                emit(.pipe, "|")
            case UInt8(ascii: "("):
                advance()
                parenDepth += 1
                emit(.leftParen, "(")
            case UInt8(ascii: ")"):
                advance()
                parenDepth -= 1
                if parenDepth < 0 { throw error("unexpected right paren", line: tokenLine, column: tokenColumn) }
                emit(.rightParen, ")")
            case UInt8(ascii: ","):
                advance()
                emit(.comma, ",")
            case UInt8(ascii: ":"):
                guard peek(1) == UInt8(ascii: "=") else {
                    throw error("expected :=", line: tokenLine, column: tokenColumn)
                }
                advance()
                advance()
                emit(.declare, ":=")
            case UInt8(ascii: "="):
                advance()
                emit(.assign, "=")
            case UInt8(ascii: "\""):
                emitQuoted(.string, try lexQuoted(quote: UInt8(ascii: "\""), what: "unterminated quoted string"))
            case UInt8(ascii: "`"):
                emitQuoted(.rawString, try lexRaw())
            case UInt8(ascii: "'"):
                emitQuoted(.char, try lexQuoted(quote: UInt8(ascii: "'"), what: "unterminated character constant"))
            case UInt8(ascii: "$"):
                advance()
                var text = "$"
                while let next = peek(), Self.isAlphanumeric(next) {
                    text.unicodeScalars.append(UnicodeScalar(next))
                    advance()
                }
                emit(.variable, text)
            case UInt8(ascii: "."):
                if let next = peek(1), next >= 0x30 && next <= 0x39 {
                    emit(.number, try lexNumber())
                } else if let next = peek(1), Self.isAlphanumeric(next) {
                    advance()
                    let start = position
                    while let c = peek(), Self.isAlphanumeric(c) { advance() }
                    emit(.field, "." + String(decoding: source[start..<position], as: UTF8.self))
                } else {
                    advance()
                    emit(.dot, ".")
                }
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                emit(.number, try lexNumber())
            default:
                guard Self.isAlphanumeric(byte) else {
                    let scalar = String(decoding: [byte], as: UTF8.self)
                    throw error(
                        "unrecognized character in action: \(GoFormat.quoteRune(scalar.unicodeScalars.first ?? "?"))",
                        line: tokenLine, column: tokenColumn)
                }
                let start = position
                while let c = peek(), Self.isAlphanumeric(c) { advance() }
                let word = String(decoding: source[start..<position], as: UTF8.self)
                if word == "true" || word == "false" {
                    emit(.bool, word)
                } else if word == "nil" {
                    emit(.nilValue, word)
                } else if Self.keywords.contains(word) {
                    emit(.keyword, word)
                } else {
                    emit(.identifier, word)
                }
            }
        }
    }

    private mutating func skipSpaces() {
        while let byte = peek(), Self.isSpace(byte) { advance() }
    }

    private func findSequence(_ text: String, from start: Int) -> Int? {
        var index = start
        while index < source.count {
            if startsWith(text, at: index) { return index }
            index += 1
        }
        return nil
    }

    private mutating func lexQuoted(quote: UInt8, what: String) throws -> [UInt8] {
        let startLine = line
        let startColumn = column
        let start = position
        advance()
        while true {
            guard let byte = peek(), byte != UInt8(ascii: "\n") else {
                throw error(what, line: startLine, column: startColumn)
            }
            advance()
            if byte == UInt8(ascii: "\\") {
                guard let next = peek(), next != UInt8(ascii: "\n") else {
                    throw error(what, line: startLine, column: startColumn)
                }
                advance()
                continue
            }
            if byte == quote { break }
        }
        return Array(source[start..<position])
    }

    private mutating func lexRaw() throws -> [UInt8] {
        let startLine = line
        let startColumn = column
        let start = position
        advance()
        while true {
            guard let byte = peek() else {
                throw error("unterminated raw quoted string", line: startLine, column: startColumn)
            }
            advance()
            if byte == UInt8(ascii: "`") { break }
        }
        return Array(source[start..<position])
    }

    /// Scans a number the way Go's lexer does (sign, base prefix, digits with underscores, fraction, exponent,
    /// imaginary suffix); whether it is a valid number is decided by the parser.
    private mutating func lexNumber() throws -> String {
        let start = position
        if let c = peek(), c == UInt8(ascii: "+") || c == UInt8(ascii: "-") { advance() }
        var digits = "0123456789_"
        if peek() == UInt8(ascii: "0"), let next = peek(1) {
            switch next {
            case UInt8(ascii: "x"), UInt8(ascii: "X"):
                advance()
                advance()
                digits = "0123456789abcdefABCDEF_"
            case UInt8(ascii: "o"), UInt8(ascii: "O"):
                advance()
                advance()
                digits = "01234567_"
            case UInt8(ascii: "b"), UInt8(ascii: "B"):
                advance()
                advance()
                digits = "01_"
            default: break
            }
        }
        let digitSet = Set(digits.utf8)
        while let c = peek(), digitSet.contains(c) { advance() }
        if peek() == UInt8(ascii: ".") {
            advance()
            while let c = peek(), digitSet.contains(c) { advance() }
        }
        if digits.count == 11, let c = peek(), c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            advance()
            if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { advance() }
            while let c = peek(), (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "_") { advance() }
        }
        if digits.count == 23, let c = peek(), c == UInt8(ascii: "p") || c == UInt8(ascii: "P") {
            advance()
            if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { advance() }
            while let c = peek(), (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "_") { advance() }
        }
        if peek() == UInt8(ascii: "i") { advance() }
        // Go: a number followed directly by an alphanumeric is bad syntax.
        if let c = peek(), Self.isAlphanumeric(c) {
            while let c = peek(), Self.isAlphanumeric(c) || c == UInt8(ascii: ".") { advance() }
            throw error(
                "bad number syntax: \"\(String(decoding: source[start..<position], as: UTF8.self))\"", line: line,
                column: start - lineStart + 1)
        }
        return String(decoding: source[start..<position], as: UTF8.self)
    }
}
