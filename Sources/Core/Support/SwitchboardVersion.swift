/// The version printed by `switchboard --version` and `switchboard run -version`.
public enum SwitchboardVersion {
    public static let current = "0.1.0"
}
