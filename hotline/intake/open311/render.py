"""GeoReport v2 bodies in JSON or XML (the spec's element names), always UTF-8."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from flask import Response

from hotline.core.xml import xml_text

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return xml_text(str(value))


def _element(tag: str, value: Any) -> ET.Element:
    """A value as XML: dicts become children, lists repeat their item tag."""
    element = ET.Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            if isinstance(child, list):
                element.append(_list(key, child))
            else:
                element.append(_element(key, child))
    elif value is not None:
        element.text = _text(value)
    return element


# The spec's XML wraps lists in a plural element with singular items.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


def _list(tag: str, items: list) -> ET.Element:
    element = ET.Element(tag)
    for item in items:
        element.append(_element(ITEM_TAGS.get(tag, "item"), item))
    return element


def to_xml(root: str, body: dict | list) -> bytes:
    element = _list(root, body) if isinstance(body, list) else _element(root, body)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, root: str, body: dict | list, status: int = 200) -> Response:
    """`body` as JSON, or as XML under the root element `root`."""
    if fmt == "xml":
        return Response(to_xml(root, body), status=status, content_type=XML_TYPE)
    data = json.dumps(body, ensure_ascii=False)
    return Response(data.encode("utf-8"), status=status, content_type=JSON_TYPE)


def error(fmt: str, status: int, description: str) -> Response:
    """The spec's error array: [{"code": status, "description": ...}]."""
    return respond(fmt, "errors", [{"code": status, "description": description}], status)
