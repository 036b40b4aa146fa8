import PinCLI
import Testing

/// Issue 24: every --help prints each option's default once (argument-parser's "(default: ...)"
/// and the help text's own were both shown).
@Suite("Each default printed once")
struct HelpDefaultsTests {
    /// The help's options, one block each (an option's lines up to the next option).
    static func optionBlocks(_ help: String) -> [String] {
        var blocks: [String] = []
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  -") { blocks.append(String(line)) } else if !blocks.isEmpty { blocks[blocks.count - 1] += " " + line }
        }
        return blocks
    }

    @Test("no option's help says its default twice", arguments: PinBenchCommand.configuration.subcommands.map { ObjectIdentifier($0) })
    func once(command: ObjectIdentifier) throws {
        let type = try #require(PinBenchCommand.configuration.subcommands.first { ObjectIdentifier($0) == command })
        for block in Self.optionBlocks(PinBenchCommand.helpMessage(for: type, columns: 10_000)) {
            let count = block.lowercased().components(separatedBy: "default:").count - 1
            #expect(count <= 1, "\(type._commandName): \(block)")
        }
    }
}
