"""The paper every printed document shares: an A4 PDF set in the hotline's CJK font (fpdf2
embeds only the glyphs used), text reduced to what that font can draw, and a footer with the
page count, so a missing page of a 交办单 on someone's desk is noticed."""

from __future__ import annotations

import logging
import secrets
import unicodedata
from collections.abc import Container, Sequence
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from fpdf import FPDF, FontFace
from fpdf.enums import Align, TextMode, WrapMode, XPos, YPos

from hotline.core.errors import ServiceUnavailable

log = logging.getLogger(__name__)

FONT = "hotline-cjk"
# 〓 (U+3013, the geta mark) is what Chinese typesetting prints for a character the type case
# lacks: an emoji or a script the font has no glyphs for shows as one, never as a blank box.
MISSING = "〓"
# A character the font must have for it to be a Chinese font at all.
PROBE = "中"
LINE_MM = 6.0
GREY = (235, 235, 235)


def wrap_mode(text: str) -> WrapMode:
    """Chinese has no spaces to break at, so mostly Chinese text may break between any two
    characters; mostly Latin text (an English letter quoting 督办) breaks between words."""
    chinese = sum(1 for char in text if "\u2e80" <= char <= "\uffef")
    latin = sum(1 for char in text if char.isascii() and char.isalpha())
    return WrapMode.CHAR if chinese * 5 >= chinese + latin and chinese else WrapMode.WORD


class FontUnavailable(ServiceUnavailable):
    """The configured font cannot print Chinese: the document is refused (503), not boxed."""


def _font_unavailable() -> FontUnavailable:
    return FontUnavailable(
        _("打印字体未安装，暂时无法生成 PDF。请联系系统管理员（PDF_FONT_PATH）。")
    )


def printable(text: str | None, glyphs: Container[int]) -> str:
    """`text` as the font can print it: line breaks kept, tabs and spaces it lacks as plain
    spaces, control and format characters (bidi overrides, zero-width joiners) dropped, a mark
    it lacks dropped, any other character it lacks replaced by MISSING."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if char == "\n" or category in ("Zl", "Zp"):
            out.append("\n")
        elif char == "\t":
            out.append(" ")
        elif category[0] == "C":
            continue  # Cc, Cf, Cs, Co, Cn: nothing a reader should see
        elif ord(char) in glyphs:
            out.append(char)
        elif category == "Zs":
            out.append(" ")  # a space of a width the font lacks
        elif category[0] == "M" or category == "Sk":
            continue  # a variation selector or skin-tone modifier of a glyph already replaced
        else:
            out.append(MISSING)
    return "".join(out)


class Paper(FPDF):
    """An A4 document in the CJK font; every text written through it is made printable."""

    def __init__(self, *, title: str, footer: str, lang: str, now: datetime) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._load_font(current_app.config["PDF_FONT_PATH"])
        self._glyphs: Container[int] = self.fonts[FONT.lower()].cmap
        # A page-count alias nobody can type into a complaint: fpdf2 replaces the alias
        # wherever it appears in the page, and the default "{nb}" would rewrite the text.
        self._pages_alias = "{" + secrets.token_hex(8) + "}"
        self.alias_nb_pages(self._pages_alias)
        self._footer = self.clean(footer)
        # Tables hold short labels and values in the document's language.
        self._table_wrap = WrapMode.CHAR if lang.startswith("zh") else WrapMode.WORD
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(auto=True, margin=20)
        self.set_title(self.clean(title))
        self.set_lang(lang)
        self.set_creator("Hotline")
        self.set_creation_date(now)
        self.set_font(FONT, size=11)
        self.add_page()

    def _load_font(self, path: str) -> None:
        if not Path(path).is_file():
            log.error("PDF font %s is not installed (scripts/install-fonts.sh)", path)
            raise _font_unavailable()
        try:
            self.add_font(FONT, fname=path)
        except Exception:  # not a font, or unreadable: fontTools raises several types
            log.exception("PDF font %s could not be loaded (PDF_FONT_PATH)", path)
            raise _font_unavailable() from None
        if ord(PROBE) not in self.fonts[FONT.lower()].cmap:
            log.error("PDF font %s has no Chinese glyphs (PDF_FONT_PATH)", path)
            raise _font_unavailable()

    def clean(self, text: str | None) -> str:
        """`text` reduced to what the document's font can print."""
        return printable(text, self._glyphs)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, size=8)
        self.set_text_color(110)
        self.cell(0, 5, self._footer, align=Align.L)
        self.set_x(self.l_margin)
        page = _("第 %(page)s 页 / 共 %(pages)s 页", page=self.page_no(), pages=self._pages_alias)
        self.cell(0, 5, page, align=Align.R)
        self.set_text_color(0)

    def title_block(self, kicker: str, title: str, reference: str | None = None) -> None:
        """The hotline's name, the document's title set heavy, and its reference line."""
        self.set_font(FONT, size=11)
        self.cell(0, 7, self.clean(kicker), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        # The font has no bold face: stroking the outline over the fill sets the title heavy.
        with self.local_context(text_mode=TextMode.FILL_STROKE, line_width=0.35):
            self.set_font(FONT, size=22)
            self.cell(0, 14, self.clean(title), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, size=10)
        if reference:
            self.cell(
                0, 6, self.clean(reference), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
        self.ln(3)

    def section(self, heading: str) -> None:
        """A heading between blocks of the document."""
        self.ln(2)
        with self.local_context(text_mode=TextMode.FILL_STROKE, line_width=0.2):
            self.set_font(FONT, size=13)
            self.cell(0, 8, self.clean(heading), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, size=11)

    def paragraph(self, text: str | None, *, size: float = 11, align: Align = Align.L) -> None:
        """Running text of any length, continued on new pages."""
        text = self.clean(text)
        self.set_font(FONT, size=size)
        self.multi_cell(
            0,
            size * 0.5 + 0.5,
            text,
            align=align,
            wrapmode=wrap_mode(text),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

    def fields(self, rows: Sequence[tuple[str, str | None]]) -> None:
        """A two-column table of labels and values ("—" for a missing value)."""
        self.set_font(FONT, size=11)
        with self.table(
            col_widths=(30, 140),
            first_row_as_headings=False,
            text_align=(Align.C, Align.L),
            wrapmode=self._table_wrap,
            line_height=LINE_MM,
            padding=(1.2, 2),
        ) as table:
            for label, value in rows:
                row = table.row()
                row.cell(self.clean(label), style=FontFace(fill_color=GREY))
                row.cell(self.clean(value) or "—")

    def grid(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        align: Align | Sequence[Align] = Align.C,
    ) -> None:
        """A table with a heading row repeated on every page it runs over."""
        self.set_font(FONT, size=10)
        with self.table(
            col_widths=tuple(widths),
            headings_style=FontFace(emphasis="", fill_color=GREY),
            text_align=align if isinstance(align, Align) else tuple(align),
            wrapmode=self._table_wrap,
            line_height=5.5,
            padding=(1, 1.5),
        ) as table:
            for cells in (headings, *rows):
                row = table.row()
                for cell in cells:
                    row.cell(self.clean(cell) or "—")

    def signature_line(self, *labels: str) -> None:
        """Blanks to fill in by hand on paper."""
        self.ln(6)
        self.set_font(FONT, size=11)
        colon = "：" if self._table_wrap == WrapMode.CHAR else ": "
        line = "        ".join(f"{self.clean(label)}{colon}______________" for label in labels)
        self.cell(0, 8, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def right(self, text: str) -> None:
        """A right-aligned line (the signing office, the date)."""
        self.set_font(FONT, size=11)
        self.cell(0, 7, self.clean(text), align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def render(self) -> bytes:
        return bytes(self.output())
