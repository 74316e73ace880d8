/// Why the console could not start or had to stop.
public struct ConsoleError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
