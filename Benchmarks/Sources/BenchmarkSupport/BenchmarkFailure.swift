/// Why a benchmark iteration did not measure what it claims (a failed check, a failed call);
/// package-benchmark reports the benchmark as failed with this text.
public struct BenchmarkFailure: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
