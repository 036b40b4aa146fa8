import PinSystem

extension HarnessError {
    /// A file operation that failed, as one line: `cannot write DIR/out: Permission denied; choose
    /// a folder you can write to`. A path that cannot be used as given is bad input (exit 2);
    /// anything else (an I/O error) a failure (exit 1).
    public init(file error: any Error, _ doing: String, path: String? = nil) {
        let text = "\(doing): \(ErrorText.line(error, naming: path))"
        self = ErrorText.isUnusablePath(error) ? .invalidInput(text) : .failed(text)
    }
}
