import PinCore

/// Prints durations and ratios for tables: `412 ms`, `1.23 s`, `85.2 µs`, `3.41x`.
public enum DurationFormat {
    /// A time; "-" for one that is not (infinite, not a number, or past 1e15 s, which would
    /// print as "5e+307 s"), "< 0 s" for a negative one (a fit's fixed cost can be): no table
    /// prints a negative or infinite duration.
    public static func seconds(_ value: Double) -> String {
        guard value.isFinite, value < 1e15 else { return "-" }
        if value < 0 { return "< 0 s" }
        let magnitude = abs(value)
        // An interval's lower end clamped at zero (a forecast's), not a measured time.
        if magnitude == 0 { return "0 s" }
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

    /// "-" for a ratio that is not finite or not positive (no time is negative, so neither is a ratio of two).
    public static func ratio(_ value: Double) -> String { value.isFinite && value >= 0 ? "\(formatDecimal(value, digits: 2))x" : "-" }
}

extension DurationFormat {
    /// A confidence interval: `300–330 ms` when both ends share a unit, else `998 ms–1.02 s`.
    public static func interval(_ low: Double, _ high: Double) -> String {
        guard low.isFinite, high.isFinite, low <= high else { return "-" }
        let lowText = seconds(low)
        let highText = seconds(high)
        let lowParts = lowText.split(separator: " ")
        let highParts = highText.split(separator: " ")
        if lowParts.count == 2, highParts.count == 2, lowParts[1] == highParts[1] {
            return "\(lowParts[0])–\(highText)"
        }
        return "\(lowText)–\(highText)"
    }

    /// A share as a percentage: `12%`.
    public static func percent(_ share: Double) -> String { share.isFinite ? "\(formatDecimal(share * 100, digits: 0))%" : "-" }

    /// A share as a percentage with one decimal, for widths near a target of a few percent: `4.7%`.
    public static func percentOneDecimal(_ share: Double) -> String {
        share.isFinite ? "\(formatDecimal(share * 100, digits: 1))%" : "-"
    }
}

extension DurationFormat {
    /// The minus of a signed difference: U+2212, never a hyphen, so a negative *time* printed by
    /// mistake (`-3 ms`) stays something the fuzz target can find.
    static let minus = "\u{2212}"

    /// A signed difference of times (new − base): `−60.0 ms`, `+1.20 s`, `0 s`.
    public static func shift(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return "-" }
        if value == 0 { return "0 s" }
        return (value < 0 ? minus : "+") + seconds(abs(value))
    }

    /// A signed difference's interval: `−62.0 to −58.0 ms` when both ends share a unit, else
    /// `−1.20 s to +300 ms`.
    public static func shiftInterval(_ low: Double, _ high: Double) -> String {
        guard low.isFinite, high.isFinite, low <= high, abs(low) < 1e15, abs(high) < 1e15 else { return "-" }
        let lowText = shift(low), highText = shift(high)
        let lowParts = lowText.split(separator: " "), highParts = highText.split(separator: " ")
        if lowParts.count == 2, highParts.count == 2, lowParts[1] == highParts[1] {
            return "\(lowParts[0]) to \(highText)"
        }
        return "\(lowText) to \(highText)"
    }

    /// A signed share as a percentage with one decimal: `−37.2%`, `+0.4%`.
    public static func signedPercent(_ share: Double) -> String {
        guard share.isFinite else { return "-" }
        let text = formatDecimal(abs(share) * 100, digits: 1)
        return (share < 0 && text != "0.0" ? minus : share > 0 && text != "0.0" ? "+" : "") + text + "%"
    }
}
