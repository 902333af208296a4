// The themes voltop ships, compiled in: an installed binary finds no resource files. Each text is the file
// Resources/themes/NAME.toml byte for byte (scripts/embed-themes writes this file;
// ThemeTests.shippedFilesAreTheCompiledThemes checks it).

/// The named themes, in the order `config print-default` lists them.
enum BuiltInThemes {
    static let all: [(name: String, text: String)] = [
        (
            "default",
            """
            # voltop theme "default": the built-in colors (the 8 basic ones, for dark and light terminals alike).
            # Roles: see README.md "Themes" or `voltop config print-default`. Colors are a name (default, black, red, green,
            # yellow, blue, magenta, cyan, white, bright-black … bright-white) or a number 0-255; bold, reverse, dim and
            # underline are true or false. Unset parts keep the role's monochrome look; a bg turns reverse video off.
            # Use it with [theme] name = "NAME" in ~/.config/voltop/config.toml; NO_COLOR or --no-color draw no colors.

            [colors]
            brand = { fg = "black", bg = "cyan" }
            readOnly = { fg = "white", bg = "red" }
            accent = { fg = "cyan" }
            rule = { fg = "blue" }
            ruleTitle = { fg = "cyan" }
            ruleTitleFocused = { fg = "cyan" }
            columnHeader = { fg = "cyan" }
            mark = { fg = "magenta" }
            leaked = { fg = "yellow" }
            running = { fg = "green" }
            stopped = { fg = "yellow" }
            error = { fg = "white", bg = "red" }
            warning = { fg = "black", bg = "yellow" }
            info = { fg = "cyan" }
            success = { fg = "green" }
            problem = { fg = "red" }
            key = { fg = "cyan" }
            match = { fg = "black", bg = "yellow" }
            heading = { fg = "cyan" }
            """ + "\n"
        ),
        (
            "light",
            """
            # voltop theme "light": for terminals with a light background (256 colors; fewer are approximated).
            # Roles: see README.md "Themes" or `voltop config print-default`. Colors are a name (default, black, red, green,
            # yellow, blue, magenta, cyan, white, bright-black … bright-white) or a number 0-255; bold, reverse, dim and
            # underline are true or false. Unset parts keep the role's monochrome look; a bg turns reverse video off.
            # Use it with [theme] name = "NAME" in ~/.config/voltop/config.toml; NO_COLOR or --no-color draw no colors.

            [colors]
            dim = { fg = 242, dim = false }
            brand = { fg = 231, bg = 25 }
            readOnly = { fg = 231, bg = 124 }
            accent = { fg = 25 }
            rule = { fg = 245, dim = false }
            ruleTitle = { fg = 25 }
            ruleTitleFocused = { fg = 231, bg = 25 }
            columnHeader = { fg = 25 }
            selected = { fg = 16, bg = 153 }
            selectedUnfocused = { fg = 16, bg = 252, dim = false }
            mark = { fg = 127 }
            leaked = { fg = 130 }
            running = { fg = 28 }
            stopped = { fg = 130 }
            error = { fg = 231, bg = 124 }
            warning = { fg = 16, bg = 214 }
            info = { fg = 25 }
            success = { fg = 28 }
            problem = { fg = 124 }
            key = { fg = 25 }
            disabled = { fg = 247 }
            match = { fg = 16, bg = 220 }
            heading = { fg = 25 }
            """ + "\n"
        ),
        (
            "solarized-dark",
            """
            # voltop theme "solarized-dark": Solarized accents for a dark (base03) background, in 256 colors.
            # Roles: see README.md "Themes" or `voltop config print-default`. Colors are a name (default, black, red, green,
            # yellow, blue, magenta, cyan, white, bright-black … bright-white) or a number 0-255; bold, reverse, dim and
            # underline are true or false. Unset parts keep the role's monochrome look; a bg turns reverse video off.
            # Use it with [theme] name = "NAME" in ~/.config/voltop/config.toml; NO_COLOR or --no-color draw no colors.

            [colors]
            dim = { fg = 240, dim = false }
            brand = { fg = 234, bg = 37 }
            readOnly = { fg = 230, bg = 160 }
            accent = { fg = 33 }
            rule = { fg = 240, dim = false }
            ruleTitle = { fg = 37 }
            ruleTitleFocused = { fg = 234, bg = 33 }
            columnHeader = { fg = 245 }
            selected = { fg = 230, bg = 61 }
            selectedUnfocused = { fg = 245, bg = 235, dim = false }
            mark = { fg = 125 }
            leaked = { fg = 166 }
            running = { fg = 64 }
            stopped = { fg = 136 }
            error = { fg = 230, bg = 160 }
            warning = { fg = 234, bg = 136 }
            info = { fg = 37 }
            success = { fg = 64 }
            problem = { fg = 160 }
            key = { fg = 33 }
            keyLabel = { fg = 244 }
            disabled = { fg = 240 }
            cursor = { fg = 234, bg = 33 }
            match = { fg = 234, bg = 136 }
            heading = { fg = 37 }
            """ + "\n"
        ),
        (
            "solarized-light",
            """
            # voltop theme "solarized-light": Solarized accents for a light (base3) background, in 256 colors.
            # Roles: see README.md "Themes" or `voltop config print-default`. Colors are a name (default, black, red, green,
            # yellow, blue, magenta, cyan, white, bright-black … bright-white) or a number 0-255; bold, reverse, dim and
            # underline are true or false. Unset parts keep the role's monochrome look; a bg turns reverse video off.
            # Use it with [theme] name = "NAME" in ~/.config/voltop/config.toml; NO_COLOR or --no-color draw no colors.

            [colors]
            dim = { fg = 245, dim = false }
            brand = { fg = 230, bg = 33 }
            readOnly = { fg = 230, bg = 160 }
            accent = { fg = 33 }
            rule = { fg = 245, dim = false }
            ruleTitle = { fg = 37 }
            ruleTitleFocused = { fg = 230, bg = 33 }
            columnHeader = { fg = 240 }
            selected = { fg = 230, bg = 61 }
            selectedUnfocused = { fg = 240, bg = 254, dim = false }
            mark = { fg = 125 }
            leaked = { fg = 166 }
            running = { fg = 64 }
            stopped = { fg = 136 }
            error = { fg = 230, bg = 160 }
            warning = { fg = 230, bg = 136 }
            info = { fg = 37 }
            success = { fg = 64 }
            problem = { fg = 160 }
            key = { fg = 33 }
            keyLabel = { fg = 241 }
            disabled = { fg = 245 }
            cursor = { fg = 230, bg = 241 }
            match = { fg = 230, bg = 136 }
            heading = { fg = 37 }
            """ + "\n"
        )
    ]
}
