import CNcursesw
public enum TerminalBackendPlaceholder {}
