import Foundation

/// The words the `commands` target builds argument lists from: every subcommand, every option,
/// and the numbers that have broken parsers before (huge, negative, zero, nan, inf, 1e308, -0,
/// hex, sizes with suffixes, lists).
enum CommandVocabulary {
    static let subcommands = ["run", "sweep", "report", "forecast", "plan", "doctor", "calibrate", "topology", "hold", "vfio-rules", "help"]

    static let options = [
        "--size", "--sizes", "--reps", "--warmup", "--threads", "--max-threads", "--min-chunk", "--align", "--cut-align",
        "--memory", "--strategy", "--strategies", "--backend", "--backends", "--node", "--bind", "--topology", "--seed",
        "--seconds", "--toucher-cpus", "--entry-limit", "--gup", "--gup-batch", "--unpin", "--folios", "--vfio", "--locked-vm",
        "--container-lock", "--populate-read", "--prefault", "--baseline", "--json", "--jsonl", "--format", "--host-warm",
        "--output", "--results", "--label", "--resume", "--dry-run", "--compare", "--validate", "--no-compare", "--rule",
        "--reserve-hugepages", "--restore", "--help", "--version", "-h", "--target-width", "--max-reps",
        "--map-device", "--iova-base", "--iommufd-domains", "--dirty-tracking",
    ]

    static let values = [
        "0", "1", "2", "-1", "-0", "7", "64", "1024", "4096", "65535", "65536", "100000", "100001", "1048576", "1048577",
        "4294967295", "4294967296", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "18446744073709551615", "18446744073709551616", "99999999999999999999999999",
        "nan", "-nan", "inf", "-inf", "infinity", "1e308", "-1e308", "1e309", "2e10", "1e-300", "0.001", "0.5", "0x10", "0x1p4",
        "", " ", "4K", "2M", "1G", "1.5T", "64P", "63P", "8E", "-1G", "0K", "1.3K", "4096B", "512MiB", "1..64", "1..nproc", "2..16:2",
        "1,2,4", "0-3,8", "2x8", "0:0-7,1:8-15", "1024x1024", "anon", "thp", "hugetlb-2m", "memfd", "all", "single,user",
        "kernel", "populate", "mlock", "touch", "vfio", "foliosim", "kmod", "shim", "shim:iommufd", "type1:0", "iommufd-file:vfio0", "iommufd-file:0", "cached:512",
        "iommufd:vfio2,vfio3", "iommufd:vfio2,vfio2", "iommufd:vfio2,", "iommufd:,", "type1:1,2", "shared", "per-device", "PER-DEVICE",
        "type1", "iommufd", "iommufd-mock", "IOMMUFD-MOCK", "iommufd:vfio0",
        "cached:9223372036854775807", "cached:-1", "mixed:18446744073709551615", "mixed:-1", "per-page", "folio", "remote",
        "fast", "interleave", "local", "roundrobin", "device", "text", "csv", "json", "/tmp", "/nonexistent",
        "00:04.0", "0000:00:04.0", "0000:ff:1f.7", "0000:00:20.0", "0x100000000", "0xfffffffffffff000",
        "auto", "AUTO", "5%", "0.1%", "100%", "101%", "nan%", "-5%", "%", "1e-300%", "5%%",
    ]

    /// The argument list `data` stands for.
    static func arguments(from data: Data) -> [String] {
        guard let first = data.first, first >= 0x80 else {
            return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        var arguments = [subcommands[Int(first) % subcommands.count]]
        for byte in data.dropFirst() {
            // Options and values alternate most of the time, as real command lines do.
            let list = byte & 1 == 0 ? options : values
            arguments.append(list[Int(byte >> 1) % list.count])
        }
        return arguments
    }
}
