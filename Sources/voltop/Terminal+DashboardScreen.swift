import DashboardRuntime
import TerminalBackend

/// The dashboard loop draws on the real terminal.
extension Terminal: DashboardScreen {}
