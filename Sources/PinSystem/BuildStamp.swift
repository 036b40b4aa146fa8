import CPinSys

/// What `scripts/release.sh` wrote into this binary when it built it (`cpinsys_build_version`,
/// `cpinsys_build_commit`): nil in an ordinary `swift build`, which learns its commit from git.
public enum BuildStamp {
    /// The release version, `git describe` of the commit built (`0.1.0-845-g1a2b3c4d5e6f`).
    public static var version: String? { stamped(cpinsys_build_version()) }

    /// The commit the release was built from, 12 hex digits with `-dirty` when tracked files
    /// differed from it.
    public static var commit: String? { stamped(cpinsys_build_commit()) }

    private static func stamped(_ text: UnsafePointer<CChar>?) -> String? {
        guard let text else { return nil }
        let value = String(cString: text)
        return value.isEmpty ? nil : value
    }
}
