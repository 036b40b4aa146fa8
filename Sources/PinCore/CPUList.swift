/// The kernel's cpulist text (`0-3,8,10-11`), as sysfs writes it and `--topology` takes it.
public enum CPUList {
    /// Parses a cpulist (empty for none), or nil when the text is malformed: a bad number, a
    /// reversed range, a stray comma or sign.
    public static func parse(_ text: String) -> [Int]? {
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty { return [] }
        var cpus: [Int] = []
        // omittingEmptySubsequences: false so "0,,2" and a trailing comma are caught as malformed.
        for item in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 1 || bounds.count == 2 else { return nil }
            guard let first = cpuNumber(bounds[0]) else { return nil }
            let last = bounds.count == 2 ? cpuNumber(bounds[1]) : first
            guard let last, first <= last else { return nil }
            cpus.append(contentsOf: first...last)
            // No machine has more CPUs than numbers below 65536: a longer list repeats itself.
            guard cpus.count <= 65_536 else { return nil }
        }
        return cpus
    }

    /// The cpulist text for ascending CPU numbers, with runs folded into ranges.
    public static func format(_ cpus: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        while index < cpus.count {
            var end = index
            while end + 1 < cpus.count, cpus[end + 1] == cpus[end] + 1 { end += 1 }
            parts.append(end == index ? "\(cpus[index])" : "\(cpus[index])-\(cpus[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }

    /// One CPU number: decimal digits only (`Int` alone would take `+3`), and below 65536,
    /// far above any kernel's NR_CPUS, so a corrupt range cannot make a huge array.
    private static func cpuNumber(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = Int(text), value < 65_536 else { return nil }
        return value
    }
}
