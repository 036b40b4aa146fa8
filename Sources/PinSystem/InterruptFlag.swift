#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Turns the first SIGINT/SIGTERM into a flag that long work polls between repetitions, so
/// the current repetition ends, memory is released and finished results are kept. A second
/// signal ends the process at once (the kernel then unmaps and unlocks everything).
///
/// One rule from start-up to exit: `pinbench` installs this before it parses its arguments,
/// and every command exits 128 + the signal's number once the flag is up. A SIGINT that was
/// ignored when the process started (a background job of a non-interactive shell, `nohup`)
/// stays ignored for the whole run, the Unix convention for background jobs; SIGTERM always
/// stops it.
public enum InterruptFlag {
    private static let raised = Atomic<Int32>(0)
    private static let installed = Atomic<Bool>(false)
    private static let keptIgnore = Atomic<Bool>(false)

    /// Whether an interrupt arrived since `install()`.
    public static var isRaised: Bool { raised.load(ordering: .relaxed) != 0 }

    /// The signal that arrived (for the exit code 128 + n), or 0.
    public static var signal: Int32 { raised.load(ordering: .relaxed) }

    /// Whether SIGINT was ignored at start and so stays ignored (`install`).
    public static var sigintIgnoredByParent: Bool { keptIgnore.load(ordering: .relaxed) }

    /// Installs the handlers (`sigaction(2)`), once; later calls do nothing. Call from the main
    /// thread before any work, as `pinbench`'s entry point does first.
    public static func install() {
        guard !installed.exchange(true, ordering: .relaxed) else { return }
        _ = raised.load(ordering: .relaxed)  // initialise the global outside the handler
        // A parent may have started us with these signals blocked (posix_spawn passes its mask
        // on; test runners and some shells block them): unblock them, or Ctrl-C would pend forever.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for number in [SIGINT, SIGTERM] {
            var current = sigaction()
            sigaction(number, nil, &current)
            // Function pointers are not Equatable in Swift: compare SIG_IGN's address.
            if number == SIGINT && unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                keptIgnore.store(true, ordering: .relaxed)
                continue
            }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                if InterruptFlag.raised.exchange(number, ordering: .relaxed) != 0 {
                    Glibc.signal(number, SIG_DFL)
                    raise(number)
                    return
                }
                let message = "\npinbench: interrupted; finishing the current step (press Ctrl-C again to abort)\n"
                message.utf8CString.withUnsafeBufferPointer { _ = write(2, $0.baseAddress, $0.count - 1) }
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
    }

    /// Clears the flag (tests).
    public static func reset() { raised.store(0, ordering: .relaxed) }
}
