@testable import PinHarness
import PinCore
import Testing

@Suite("ForecastValidation: leave the largest size and thread count out, predict them back")
struct ForecastValidationTests {
    static let gib = ForecastFixtures.gib
    static let sizes = [1, 2, 4, 8, 16].map { $0 * gib }
    static let threads = [1, 2, 4, 8, 16]

    static func row(_ validation: ForecastValidation, _ cell: String, _ phase: Forecast.Phase = .pin) throws -> ForecastValidation.Row {
        try #require(validation.rows.first { $0.cell == cell && $0.phase == phase }, "no row \(cell)")
    }

    @Test("a set that follows its law is predicted back within 2%, the left-out cells exactly those at 16G or 16 threads")
    func followsLaw() throws {
        var fixtures = ForecastFixtures()
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let set = try SweepFixtures.resultSet(fixtures.sweep(sizes: Self.sizes, threads: Self.threads), at: folder, name: "set")
        let validation = try ForecastValidation(records: try set.readUniqueRecords().records)
        #expect(validation.leftOutSize == 16 * Self.gib && validation.leftOutThreads == 16)
        #expect(validation.fittedSizes == Array(Self.sizes.dropLast()) && validation.fittedThreads == [1, 2, 4, 8])
        // single at 16G; user and kernel at 16G for 1, 2, 4, 8 threads and at 16 threads for every size.
        #expect(validation.rows.count == (1 + 2 * (4 + 5)) * 2)
        #expect(validation.rows.allSatisfy { $0.sizeBytes == 16 * Self.gib || $0.threads == 16 })
        for row in validation.rows {
            let error = try #require(row.error, "\(row.cell) \(row.phase) has no prediction")
            #expect(abs(error) < 0.02, "\(row.cell) \(row.phase): \(error)")
            #expect(row.runs == 6)
        }
        let scaled = try Self.row(validation, "populate/thp/16G/kernel/16")
        #expect(scaled.predicted.method == .scaled && scaled.predicted.threads == 16)
        #expect(try Self.row(validation, "populate/thp/16G/user/8").predicted.method == .sizeFit)
        #expect(try #require(validation.medianAbsoluteError(.pin)) < 0.01)
    }

    @Test("a largest size 20% slower than the line is reported as the -16.7% the line misses it by")
    func brokenLaw() throws {
        var fixtures = ForecastFixtures()
        let records = fixtures.sweep(sizes: Self.sizes, threads: [1, 4], noise: 0.001, slowdown: [16 * Self.gib: 1.2])
        let validation = try ForecastValidation(records: records)
        #expect(validation.leftOutThreads == nil, "two thread counts: only the size is left out")
        #expect(validation.rows.count == 5 * 2)
        for row in validation.rows {
            let error = try #require(row.error)
            #expect(abs(error - (1 / 1.2 - 1)) < 0.01, "\(row.cell) \(row.phase): \(error)")
            #expect(row.inside == false)
        }
        let table = validation.table().text()
        #expect(table.contains("populate/thp/16G/single/1") && table.contains("-16.7%") && table.contains("no"), "\(table)")
        #expect(validation.summaryLine.contains("pin 16.7%") && validation.summaryLine.contains("0 of 10"), "\(validation.summaryLine)")
    }

    @Test("fewer than 3 sizes is refused with the sweep to run")
    func tooFewSizes() throws {
        var fixtures = ForecastFixtures()
        let records = fixtures.sweep(sizes: [2 * Self.gib, 4 * Self.gib], threads: [1, 2])
        let error = try #require(throws: HarnessError.self) { try ForecastValidation(records: records) }
        #expect(error.exitCode == 2)
        #expect(error.description.contains("--validate needs at least 3 sizes"), "\(error)")
        #expect(error.description.contains("pinbench sweep --sizes 2G,4G,8G,16G,32G"), "\(error)")
    }
}
