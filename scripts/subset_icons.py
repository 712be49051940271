"""Rebuild the Bootstrap Icons subset the pages load: only the icons the templates and code name (issue 16).

    .venv/bin/python scripts/subset_icons.py

Reads the vendored full font and stylesheet (static/vendor/bootstrap-icons/, byte-identical to npm), finds every
`bi-<name>` in templates/, app/ and static/js/, and writes `icons.css` and `fonts/icons.woff2` beside them
(a few KB instead of 87 KB of CSS and a 134 KB font). tests/hardening/test_assets.py fails when a page names an
icon the subset lacks: run this script then.
"""

import re
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "static" / "vendor" / "bootstrap-icons"
USE = re.compile(r"\bbi-[a-z0-9-]+")
RULE = re.compile(r"\.(bi-[a-z0-9-]+)::before\{content:\"\\(f[0-9a-f]{3})\"\}")
SOURCES = ("templates", "app", "static/js")


def used_icons() -> set[str]:
    """Every `bi-…` class named in the templates, the Python code and our scripts."""
    names = set()
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".html", ".py", ".js"):
                names.update(USE.findall(path.read_text(encoding="utf-8")))
    return names


def main() -> int:
    """Write icons.css and fonts/icons.woff2 for the icons in use."""
    css = (ICONS / "bootstrap-icons.min.css").read_text(encoding="utf-8")
    codes = dict(RULE.findall(css))
    names = sorted(used_icons())
    unknown = [n for n in names if n not in codes]
    names = [n for n in names if n in codes]
    if unknown:
        print("not Bootstrap Icons (ignored):", ", ".join(unknown))
    font = TTFont(ICONS / "fonts" / "bootstrap-icons.woff2")
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = []
    options.name_IDs = []
    options.notdef_outline = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[int(codes[n], 16) for n in names])
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(ICONS / "fonts" / "icons.woff2")
    rules = "".join(f'.{n}::before{{content:"\\{codes[n]}"}}' for n in names)
    (ICONS / "icons.css").write_text(
        "/* Bootstrap Icons v1.13.2 (MIT), subset to the icons Lan Tỏa uses: scripts/subset_icons.py */\n"
        '@font-face{font-display:swap;font-family:bootstrap-icons;src:url("fonts/icons.woff2") format("woff2")}'
        '.bi::before,[class*=" bi-"]::before,[class^=bi-]::before{display:inline-block;'
        "font-family:bootstrap-icons!important;font-style:normal;font-weight:400!important;font-variant:normal;"
        "text-transform:none;line-height:1;vertical-align:-.125em;-webkit-font-smoothing:antialiased;"
        "-moz-osx-font-smoothing:grayscale}" + rules + "\n", encoding="utf-8")
    print(f"{len(names)} icons → icons.css, fonts/icons.woff2 ({(ICONS / 'fonts' / 'icons.woff2').stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
