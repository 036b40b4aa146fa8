import PinSystem
import Testing

@Suite("BuildStamp")
struct BuildStampTests {
    /// Only scripts/release.sh defines PINBENCH_BUILD_VERSION and PINBENCH_BUILD_COMMIT; a test
    /// build that found either would name a release it is not (and skip git for its commit).
    @Test("a build that scripts/release.sh did not stamp names no release and no commit")
    func unstamped() {
        #expect(BuildStamp.version == nil)
        #expect(BuildStamp.commit == nil)
    }
}
