import VolumeUI

/// What the dashboard loop needs of a terminal: its size, its input, and a way to show a frame.
///
/// The executable's `Terminal` conforms; tests use a screen that records frames.
@MainActor
public protocol DashboardScreen: AnyObject {
    /// The screen's size in cells.
    var size: (rows: Int, cols: Int) { get }
    /// Keys, mouse events and resizes as they arrive; the stream ends when the input closes.
    func events() -> AsyncStream<KeyPress>
    /// Shows a frame (the screen writes only what changed).
    func draw(_ grid: CellGrid)
}
