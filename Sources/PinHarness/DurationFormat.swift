import PinCore

/// Prints durations and ratios for tables: `412 ms`, `1.23 s`, `85.2 µs`, `3.41x`.
public enum DurationFormat {
    public static func seconds(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1 { return "\(formatDecimal(value, digits: magnitude >= 100 ? 1 : 3)) s" }
        if magnitude >= 1e-3 { return "\(significant(value * 1e3)) ms" }
        if magnitude >= 1e-6 { return "\(significant(value * 1e6)) µs" }
        return "\(significant(value * 1e9)) ns"
    }

    /// Three significant digits for values in [1, 1000).
    static func significant(_ value: Double) -> String {
        let magnitude = abs(value)
        return formatDecimal(value, digits: magnitude >= 100 ? 0 : (magnitude >= 10 ? 1 : 2))
    }

    public static func ratio(_ value: Double) -> String { "\(formatDecimal(value, digits: 2))x" }
}
