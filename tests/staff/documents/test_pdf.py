"""What the printed page does with any text: only what the font can draw, never a control
character, and line breaks a reader of each language expects."""

from __future__ import annotations

from fpdf.enums import WrapMode

from hotline.staff.documents.pdf import MISSING, printable, wrap_mode

# The code points of a small pretend font: ASCII letters, digits, CJK punctuation and two
# Chinese characters.
FONT = {ord(c) for c in "abcdefghijklmnopqrstuvwxyz0123456789 .,:，。　噪音"}


def test_text_the_font_has_is_kept_as_it_is() -> None:
    assert printable("噪音，abc 123。", FONT) == "噪音，abc 123。"


def test_line_breaks_of_every_kind_become_newlines_and_tabs_spaces() -> None:
    assert printable("a\r\nb\rc\u2028d\u2029e\tf", FONT) == "a\nb\nc\nd\ne f"


def test_control_and_format_characters_are_dropped() -> None:
    # ESC, BEL, vertical tab, DEL, the right-to-left override and its end, a zero-width joiner,
    # a byte-order mark and a private-use character.
    hostile = "a\x1b\x07\x0b\x7fb\u202ec\u202c\u200dd\ufeff\ue000e"
    assert printable(hostile, FONT) == "abcde"


def test_what_the_font_cannot_draw_becomes_the_geta_mark() -> None:
    assert printable("a😀b", FONT) == f"a{MISSING}b"
    assert printable("שלום", FONT) == MISSING * 4
    # A skin-tone modifier and a variation selector go with the emoji they modify.
    assert printable("👍🏽❤️", FONT) == MISSING * 2


def test_an_unusual_space_the_font_lacks_is_a_plain_space() -> None:
    assert printable("a\u2003b\u3000c", FONT) == "a b\u3000c"  # em space; the font has U+3000


def test_decomposed_letters_are_composed_first() -> None:
    font = FONT | {ord("é")}
    assert printable("e\u0301", font) == "é"


def test_nothing_and_none_print_as_nothing() -> None:
    assert printable(None, FONT) == ""
    assert printable("", FONT) == ""


def test_chinese_breaks_anywhere_english_between_words() -> None:
    assert wrap_mode("小区门口占道经营，噪音扰民") == WrapMode.CHAR
    assert wrap_mode("夜市摊贩占道经营 hello") == WrapMode.CHAR
    assert wrap_mode("The tickets below are now under supervision (督办).") == WrapMode.WORD
    assert wrap_mode("2026-10-14 00:00") == WrapMode.WORD
