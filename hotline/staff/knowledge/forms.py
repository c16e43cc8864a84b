"""An article's form, loaded through the API's schemas so a page and the API refuse the same
input with the same field names."""

from __future__ import annotations

from flask import request
from marshmallow import EXCLUDE, Schema, ValidationError

from hotline.core.errors import ValidationFailed
from hotline.knowledge import service as knowledge
from hotline.knowledge.schemas import ArticleBody, ArticleUpdate
from hotline.knowledge.service import ArticleDraft


def _loaded(schema: Schema) -> dict:
    """The posted fields `schema` knows; a blank one counts as not sent."""
    data = {
        name: value
        for name in schema.load_fields
        if (value := (request.form.get(name) or "").strip())
    }
    try:
        return schema.load(data, unknown=EXCLUDE)
    except ValidationError as exc:
        problems = exc.normalized_messages()
        raise ValidationFailed(
            "; ".join(
                f"{name} is required" if "Missing data" in str(why) else f"{name} is invalid"
                for name, why in problems.items()
            ),
            fields=problems,
        ) from exc


def draft(*, editing: bool) -> tuple[ArticleDraft, int | None]:
    """The posted article and, when editing, the version it was edited from."""
    body = _loaded(ArticleUpdate() if editing else ArticleBody())
    return ArticleDraft(**{f: body.get(f) for f in knowledge.FIELDS}), body.get("version")


def version() -> int | None:
    """The version an archive or restore button was pressed on (None: not a number)."""
    return request.form.get("version", type=int)
