#if canImport(Glibc)
import Glibc
#endif

/// Small readers for `/proc` and `/sys` text files, through `FileDescriptor` and `Syscall` so
/// they stay cheap enough to call around every timed phase.
public enum ProcFile {
    /// Reads a whole (small) text file.
    public static func read(_ path: String) throws(SystemError) -> String {
        String(decoding: try FileDescriptor(opening: path, O_RDONLY).readToEnd(), as: UTF8.self)
    }

    /// Reads a file holding one integer (sysfs style), or nil when absent or unreadable.
    public static func readInt(_ path: String) -> Int? {
        guard let text = try? read(path) else { return nil }
        return Int(text.trimmingWhitespace())
    }

    /// Writes `text` to a file (sysfs style), replacing its content.
    public static func write(_ path: String, _ text: String) throws(SystemError) {
        let file = try FileDescriptor(opening: path, O_WRONLY)
        var text = text
        // One write(2): a sysfs file takes its value in one piece or not at all.
        let written = try text.withUTF8 { buffer in
            Result { () throws(SystemError) -> Int in try Syscall.write(file.rawValue, UnsafeRawBufferPointer(buffer), "write(\(path))") }
        }.get()
        guard written == text.utf8.count else {
            throw SystemError("write(\(path))", errno: EIO, hint: "the kernel took \(written) of \(text.utf8.count) bytes")
        }
    }

    /// Parses `Key:   value kB` lines (`/proc/meminfo`, `/proc/self/status`) into bytes.
    /// Values without a unit are returned as they are.
    public static func parseKilobyteFields(_ text: String) -> [String: Int] {
        var fields: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon])
            // Values are padded with tabs and spaces ("VmLck:\t    1024 kB").
            let rest = line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = rest.first, let value = Int(first) else { continue }
            let isKilobytes = rest.count > 1 && rest[1].lowercased() == "kb"
            let (bytes, overflow) = value.multipliedReportingOverflow(by: isKilobytes ? 1024 : 1)
            fields[key] = overflow ? Int.max : bytes
        }
        return fields
    }

    /// The names in a folder (without `.` and `..`), or nil when it cannot be opened.
    /// Plain `opendir` keeps PinSystem free of Foundation.
    public static func listDirectory(_ path: String) -> [String]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
