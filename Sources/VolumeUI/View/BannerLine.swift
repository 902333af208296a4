/// One screen row of a banner.
struct BannerLine: Sendable, Equatable {
    var text: String
    var role: Theme.Role
    var isBar: Bool
    var hint: String
}
