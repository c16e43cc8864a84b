"""The 交办单 read back from the PDF: the facts a unit works from in Chinese and local time, the
complainant masked as the reader's role requires, and hostile text that prints without harm."""

from __future__ import annotations

from tests.factories import CategoryFactory, ticket_in

NOISE = "小区门口占道经营，噪音扰民，晚上十点以后仍然营业"


def test_the_sheet_has_the_number_unit_category_and_local_deadlines(
    login, staff, clock, read_pdf
) -> None:
    clock.set("2026-09-30T10:00:00+08:00")  # DESIGN §3's example
    category = CategoryFactory(name="占道经营", default_unit=staff.unit)
    ticket = ticket_in("dispatched", unit=staff.unit, category=category, description=NOISE)
    printed = read_pdf(login(staff.agent).get(f"/tickets/{ticket.number}/print.pdf"))
    flat = printed.flat
    assert "12345政务服务便民热线" in flat
    assert "交办单" in flat
    assert ticket.number in flat
    assert "承办单位市市场监管局" in flat
    assert "类别占道经营" in flat
    assert "类型投诉" in flat
    assert "派单时间2026-09-3010:00" in flat  # local time, not 02:00 UTC
    assert "签收时限2026-10-0110:00" in flat  # 24 hours
    assert "办结时限2026-10-1400:00" in flat  # 5 working days, 调休 Saturday included
    assert "当前状态待签收" in flat
    assert NOISE in flat
    assert "签收人" in flat
    assert "第1页/共1页" in flat
    assert printed.size < 60_000  # the font is embedded as a subset, not its 5 MB


def test_a_unit_sees_the_phone_masked_and_no_name_without_consent(
    login, staff, clock, read_pdf
) -> None:
    ticket = ticket_in("dispatched", unit=staff.unit, phone="13812345678", name="李四")
    flat = read_pdf(login(staff.head).get(f"/tickets/{ticket.number}/print.pdf")).flat
    assert "138****5678" in flat
    assert "13812345678" not in flat
    assert "李四" not in flat


def test_the_hotline_sees_the_full_phone_and_name(login, staff, clock, read_pdf) -> None:
    ticket = ticket_in("dispatched", unit=staff.unit, phone="13812345678", name="李四")
    flat = read_pdf(login(staff.supervisor).get(f"/tickets/{ticket.number}/print.pdf")).flat
    assert "+8613812345678·李四" in flat


def test_a_confidential_ticket_carries_no_personal_data_for_the_unit(
    login, staff, clock, read_pdf
) -> None:
    ticket = ticket_in(
        "dispatched",
        unit=staff.unit,
        phone="13812345678",
        name="李四",
        disclose_identity=True,
        confidential=True,
        address="幸福路12号3单元502",
        district="东城区",
    )
    flat = read_pdf(login(staff.agent).get(f"/tickets/{ticket.number}/print.pdf")).flat
    for personal in ("5678", "李四", "幸福路", "东城区"):
        assert personal not in flat
    assert "诉求人保密" in flat
    assert "地址保密" in flat
    assert "保密工单" in flat
    operator = read_pdf(login(staff.operator).get(f"/tickets/{ticket.number}/print.pdf")).flat
    assert "+8613812345678·李四（保密）" in operator
    assert "东城区幸福路12号3单元502" in operator


def test_hostile_text_prints_without_controls_overrides_or_boxes(
    login, staff, clock, read_pdf
) -> None:
    """Control characters and bidi overrides are dropped; what the font cannot draw (emoji,
    Hebrew, Arabic) becomes 〓; "{nb}" is not taken for the page-count placeholder."""
    description = (
        "噪音\x1b[31m扰民\x07\x0b\u202e反转\u202c 😀👍🏽 שלום مرحبا e\u0301 {nb} 末尾\r\n第二行"
    )
    ticket = ticket_in("dispatched", unit=staff.unit, description=description)
    printed = read_pdf(login(staff.operator).get(f"/tickets/{ticket.number}/print.pdf"))
    flat = printed.flat
    assert "噪音[31m扰民反转" in flat  # ESC, BEL, VT and the overrides gone, the text kept
    for gone in ("\u202e", "\x1b", "😀", "ש", "م"):
        assert gone not in printed.text
    assert "〓〓〓〓〓〓〓〓〓〓〓é{nb}末尾" in flat  # 2 emoji, 4 + 5 letters; é composed
    assert "第二行" in flat


def test_a_long_complaint_runs_over_pages_with_nothing_lost(login, staff, clock, read_pdf) -> None:
    # The longest description the API takes (4,000 characters), one unbroken run.
    description = "".join(f"第{n:03d}句投诉内容。" for n in range(400))
    assert len(description) == 4000
    ticket = ticket_in("dispatched", unit=staff.unit, description=description)
    printed = read_pdf(login(staff.agent).get(f"/tickets/{ticket.number}/print.pdf"))
    pages = len(printed.pages)
    assert pages >= 2
    footers = ["".join(page.splitlines()[-1].split()) for page in printed.pages]
    assert [f[f.index("第") :] for f in footers] == [
        f"第{n}页/共{pages}页" for n in range(1, 1 + pages)
    ]
    # Page after page, with each page's footer left out, the complaint reads whole.
    body = "".join("".join(page.splitlines()[:-1]) for page in printed.pages)
    assert description in "".join(body.split())


def test_english_labels_with_lang_en(login, staff, clock, read_pdf) -> None:
    ticket = ticket_in("dispatched", unit=staff.unit, description=NOISE)
    text = read_pdf(login(staff.operator).get(f"/tickets/{ticket.number}/print.pdf?lang=en")).text
    assert "Ticket assignment sheet" in text
    assert "Resolve by" in text
    assert NOISE in "".join(text.split())
