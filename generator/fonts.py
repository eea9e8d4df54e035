"""The fonts the PDF is set in, and the characters none of them can draw.

Latin and Arabic fonts are bundled in templates/base/fonts (about 1.9 MB, SIL OFL).
A CJK font that covers names in any CJK script is 20-30 MB, too big for the repository,
and a subset would fail on the next name; so CJK comes from Debian's fonts-noto-cjk,
which the Makefile installs, and `require_fonts` says so when it is missing.
The families here are the ones print.css names, in the same order.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import DealdocsError
from .forms import BUNDLED_DIR

FONTS_DIR = BUNDLED_DIR / "base" / "fonts"
NOTO_CJK_DIR = Path("/usr/share/fonts/opentype/noto")


@dataclass(frozen=True)
class FontFile:
    """One face of a font family the PDF uses."""

    family: str
    path: Path
    face: int = 0  # index of the face in a font collection (.ttc)
    package: str = ""  # Debian package that installs it; empty when bundled


def _bundled(family: str, *names: str) -> tuple[FontFile, ...]:
    return tuple(FontFile(family, FONTS_DIR / name) for name in names)


# Face 2 of the Noto Serif CJK collections is the Simplified Chinese one; all faces
# share one character map, the region only picks glyph variants.
FONTS: tuple[FontFile, ...] = (
    *_bundled("DealDocs Serif", "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
              "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf"),
    *_bundled("DealDocs Naskh", "NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"),
    FontFile("Noto Serif CJK SC", NOTO_CJK_DIR / "NotoSerifCJK-Regular.ttc", 2, "fonts-noto-cjk"),
    FontFile("Noto Serif CJK SC", NOTO_CJK_DIR / "NotoSerifCJK-Bold.ttc", 2, "fonts-noto-cjk"),
)

# Characters that never draw a glyph of their own: variation selectors pick a form of
# the character before them, and format characters (Cf: joiners, bidi marks, soft
# hyphen) steer layout.
_VARIATION_SELECTORS = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0))


class FontsMissingError(DealdocsError):
    """A font the PDF needs is not on this machine."""

    def __init__(self, missing: list[FontFile]):
        self.missing = missing
        lines = [f"{font.path} ({font.family})" + (f": install the Debian package {font.package}"
                                                    if font.package else ": restore it from git")
                 for font in missing]
        super().__init__("fonts missing:\n  " + "\n  ".join(lines))


def missing_fonts() -> list[FontFile]:
    return [font for font in FONTS if not font.path.is_file()]


def require_fonts() -> None:
    """Raise FontsMissingError unless every font the PDF uses is present."""
    if missing := missing_fonts():
        raise FontsMissingError(missing)


@functools.cache
def _character_map(font: FontFile) -> frozenset[int]:
    # Imported here: `dealdocs --help` reads FONTS (the PDF writer's inputs), never a font.
    from fontTools.ttLib import TTFont
    with TTFont(font.path, fontNumber=font.face, lazy=True) as ttfont:
        return frozenset(ttfont.getBestCmap())


@functools.cache
def _family_code_points(family: str) -> frozenset[int]:
    """Code points the family draws in every one of its styles (regular, bold, ...)."""
    faces = [font for font in FONTS if font.family == family]
    if missing := [font for font in faces if not font.path.is_file()]:
        raise FontsMissingError(missing)
    return frozenset.intersection(*(_character_map(font) for font in faces))


def _never_drawn(char: str) -> bool:
    code = ord(char)
    return (char.isspace() or unicodedata.category(char) in ("Cc", "Cf")
            or any(code in selectors for selectors in _VARIATION_SELECTORS))


def uncovered_characters(text: str) -> list[str]:
    """The characters of `text` no font covers, each once, in order of appearance.

    Families are read in print.css's order and only as far as needed: the CJK
    collections take a third of a second to read, and a deal in Latin script never
    needs them.
    """
    remaining = [char for char in set(text) if not _never_drawn(char)]
    for family in dict.fromkeys(font.family for font in FONTS):
        if not remaining:
            break
        covered = _family_code_points(family)
        remaining = [char for char in remaining if ord(char) not in covered]
    return sorted(remaining, key=text.index)


def describe(characters: list[str]) -> str:
    """`['🚀']` -> `'🚀' (U+1F680)`, for messages."""
    return ", ".join(f"{char!r} (U+{ord(char):04X})" for char in characters)
