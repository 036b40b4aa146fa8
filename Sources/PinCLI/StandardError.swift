#if canImport(Glibc)
import Glibc
#endif

/// Writes a line to standard error, unbuffered, so progress interleaves correctly with output.
func printError(_ text: String, terminator: String = "\n") {
    let line = text + terminator
    line.utf8CString.withUnsafeBufferPointer { _ = write(2, $0.baseAddress, $0.count - 1) }
}

/// Writes to standard output and flushes, so a consumer sees each JSON line as it is made.
func printFlushed(_ text: String) {
    print(text)
    fflush(nil)  // all output streams; `stdout` itself is not concurrency-safe to name
}
