@testable import PinHarness
import Testing

@Suite("Student's t and normal quantiles against scipy's")
struct StudentTTests {
    // scipy.stats.t.ppf(p, df), full precision.
    static let references: [(p: Double, df: Int, value: Double)] = [
        (0.95, 1, 6.313751514675037), (0.9, 2, 1.8856180831641272), (0.9, 3, 1.637744353696209),
        (0.995, 5, 4.032142983555228), (0.025, 7, -2.3646242515927844), (0.95, 10, 1.8124611228116756),
        (0.975, 40, 2.021075390306273), (0.99, 60, 2.3901194726249133), (0.975, 120, 1.9799304050824402),
    ]

    @Test("quantiles within 0.1% of scipy's (closed forms, table and expansion; the worst is t(0.995, 5))", arguments: references)
    func quantile(p: Double, df: Int, value: Double) {
        let got = StudentT.quantile(p, degreesOfFreedom: df)
        #expect(abs(got - value) / abs(value) < 1e-3, "t(\(p), \(df)) = \(got), want \(value)")
    }

    @Test("the 97.5% table matches the expansion where the expansion is good, and both fall towards z")
    func tableAndExpansion() {
        for df in 3...30 {
            let table = StudentT.quantile(0.975, degreesOfFreedom: df)
            let expansion = StudentT.cornishFisher(0.975, degreesOfFreedom: df)
            #expect(abs(table - expansion) / table < 1.5e-3, "df \(df): table \(table), expansion \(expansion)")
        }
        let values = (1...200).map { StudentT.twoSided(0.95, degreesOfFreedom: $0) }
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 > $1 }, "t(0.975) must fall with df")
        #expect(abs(values[0] - 12.7062) < 1e-4 && values[29] == 2.0423)
        #expect(abs(values[199] - 1.9718962236339088) < 1e-5)  // scipy's t(0.975, 200)
    }

    @Test("symmetry: t(1 - p) = -t(p), t(0.5) = 0")
    func symmetry() {
        for df in [1, 2, 3, 8, 50] {
            for p in [0.6, 0.9, 0.975, 0.999] {
                #expect(abs(StudentT.quantile(1 - p, degreesOfFreedom: df) + StudentT.quantile(p, degreesOfFreedom: df)) < 1e-9)
            }
            #expect(StudentT.quantile(0.5, degreesOfFreedom: df) == 0)
        }
    }

    static let normal: [(p: Double, value: Double)] = [
        (0.975, 1.959963984540054), (0.999, 3.090232306167813), (0.01, -2.3263478740408408),
        (0.8, 0.8416212335729143),
    ]

    @Test("normal quantile to 1e-8 in the centre and both tails", arguments: normal)
    func normalQuantile(p: Double, value: Double) {
        #expect(abs(StudentT.normalQuantile(p) - value) < 1e-8)
    }
}
