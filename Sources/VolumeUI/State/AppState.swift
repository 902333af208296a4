import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The whole dashboard as a value: what the engine reported, what the user is doing, and what is loading.
///
/// Only `Dashboard.reduce` changes it; `Dashboard.render` draws it. It never reads the clock: `now` comes from
/// `.tick` and from catalog loads.
public struct AppState: Sendable {
    /// Which screen the main area shows.
    enum ViewMode: Sendable, Equatable {
        /// The volumes table with its detail pane.
        case volumes
        /// Every container with all of its mounts.
        case mounts
        /// Every key binding.
        case help
        /// The file tree of one volume (`files`), over the whole main area.
        case files
        /// The trash: removed volumes kept for a while, with the selected item's detail.
        case trash
    }

    /// Which pane of the volumes view has the keyboard.
    enum Focus: Sendable, Equatable {
        case table, detail
    }

    // MARK: Set by the runtime

    /// What the header says about the engine.
    public var header: EngineHeader
    /// The engines of a fleet, one header line each; empty with one engine (names then carry no `ENGINE/` prefix).
    public var fleet: [FleetMember] = []
    /// Whether several engines share the dashboard (an ENGINE column, one header line per engine).
    public var isFleet: Bool { !fleet.isEmpty }
    /// In a fleet, the engine `c` creates on: the selected volume's, else the first live one (nil: one engine).
    var createTarget: String? {
        guard isFleet else { return nil }
        return selectedEntry.flatMap { FleetName.engine(of: $0.name) } ?? fleet.first { $0.status.isLive }?.label ?? fleet.first?.label
    }
    /// Volumes per engine label in the last catalog (fleet only).
    var fleetCounts: [String: Int] = [:]
    /// Whether every change is refused (`--read-only`).
    public let isReadOnly: Bool
    /// Whether to draw without any color (`NO_COLOR`): only bold, reverse, dim and underline.
    public var isMonochrome = false
    /// The theme's colors (the configuration's `[theme]`); unused when monochrome.
    public var palette = Palette.standard
    /// The key bindings: the defaults, or the user's configuration over them.
    public var keyMap = KeyMap.default
    /// A warning that stays under the header for the whole run (TLS without verification).
    public var standingWarning: String?
    /// Growth, writers and the disk, once the growth follower published (nil: not followed, nothing shown).
    public var growth: GrowthSnapshot?
    /// The trash removed volumes go to (nil: removals are for good, and the confirms say so).
    public var trash: TrashNote?
    /// `docker` or `podman`: the create form checks names by this engine's rule.
    public var engineFlavor = "docker"
    /// Whether the user asked to leave; the runtime restores the terminal and exits.
    public internal(set) var shouldQuit = false
    /// The current time as last reported by `.tick` or a catalog load.
    public internal(set) var now: Date
    /// Terminal rows, from `.resize`.
    public internal(set) var rows = 24
    /// Terminal columns, from `.resize`.
    public internal(set) var cols = 80
    /// The zone file times are shown in (the runtime's local zone; tests pin UTC).
    ///
    /// The local zone is looked up when a file time is first shown, not at start: `TimeZone.current` loads ICU's
    /// zone data (megabytes resident) that the volumes table never needs.
    public var timeZone: TimeZone {
        get { pinnedTimeZone ?? TimeZone.current }
        set { pinnedTimeZone = newValue }
    }
    /// The zone set through `timeZone`, if any.
    private var pinnedTimeZone: TimeZone?

    // MARK: Engine data

    /// The last catalog, with the last known sizes merged in.
    var catalog = Catalog.empty
    /// The last sizes by volume name, kept across catalog reloads (the engine's `/system/df` figures).
    var sizes: [String: VolumeSize] = [:]
    /// Sizes voltop measured itself by reading the volumes' files (`.volumeMeasured`); preferred over `sizes`.
    var measuredSizes: [String: Int64] = [:]
    /// Creation times in seconds since 1970, parallel to `catalog.entries` (parsed once per load).
    var createdTimes: [Double?] = []
    /// Each entry's index by volume name.
    var entryIndexByName: [String: Int] = [:]
    /// Counts and totals over all entries, for the header (kept up to date by the `apply` functions).
    var summary = CatalogSummary()
    /// Each entry's place in name order, parallel to `catalog.entries` (sorts break ties by it).
    var nameRanks: [Int] = []
    /// Lowercased text the filter searches, parallel to `catalog.entries`; empty until a filter needs it.
    var searchTexts: [VolumeFilter.SearchText] = []
    /// Owners with `--volumes-from` resolved, by volume name.
    var resolvedOwners: [String: ResolvedOwners] = [:]
    /// Why resolving a volume's owners failed, by volume name.
    var resolveErrors: [String: String] = [:]
    /// Volumes whose owners were asked to be resolved and not yet answered.
    var requestedOwners: Set<String> = []
    /// Container details (mounts incl. tmpfs) by container id.
    var containerDetails: [String: ContainerDetail] = [:]
    /// Container details asked for and not yet answered, or why they failed.
    var containerDetailErrors: [String: String] = [:]
    var requestedContainerDetails: Set<String> = []

    // MARK: Loading

    /// A catalog load is in flight.
    var isLoadingCatalog = false
    /// Another catalog load is wanted once the one in flight returns.
    var isCatalogReloadPending = false
    /// At least one catalog arrived.
    var hasLoadedCatalog = false
    /// Whether the volume list arrived before the containers did: names show, owners and status say "loading" (never
    /// a false "unused"), and keys that act on owners wait.
    var areOwnersLoading = false
    /// A size load is in flight.
    var isLoadingSizes = false
    /// Another size load is wanted once the one in flight returns.
    var isSizeReloadPending = false
    /// A `.tick` is scheduled and not yet received.
    /// When the scheduled `.tick` is due (by `now`), nil when none is; a sooner need replaces it (the runtime keeps
    /// only the latest `.scheduleTick`).
    var tickDue: Date?
    /// Whether a `.tick` is on its way.
    var isTickScheduled: Bool { tickDue != nil }
    /// Sizes should be measured again once the next catalog arrives (the catalog changed).
    var needsSizesAfterCatalog = true
    /// The error banner came from a failed catalog load (a later success clears it).
    var isErrorFromCatalog = false
    /// The spinner's frame, advanced by ticks.
    var spinnerFrame = 0

    // MARK: Navigation

    var mode: ViewMode = .volumes
    var focus: Focus = .table
    /// The volumes table: its rows, cursor, sort and filter.
    var table = VolumeTableState()
    /// First visible line of the detail pane.
    var detailScroll = 0
    /// The mounts view: the container list's cursor and the mounts pane's scroll.
    var mounts = MountsState()
    /// First visible line of the help screen.
    var helpScroll = 0
    /// The mode help returns to.
    var modeBeforeHelp: ViewMode = .volumes
    /// The volume to select once the next catalog arrives (a volume just created).
    var pendingSelectionName: String?

    /// Marked volume names (Space), for `D`.
    var marked: Set<String> = []

    // MARK: Overlays

    /// The open dialog, if any.
    var dialog: Dialog?
    /// The last engine error, until dismissed with Esc.
    var errorBanner: EngineError?
    /// The event stream's state.
    var eventStream: EventStreamStatus = .connected
    /// When the current reconnect countdown was first seen by a tick, and the seconds it had left then.
    var reconnectAnchor: (at: Date, remaining: Double)?
    /// A one-line message for the last key (why it did nothing, what happened), cleared by the next key.
    var notice: Notice?

    // MARK: Trash and transfers

    /// The trash view's items and cursor.
    var trashView = TrashViewState()
    /// The restore, clone or export that runs, with its progress.
    var transfer: TransferStatus?
    /// Why the last change could not be written to the audit log (a warning until dismissed with Esc).
    var auditWarning: String?
    /// Containers seen using each volume this session (by volume name): kept with a removed volume's copy in the
    /// trash, as its owners' history.
    var formerOwners: [String: [String]] = [:]
    /// Volumes restored from the trash this session (by their new name): who owned them when they were removed.
    var restored: [String: Trash.Item] = [:]

    // MARK: Files

    /// The file-tree pane of one volume, while open (`mode == .files`, or help over it).
    var files: FilePane?

    /// A dashboard before the first catalog arrives.
    public init(header: EngineHeader, isReadOnly: Bool, now: Date) {
        self.header = header
        self.isReadOnly = isReadOnly
        self.now = now
    }
}
