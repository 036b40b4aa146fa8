import PinCore
import PinSystem

/// How the simulated GUP takes and drops references (`--gup`, `--unpin`).
public enum GUPMode: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// One grab per 4 KiB page, each a page-table walk and atomics on the folio's head record:
    /// GUP before folios (`try_grab_page` per page, `unpin_user_page` per page).
    case perPage = "per-page"
    /// One grab per folio with the page count (the batched `gup_fast` path,
    /// `unpin_user_pages` grouping consecutive pages of one folio).
    case folio

    public var description: String { rawValue }
}

/// The `foliosim` backend's options.
public struct FolioSimOptions: Sendable, Equatable, Codable, CustomStringConvertible {
    /// How the pin phase grabs references.
    public var pin: GUPMode
    /// How the unpin phase drops them.
    public var unpin: GUPMode
    /// Where the folios come from.
    public var layout: FolioLayout

    public init(pin: GUPMode = .folio, unpin: GUPMode? = nil, layout: FolioLayout = .memory) {
        self.pin = pin
        self.unpin = unpin ?? pin
        self.layout = layout
    }

    /// A made-up layout needs only address space; the kernel's folios need the real region.
    public var regionBacking: Region.Backing { layout.isSynthetic ? .addressSpace : .memory }

    /// "gup per-page, unpin per-page, folios memory".
    public var description: String { "gup \(pin), unpin \(unpin), folios \(layout)" }
}
