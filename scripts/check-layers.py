#!/usr/bin/env python3
"""Checks every target's imports against Package.swift and the layer order.

Two rules, both from docs/architecture.md:
  1. Declared: a target imports only modules it declares as dependencies (its own package's
     targets and products), besides the toolchain's own modules. SwiftPM's
     --explicit-target-dependency-import-check finds nothing on Linux with Swift 6.3, so this
     script is what holds the rule.
  2. Layered: a source target imports, and declares, only targets of a lower layer (LAYERS
     below); test targets may use any layer but must still declare what they import.

Usage: scripts/check-layers.py [--root DIR] [--manifest FILE]   (exit 1 and one line per finding)
       scripts/check-layers.py --self-test                      (each rule catches a planted break)
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# The layer of every source target; a target may import only targets of a lower layer, so
# PinBackends and PinEngine (both 4) never import each other. A new target must be placed here.
LAYERS = {
    "CPinSys": 0,
    "CPinBaseline": 0,
    "PinCore": 1,
    "PinSystem": 2,
    "PinContract": 3,
    "PinBackends": 4,
    "PinEngine": 4,
    "PinHarness": 5,
    "PinCLI": 6,
    "pinbench": 7,
    # Test support: above everything, so it may use any layer.
    "PinTestSupport": 8,
    "PinTestBackend": 8,
}

# Modules of the toolchain and the C library, which need no declaration.
TOOLCHAIN = {
    "Foundation", "FoundationEssentials", "Glibc", "Musl", "Darwin", "Dispatch", "Synchronization",
    "Testing", "XCTest", "_Concurrency", "Swift", "SwiftShims", "os", "RegexBuilder", "_StringProcessing",
}

IMPORT = re.compile(r"^\s*(?:@[\w(). ,:]+\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_]\w*)")


def manifest(root, path=None):
    if path:
        with open(path) as handle:
            return json.load(handle)
    output = subprocess.run(["swift", "package", "dump-package"], cwd=root, check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output)


def declared(target):
    """The module names a target declares: targets by name, products by their module name."""
    names = set()
    for dependency in target.get("dependencies", []):
        kind, value = next(iter(dependency.items()))
        names.add(value[0])
    return names


def sources(root, target):
    folder = target.get("path") or os.path.join("Tests" if target["type"] == "test" else "Sources", target["name"])
    folder = os.path.join(root, folder)
    for directory, _, files in os.walk(folder):
        for name in sorted(files):
            if name.endswith(".swift"):
                yield os.path.join(directory, name)


def imports(path):
    found = []
    in_block_comment = False
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            stripped = line.strip()
            if in_block_comment:
                in_block_comment = "*/" not in stripped
                continue
            if stripped.startswith("/*"):
                in_block_comment = "*/" not in stripped
                continue
            match = IMPORT.match(line)
            if match:
                found.append((number, match.group(1)))
    return found


def check(root, package):
    findings = []
    targets = {target["name"]: target for target in package["targets"]}
    products = {product["name"] for product in package.get("products", [])}
    external = set()
    for dependency in package.get("dependencies", []):
        for kind in dependency.values():
            for item in kind if isinstance(kind, list) else [kind]:
                if isinstance(item, dict) and "identity" in item:
                    external.add(item["identity"])
    for name, target in targets.items():
        is_test = target["type"] == "test"
        if not is_test and name not in LAYERS:
            findings.append(f"Package.swift: target {name} has no layer: add it to LAYERS in scripts/check-layers.py "
                            "and to docs/architecture.md")
            continue
        mine = declared(target)
        if not is_test:
            for dependency in sorted(mine):
                if dependency in LAYERS and LAYERS[dependency] >= LAYERS[name]:
                    findings.append(f"Package.swift: {name} (layer {LAYERS[name]}) depends on {dependency} "
                                    f"(layer {LAYERS[dependency]}): a target may depend only on lower layers")
        for path in sources(root, target):
            relative = os.path.relpath(path, root)
            for number, module in imports(path):
                if module in TOOLCHAIN:
                    continue
                if module not in mine:
                    what = "target" if module in targets else "product" if module in products else "module"
                    findings.append(f"{relative}:{number}: {name} imports {module}, a {what} it does not declare "
                                    f"in Package.swift")
                elif not is_test and module in LAYERS and LAYERS[module] >= LAYERS[name]:
                    findings.append(f"{relative}:{number}: {name} (layer {LAYERS[name]}) imports {module} "
                                    f"(layer {LAYERS[module]}): a layer imports only those below it")
    return findings


def self_test(root):
    """Plants one break of each rule in a copy of the sources and expects each to be found."""
    package = manifest(root)
    base = check(root, package)
    if base:
        print("check-layers self-test: the tree itself has findings:\n" + "\n".join(base), file=sys.stderr)
        return 1
    # (file, line planted at its top, a dependency added to its target in the manifest, expected finding)
    cases = [
        ("Sources/PinEngine/Job.swift", "import PinBackends\n", "PinBackends", "PinEngine (layer 4) imports PinBackends"),
        ("Sources/PinEngine/Job.swift", "import PinBackends\n", "PinBackends", "PinEngine (layer 4) depends on PinBackends"),
        ("Sources/PinCore/ByteSize.swift", "import PinSystem\n", None, "PinCore imports PinSystem, a target it does not declare"),
        ("Tests/PinCoreTests/ByteSizeTests.swift", "import PinHarness\n", None, "PinCoreTests imports PinHarness"),
    ]
    failures = 0
    for relative, line, dependency, expected in cases:
        with tempfile.TemporaryDirectory() as scratch:
            for top in ("Sources", "Tests"):
                shutil.copytree(os.path.join(root, top), os.path.join(scratch, top),
                                ignore=shutil.ignore_patterns("*.c", "*.h", "Golden"))
            planted = os.path.join(scratch, relative)
            if not os.path.exists(planted):
                print(f"check-layers self-test: {relative} is gone; pick another file to plant in", file=sys.stderr)
                return 1
            with open(planted) as handle:
                text = handle.read()
            with open(planted, "w") as handle:
                handle.write(line + text)
            planted_package = json.loads(json.dumps(package))
            if dependency:
                owner = relative.split("/")[1]
                for target in planted_package["targets"]:
                    if target["name"] == owner:
                        target["dependencies"].append({"byName": [dependency, None]})
            findings = check(scratch, planted_package)
            if not any(expected in finding for finding in findings):
                print(f"check-layers self-test: planting '{line.strip()}' in {relative} was not caught "
                      f"(wanted '{expected}'; got {findings})", file=sys.stderr)
                failures += 1
    print(f"check-layers self-test: {len(cases) - failures} of {len(cases)} planted breaks caught")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    parser.add_argument("--manifest", help="the output of `swift package dump-package` (default: run it)")
    parser.add_argument("--self-test", action="store_true")
    arguments = parser.parse_args()
    root = os.path.abspath(arguments.root)
    if arguments.self_test:
        return self_test(root)
    package = manifest(root, arguments.manifest)
    findings = check(root, package)
    for finding in findings:
        print(finding, file=sys.stderr)
    checked = sum(1 for target in package["targets"])
    if findings:
        print(f"check-layers: {len(findings)} findings in {checked} targets", file=sys.stderr)
        return 1
    print(f"check-layers: {checked} targets import only what they declare, each layer only those below it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
