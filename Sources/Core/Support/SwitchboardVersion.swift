/// The version printed by `switchboard --version` and `switchboard run -version`.
package enum SwitchboardVersion {
    package static let current = "0.1.0"
}
