import PinContract

// The options of the two backends that take and drop page references themselves, foliosim
// (simulated GUP) and kmod (PinBench's module): one `--gup` and one `--unpin`, each value
// meaning what it means to the backend that takes it.
extension BackendOption {
    /// foliosim: per-page or folio; kmod: remote, fast or memfd.
    public static let gup = BackendOption("--gup", valueName: "gup mode")
    /// foliosim and kmod: per-page or folio.
    public static let unpin = BackendOption("--unpin", valueName: "unpin mode")
}
