import VolumeCore

extension AppState {
    /// The engine errors and notices shown under the header, in order.
    var banners: [Banner] {
        var list: [Banner] = []
        if let standingWarning { list.append(Banner(kind: .warning, text: standingWarning)) }
        if case .disconnected(let reason, _) = eventStream {
            let seconds = reconnectSeconds
            let when = seconds > 0 ? "reconnecting in \(seconds)s" : "reconnecting…"
            list.append(Banner(kind: .warning, text: "live updates lost (\(reason)): \(when)"))
        }
        if let errorBanner {
            list.append(Banner(kind: .error, text: errorBanner.description, hint: "Esc dismiss"))
        }
        if let auditWarning { list.append(Banner(kind: .warning, text: auditWarning, hint: "Esc dismiss")) }
        if let transfer { list.append(Banner(kind: .info, text: transfer.line, hint: transfer.isCancelling ? nil : "Esc cancel")) }
        if let notice {
            let kind: Banner.Kind
            switch notice.kind {
            case .info: kind = .info
            case .success: kind = .success
            case .disabled: kind = .disabled
            }
            list.append(Banner(kind: kind, text: notice.text))
        }
        if let growth {
            // The disk always (or why it is not shown); first, when something grows fast, which volume and who.
            let disk = GrowthText.disk(growth)
            if let alert = GrowthText.alert(growth) {
                list.append(Banner(kind: .warning, text: alert + "  ·  " + disk))
            } else {
                list.append(Banner(kind: .info, text: disk))
            }
        }
        return list
    }

    /// Whole seconds left before the event stream reconnects.
    var reconnectSeconds: Int {
        guard case .disconnected(_, let retryIn) = eventStream else { return 0 }
        guard let anchor = reconnectAnchor else { return Int(retryIn.rounded(.up)) }
        let left = anchor.remaining - now.timeIntervalSince(anchor.at)
        return max(0, Int(left.rounded(.up)))
    }

    /// The banners as screen lines: an error wraps to two lines, the others take one.
    func bannerLines(width: Int) -> [BannerLine] {
        var lines: [BannerLine] = []
        for banner in banners {
            let role: Theme.Role
            let icon: String
            switch banner.kind {
            case .warning: (role, icon) = (.warning, "⚠")
            case .error: (role, icon) = (.error, "✗")
            case .info: (role, icon) = (.info, "›")
            case .success: (role, icon) = (.success, "✓")
            case .disabled: (role, icon) = (.bold, "⊘")
            }
            let isBar = banner.kind == .warning || banner.kind == .error
            let hint = banner.hint.map { " \($0) " } ?? ""
            let room = max(10, width - CellGrid.columns(of: hint) - 4)
            var wrapped = CellGrid.wrapped(banner.text, width: room)
            let maxLines = banner.kind == .error ? 2 : 1
            if wrapped.count > maxLines {
                wrapped = Array(wrapped.prefix(maxLines))
                wrapped[maxLines - 1] += "…"
            }
            for (i, text) in wrapped.enumerated() {
                lines.append(BannerLine(text: (i == 0 ? " \(icon) " : "   ") + text, role: role, isBar: isBar, hint: i == 0 ? hint : ""))
            }
        }
        return Array(lines.prefix(PaneLayout.maxBanners))
    }
}
