"""Staff uploads: only allowed types whose content matches, labels safe to show, random names."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

from hotline.core import uploads
from hotline.core.errors import ValidationFailed

PNG_HEAD = b"\x89PNG\r\n\x1a\n" + b"\0" * 8


def upload(content: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=name)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (PNG_HEAD, "a.png"),
        (PNG_HEAD, "A.PNG"),
        (b"\xff\xd8\xff\xe0rest", "现场.jpg"),
        (b"GIF89a...", "x.gif"),
        (b"%PDF-1.7", "答复.pdf"),
        (b"PK\x03\x04rest", "台账.xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.doc"),
    ],
)
def test_allowed_types_with_matching_content_pass(content, name):
    (checked,) = uploads.check([upload(content, name)])
    assert checked.suffix == name[name.rindex(".") :].lower()
    assert checked.upload.stream.read() == content  # read from the start again when saved


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ", "a.exe"),
        (b"MZ", "a.pdf"),
        (b"%PDF-1.7", "a.png"),
        (PNG_HEAD, "a.svg"),
        (PNG_HEAD, "a"),
        (b"", "empty.pdf"),
    ],
)
def test_anything_else_is_refused_naming_the_field(content, name):
    with pytest.raises(ValidationFailed) as refused:
        uploads.check([upload(content, name)], field="evidence")
    assert "evidence" in refused.value.fields


def test_an_empty_file_input_sends_nothing_and_too_many_files_are_refused():
    assert uploads.check([upload(b"", "")]) == []
    with pytest.raises(ValidationFailed):
        uploads.check([upload(PNG_HEAD, f"{i}.png") for i in range(uploads.MAX_FILES + 1)])


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\现场.png", "现场.png"),
        ("a\x00b\x1bc.pdf", "abc.pdf"),
        ("", "file"),
        ("../", "file"),
        ("长" * 300 + ".pdf", "长" * 100),
    ],
)
def test_the_label_is_the_last_part_of_the_name_without_control_characters(sent, shown):
    assert uploads.label(sent) == shown


def test_stored_files_get_random_names_and_can_be_removed(app, tmp_path):
    with app.app_context():
        checked = uploads.check([upload(PNG_HEAD, "../../x.png"), upload(PNG_HEAD, "x.png")])
        stored = uploads.store(checked, tmp_path / "sub")
    names = [name for name, _ in stored]
    assert len(set(names)) == 2
    assert all(len(name) == 36 and name.endswith(".png") for name in names)
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == sorted(names)
    uploads.remove(tmp_path / "sub", [*names, "../../../etc/hosts"])
    assert list((tmp_path / "sub").iterdir()) == []
