#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Turns the first SIGINT/SIGTERM into a flag that long work polls between repetitions, so
/// the current repetition ends, memory is released and finished results are kept. A second
/// signal ends the process at once (the kernel then unmaps and unlocks everything).
public enum InterruptFlag {
    private static let raised = Atomic<Int32>(0)

    /// Whether an interrupt arrived since `install()`.
    public static var isRaised: Bool { raised.load(ordering: .relaxed) != 0 }

    /// The signal that arrived (for the exit code 128 + n), or 0.
    public static var signal: Int32 { raised.load(ordering: .relaxed) }

    /// Installs the handlers. Call once, from the main thread, before the work starts.
    public static func install() {
        _ = raised.load(ordering: .relaxed)  // initialise the global outside the handler
        // A parent may have started us with these signals blocked (posix_spawn passes its mask
        // on; test runners and some shells block them): unblock them, or Ctrl-C would pend forever.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for number in [SIGINT, SIGTERM] {
            Glibc.signal(number) { number in
                if InterruptFlag.raised.exchange(number, ordering: .relaxed) != 0 {
                    Glibc.signal(number, SIG_DFL)
                    raise(number)
                    return
                }
                let message = "\npinbench: interrupted; finishing the current step (press Ctrl-C again to abort)\n"
                message.utf8CString.withUnsafeBufferPointer { _ = write(2, $0.baseAddress, $0.count - 1) }
            }
        }
    }

    /// Clears the flag (tests).
    public static func reset() { raised.store(0, ordering: .relaxed) }
}
