#include "CPinSysBuild.h"

// Defined on the compiler's command line by scripts/release.sh; empty in every other build.
#ifndef PINBENCH_BUILD_VERSION
#define PINBENCH_BUILD_VERSION ""
#endif
#ifndef PINBENCH_BUILD_COMMIT
#define PINBENCH_BUILD_COMMIT ""
#endif

const char *cpinsys_build_version(void) {
    return PINBENCH_BUILD_VERSION;
}

const char *cpinsys_build_commit(void) {
    return PINBENCH_BUILD_COMMIT;
}
