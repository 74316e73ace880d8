/// Capped exponential backoff for reconnecting a watch: 0.2 s, 0.4 s, 0.8 s … at most 5 s.
public enum EtcdBackoff {
    public static func delay(afterFailures failures: Int) -> Duration {
        let exponent = min(max(failures - 1, 0), 10)
        let milliseconds = min(200 * (1 << exponent), 5000)
        return .milliseconds(milliseconds)
    }
}
