import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The `c` form: name, driver, labels and options, checked on every keystroke by the engine's rules.
struct CreateForm: Sendable, Equatable {
    /// The form's fields, in Tab order.
    enum Field: Int, Sendable, CaseIterable {
        case name, driver, labels, options

        var title: String {
            switch self {
            case .name: return "Name"
            case .driver: return "Driver"
            case .labels: return "Labels"
            case .options: return "Options"
            }
        }

        /// What to type, shown under the field.
        var hint: String {
            switch self {
            case .name: return "empty: an anonymous volume"
            case .driver: return "local, or an installed volume plugin"
            case .labels: return "key=value pairs separated by spaces; note=\"a b\""
            case .options: return "e.g. type=tmpfs device=tmpfs o=size=64m"
            }
        }
    }

    /// A problem with what is typed, and the field it belongs to.
    struct Problem: Error, Sendable, Equatable {
        var field: Field
        var message: String
    }

    var name = TextInput()
    var driver = TextInput("local")
    var labels = TextInput()
    var options = TextInput()
    /// The field that has the keyboard.
    var focused: Field = .name
    /// The engine flavor whose name rule applies.
    var flavor: String
    /// The first problem with the current input; the form cannot be submitted while there is one.
    private(set) var problem: Problem?
    /// What the engine said when it refused the last submit.
    var engineError: EngineError?
    /// The create request is in flight.
    var isSubmitting = false

    init(flavor: String) {
        self.flavor = flavor
        revalidate()
    }

    subscript(field: Field) -> TextInput {
        get {
            switch field {
            case .name: return name
            case .driver: return driver
            case .labels: return labels
            case .options: return options
            }
        }
        set {
            switch field {
            case .name: name = newValue
            case .driver: driver = newValue
            case .labels: labels = newValue
            case .options: options = newValue
            }
        }
    }

    /// The request the input describes, or the first problem with it.
    func request() -> Result<VolumeCreateRequest, Problem> {
        let labelPairs: [String: String]
        switch Self.pairs(labels.text, what: "label") {
        case .success(let p): labelPairs = p
        case .failure(let message): return .failure(message.at(.labels))
        }
        let optionPairs: [String: String]
        switch Self.pairs(options.text, what: "option") {
        case .success(let p): optionPairs = p
        case .failure(let message): return .failure(message.at(.options))
        }
        let trimmedName = name.text.trimmingBlanks()
        let request = VolumeCreateRequest(
            name: trimmedName.isEmpty ? nil : trimmedName, driver: driver.text.trimmingBlanks(),
            labels: labelPairs, options: optionPairs)
        do {
            try request.validate(flavor: flavor)
        } catch let error as EngineError {
            let field: Field
            if error.code == .invalidName {
                field = .name
            } else if request.driver.isEmpty {
                field = .driver
            } else {
                field = .options
            }
            return .failure(Problem(field: field, message: error.message))
        } catch {
            return .failure(Problem(field: .name, message: "\(error)"))
        }
        return .success(request)
    }

    /// Checks the input again (after every keystroke); a new edit also clears the engine's last refusal.
    mutating func revalidate() {
        if case .failure(let p) = request() { problem = p } else { problem = nil }
    }

    /// `key=value` pairs separated by spaces, or why they are not. A value (or key) may be quoted with `"` or `'` to
    /// hold spaces (`note="a b"`), as in a shell; a backslash outside single quotes takes the next character as is.
    static func pairs(_ text: String, what: String) -> Result<[String: String], PairError> {
        var tokens: [String] = []
        var current = ""
        var hasToken = false
        var quote: Character?
        var escaped = false
        for ch in text {
            if escaped {
                current.append(ch)
                escaped = false
            } else if ch == "\\" && quote != "'" {
                escaped = true
                hasToken = true
            } else if let q = quote {
                if ch == q { quote = nil } else { current.append(ch) }
            } else if ch == "\"" || ch == "'" {
                quote = ch
                hasToken = true
            } else if ch == " " {
                if hasToken { tokens.append(current) }
                current = ""
                hasToken = false
            } else {
                current.append(ch)
                hasToken = true
            }
        }
        if let q = quote { return .failure(PairError(message: "\(what)s: a \(q) quote is not closed")) }
        if hasToken { tokens.append(current) }
        var result: [String: String] = [:]
        for token in tokens {
            guard let eq = token.firstIndex(of: "="), eq != token.startIndex else {
                return .failure(PairError(message: "\(what) \"\(token)\" is not key=value"))
            }
            result[String(token[..<eq])] = String(token[token.index(after: eq)...])
        }
        return .success(result)
    }

    struct PairError: Error {
        var message: String
        func at(_ field: Field) -> Problem { Problem(field: field, message: message) }
    }
}
