"""Evidence files on a visit and on the head's answer: stored under random names, served only
to who may read the inspection, and hostile uploads refused before anything is written."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.campaign.inspections.conftest import finding, history
from tests.support.api import error_fields

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


@pytest.fixture
def uploads(app, tmp_path) -> Path:
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    try:
        yield tmp_path
    finally:
        app.config["UPLOAD_FOLDER"] = ""  # the declared default: instance/uploads


def stored(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def answer_with(caller, finding_id: int, *files: tuple[bytes, str], text: str = "已整改"):
    data = {"text": text, "files": [(io.BytesIO(content), name) for content, name in files]}
    return caller.post(
        f"/api/v1/findings/{finding_id}/answer", data=data, content_type="multipart/form-data"
    )


def test_an_answer_carries_evidence_files_the_unit_and_inspectors_can_fetch(
    people, recorded, uploads
):
    first = recorded["findings"][0]["id"]
    r = answer_with(people.head, first, (PNG, "现场照片.png"), (PDF, "AB岗制度.pdf"))
    assert r.status_code == 200, r.get_json()
    files = r.get_json()["answers"][0]["files"]
    assert [f["name"] for f in files] == ["现场照片.png", "AB岗制度.pdf"]
    assert files[0]["size"] == len(PNG)
    for reader in (people.inspector, people.head, people.agent):
        got = reader.get(files[1]["url"])
        assert got.status_code == 200
        assert got.data == PDF
        assert got.mimetype == "application/octet-stream"  # downloaded, never rendered
    assert people.other_head.get(files[1]["url"]).status_code == 404
    assert len(stored(uploads)) == 2
    assert all(p.parent == uploads / "inspections" / str(recorded["id"]) for p in stored(uploads))


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.png", "..\\..\\windows\\evil.png", "/etc/cron.d/x.png", "a\x01b.png"]
)
def test_a_hostile_file_name_never_reaches_the_disk(people, recorded, uploads, name):
    first = recorded["findings"][0]["id"]
    r = answer_with(people.head, first, (PNG, name))
    assert r.status_code == 200, r.get_json()
    (shown,) = r.get_json()["answers"][0]["files"]
    assert "/" not in shown["name"]
    assert "\\" not in shown["name"]
    assert "\x01" not in shown["name"]
    (path,) = stored(uploads)
    assert path.parent == uploads / "inspections" / str(recorded["id"])
    assert path.suffix == ".png"
    assert len(path.stem) == 32
    assert not (Path("/etc/cron.d/x.png")).exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00", "run.exe"),
        (b"#!/bin/sh\nrm -rf /", "script.sh"),
        (b"MZ\x90\x00", "invoice.pdf"),  # an executable renamed
        (PDF, "photo.png"),  # a PDF is not a PNG
        (b"<svg onload=alert(1)>", "x.svg"),
        (b"<html><script>", "page.html"),
        (PNG, "noextension"),
    ],
)
def test_a_wrong_type_is_422_naming_files_and_nothing_is_kept(
    people, recorded, uploads, content, name
):
    first = recorded["findings"][0]["id"]
    r = answer_with(people.head, first, (content, name))
    assert r.status_code == 422
    assert "files" in error_fields(r)
    assert finding(first).status == "open"
    assert stored(uploads) == []


def test_too_many_files_are_refused(people, recorded, uploads):
    first = recorded["findings"][0]["id"]
    r = answer_with(people.head, first, *[(PNG, f"{i}.png") for i in range(6)])
    assert r.status_code == 422
    assert "files" in error_fields(r)
    assert stored(uploads) == []


def test_an_oversized_answer_is_413_before_anything_is_read(app, people, recorded, uploads):
    first = recorded["findings"][0]["id"]
    big = PNG + b"\0" * app.config["UPLOAD_MAX_BYTES"]
    r = answer_with(people.head, first, (big, "big.png"))
    assert r.status_code == 413
    assert finding(first).status == "open"
    assert stored(uploads) == []


def test_the_small_body_limit_holds_everywhere_but_the_upload_endpoints(app, people, recorded):
    from hotline.core.web.body_limit import limit_for

    with app.test_request_context():
        assert limit_for("inspections.answer_finding") == app.config["UPLOAD_MAX_BYTES"]
        assert limit_for("inspections.add_inspection_files") == app.config["UPLOAD_MAX_BYTES"]
        assert limit_for("inspections.create_inspection") == app.config["BODY_MAX_BYTES"]


@pytest.mark.parametrize("who", ["agent", "other_head"])
def test_a_refused_answer_leaves_no_file(people, recorded, uploads, who):
    first = recorded["findings"][0]["id"]
    r = answer_with(getattr(people, who), first, (PNG, "现场.png"))
    assert r.status_code in (403, 404)
    assert stored(uploads) == []


def test_an_answer_in_the_wrong_state_leaves_no_file(people, recorded, uploads):
    first = recorded["findings"][0]["id"]
    answer_with(people.head, first, (PNG, "1.png"))
    r = answer_with(people.head, first, (PNG, "2.png"))
    assert r.status_code == 409
    assert len(stored(uploads)) == 1


def test_an_inspector_adds_evidence_to_the_visit(people, recorded, uploads):
    url = f"/api/v1/inspections/{recorded['id']}/files"
    data = {"files": [(io.BytesIO(PNG), "暗访截图.png")]}
    r = people.inspector.post(url, data=data, content_type="multipart/form-data")
    assert r.status_code == 200, r.get_json()
    (shown,) = r.get_json()["files"]
    assert shown["name"] == "暗访截图.png"
    assert people.head.get(shown["url"]).data == PNG
    assert history(recorded["id"])[-1] == (None, "files_added")
    assert (
        people.inspector.post(url, data={}, content_type="multipart/form-data").status_code == 422
    )
    again = {"files": [(io.BytesIO(PNG), "x.png")]}
    assert people.head.post(url, data=again, content_type="multipart/form-data").status_code == 403
    assert len(stored(uploads)) == 1


@pytest.mark.parametrize("name", ["missing.png", "..%2F..%2Fconfig.py", "x" * 300])
def test_an_unknown_file_name_is_404(people, recorded, uploads, name):
    r = people.inspector.get(f"/api/v1/inspections/{recorded['id']}/files/{name}")
    assert r.status_code == 404
