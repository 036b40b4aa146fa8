#ifndef CPINSYS_BUILD_H
#define CPINSYS_BUILD_H

// CPinSysBuild: what scripts/release.sh writes into a release binary at build time
// (-Xcc -DPINBENCH_BUILD_VERSION="..." -Xcc -DPINBENCH_BUILD_COMMIT="..."), so that --version
// and every record name the release on a box with no git and no checkout.

/// The release version (`git describe` of the commit built), or "" in a build that was not
/// stamped (`swift build` in a checkout).
const char *cpinsys_build_version(void);

/// The commit the release was built from (12 hex digits, `-dirty` when tracked files differed),
/// or "" in a build that was not stamped.
const char *cpinsys_build_commit(void);

#endif
