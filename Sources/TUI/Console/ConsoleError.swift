/// Why the console could not start or had to stop.
package struct ConsoleError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}
