/// Why a size could not be read.
public enum ByteSizeError: Error, Equatable, CustomStringConvertible, Sendable {
    case empty
    case notANumber(String)
    case unknownUnit(String, unit: String)
    case negative(String)
    case notWholeBytes(String)
    case tooLarge(String)

    public var description: String {
        let examples = "write a size like 4096, 4K, 2M, 512MiB, 1G or 1.5T"
        switch self {
        case .empty: return "empty size: \(examples)"
        case .notANumber(let text): return "'\(text)' is not a size: \(examples)"
        case .unknownUnit(let text, let unit):
            return "'\(text)': unknown unit '\(unit)' (use K, M, G, T or P, optionally followed by B or iB)"
        case .negative(let text): return "'\(text)': a size cannot be negative"
        case .notWholeBytes(let text): return "'\(text)' is not a whole number of bytes"
        case .tooLarge(let text): return "'\(text)' is too large"
        }
    }
}

extension ByteSize {
    /// Parses `4096`, `4K`, `4k`, `2MB`, `512MiB`, `1.5T`, `1 G` (binary units throughout).
    public init(parsing text: String) throws(ByteSizeError) {
        let trimmed = text.filter { !$0.isWhitespace }
        guard !trimmed.isEmpty else { throw .empty }
        if trimmed.hasPrefix("-") { throw .negative(text) }
        let numberPart = trimmed.prefix { $0.isNumber || $0 == "." }
        let unitPart = trimmed.dropFirst(numberPart.count)
        guard !numberPart.isEmpty, numberPart.filter({ $0 == "." }).count <= 1,
              numberPart.contains(where: \.isNumber)
        else { throw .notANumber(text) }

        let shift: Int
        switch unitPart.uppercased() {
        case "", "B": shift = 0
        case "K", "KB", "KIB": shift = 10
        case "M", "MB", "MIB": shift = 20
        case "G", "GB", "GIB": shift = 30
        case "T", "TB", "TIB": shift = 40
        case "P", "PB", "PIB": shift = 50
        default: throw .unknownUnit(text, unit: String(unitPart))
        }

        // Exact decimal arithmetic: integer part and fraction digits kept as integers,
        // so 1.5T is exactly 1.5 * 2^40 and 1.3K is rejected rather than rounded.
        let pieces = numberPart.split(separator: ".", omittingEmptySubsequences: false)
        let wholeDigits = pieces[0].isEmpty ? "0" : String(pieces[0])
        let fractionDigits = pieces.count > 1 ? String(pieces[1]) : ""
        guard fractionDigits.count <= 18, let whole = Int(wholeDigits),
              let fraction = Int(fractionDigits.isEmpty ? "0" : fractionDigits)
        else { throw .tooLarge(text) }

        let (wholeBytes, wholeOverflow) = whole.multipliedReportingOverflow(by: 1 << shift)
        guard !wholeOverflow, whole <= Int.max >> shift else { throw .tooLarge(text) }
        var fractionBytes = 0
        if fraction != 0 {
            var scale = 1
            for _ in 0..<fractionDigits.count { scale *= 10 }
            // fraction * 2^shift / scale must be whole; compute without overflow by
            // dividing out the powers of two and five first.
            let (numerator, overflow) = fraction.multipliedReportingOverflow(by: 1 << shift)
            guard !overflow else { throw .tooLarge(text) }
            guard numerator % scale == 0 else { throw .notWholeBytes(text) }
            fractionBytes = numerator / scale
        }
        let (total, overflow) = wholeBytes.addingReportingOverflow(fractionBytes)
        guard !overflow else { throw .tooLarge(text) }
        self.init(total)
    }
}

// MARK: - Printing

extension ByteSize: CustomStringConvertible {
    /// The shortest exact form a user would type: `4K`, `5760M`, `1.5T`, `4095`.
    /// Round-trips through `init(parsing:)`.
    public var description: String {
        guard bytes != 0 else { return "0" }
        for (letter, shift) in Self.units {
            let unit = 1 << shift
            guard bytes >= unit else { continue }
            let remainder = bytes % unit
            if remainder == 0 { return "\(bytes / unit)\(letter)" }
            // Up to two decimals when that is still exact (1.5T, 1.25G). Only the remainder
            // is scaled (it is below 2^50), so no size near Int.max can overflow here.
            for (digits, scale) in [(1, 10), (2, 100)] where (remainder * scale) % unit == 0 {
                let whole = bytes / unit
                var fraction = String(remainder * scale / unit)
                while fraction.count < digits { fraction = "0" + fraction }
                return "\(whole).\(fraction)\(letter)"
            }
        }
        return "\(bytes)"
    }

    /// A rounded human form for tables: `1.00 GiB`, `5760 MiB`, `12.3 KiB`.
    public var humanReadable: String {
        for (letter, shift) in Self.units where bytes >= 1 << shift {
            let value = Double(bytes) / Double(1 << shift)
            if bytes % (1 << shift) == 0 { return "\(bytes >> shift) \(letter)iB" }
            return "\(formatDecimal(value, digits: 2)) \(letter)iB"
        }
        return "\(bytes) B"
    }
}

/// Formats without Foundation: fixed digits after the point, rounded half away from zero.
public func formatDecimal(_ value: Double, digits: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let negative = value < 0
    let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
    guard scaled < 9.0e18 else { return "\(value)" }
    let integer = Int(scaled)
    let whole = integer / Int(scale)
    var text = "\(negative && integer != 0 ? "-" : "")\(whole)"
    if digits > 0 {
        var fraction = String(integer % Int(scale))
        while fraction.count < digits { fraction = "0" + fraction }
        text += "." + fraction
    }
    return text
}
