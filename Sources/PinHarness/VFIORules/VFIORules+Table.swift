// MARK: - The side-by-side table

extension VFIORules {
    /// One row per rule: what is tried, type1's answer, each mapper's answer, and whether they
    /// all give what they should (`yes`, `documented` where a shim differs on purpose, `NO`):
    /// type1's errno, or for `container-lock` the behaviour of each mapper's own lock model.
    /// `outcomes` holds each mapper's outcomes in rule order, as `run` returns them.
    public static func markdown(_ outcomes: [[Outcome]]) -> String {
        let mappers = outcomes.compactMap { $0.first?.mapper }
        var lines = [
            SummaryTable.line(["rule", "what is tried", "type1 (kernel source)"] + mappers + ["agree"]),
            SummaryTable.line(Array(repeating: "---", count: 4 + mappers.count)),
        ]
        for (index, rule) in (outcomes.first ?? []).map(\.rule).enumerated() {
            let row = outcomes.map { $0[index] }
            lines.append(SummaryTable.line(
                [rule.rawValue, rule.summary, rule.type1Answer] + row.map(\.answer) + [agreement(row)]))
        }
        let notes = outcomes.joined().compactMap { outcome -> String? in
            if let failure = outcome.failure { return "- \(outcome.rule.rawValue) on \(outcome.mapper): FAILED: \(failure)" }
            if let skipped = outcome.skipped { return "- \(outcome.rule.rawValue) on \(outcome.mapper): skipped: \(skipped)" }
            if let difference = outcome.documentedDifference { return "- \(outcome.rule.rawValue) on \(outcome.mapper): \(difference)" }
            if outcome.rule == .containerLock, outcome.behaviour != nil {
                return "- \(outcome.rule.rawValue) on \(outcome.mapper): \(outcome.detail) (its model: \(outcome.expected))"
            }
            return nil
        }
        return lines.joined(separator: "\n") + (notes.isEmpty ? "" : "\n\n" + notes.joined(separator: "\n"))
    }

    /// Over the judged outcomes (type1 and shim): `yes` when every tried outcome is type1's answer, `documented` when the only differences
    /// are documented ones, `NO` otherwise, `-` when nothing was tried.
    public static func agreement(_ row: [Outcome]) -> String {
        if row.contains(where: { $0.failure != nil }) { return "NO" }
        let tried = row.filter { $0.judged && $0.matchesExpected != nil }
        if tried.isEmpty { return "-" }
        if tried.allSatisfy({ $0.matchesExpected == true }) { return "yes" }
        return tried.allSatisfy { $0.matchesExpected == true || $0.documentedDifference != nil } ? "documented" : "NO"
    }
}
