"""The Word package as a whole: metadata from the deal, what the file was made from (custom
document properties, which `dealdocs regenerate` reads back from an edited copy), and bytes
that do not depend on the clock or on the order a zip library happens to write entries in."""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile
from collections.abc import Mapping

from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.coreprops import CoreProperties
from lxml import etree

from . import RenderedDocument

# Zip entries get this time, not the time of the run.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

CUSTOM_PART = "docProps/custom.xml"
PROPERTY_DEAL = "dealdocs.deal"
PROPERTY_DOCUMENT = "dealdocs.document"
PROPERTY_DIGEST = "dealdocs.digest"
"""The SHA-256 of the rendered HTML the file was written from: the name under which the
deal's kept versions store that HTML (changes/versions.py)."""
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
# The format id every custom property of a document carries (ECMA-376 Part 1, 22.3.2.2).
_USER_DEFINED = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


def stamp_core_properties(properties: CoreProperties, title: str, date: datetime.date,
                          identifier: str = "", author: str = "", subject: str = "") -> None:
    """Fixed metadata from the deal: its dates, the company as author, no revision history."""
    moment = datetime.datetime.combine(date, datetime.time())
    properties.title = title
    properties.subject = subject
    properties.identifier = identifier
    properties.comments = ""
    properties.author = author
    properties.last_modified_by = author
    properties.created = moment
    properties.modified = moment
    properties.last_printed = moment
    properties.revision = 1


def made_from(doc: RenderedDocument) -> dict[str, str]:
    """The custom properties that say what a Word file of `doc` was made from. No version
    number: the same HTML is in every kept version that has it, and its digest finds it."""
    return {**({PROPERTY_DEAL: doc.deal} if doc.deal else {}), PROPERTY_DOCUMENT: doc.name,
            PROPERTY_DIGEST: hashlib.sha256(doc.html.encode("utf-8")).hexdigest()}


def reproducible_zip(data: bytes, properties: Mapping[str, str] | None = None) -> bytes:
    """The same package with entries in a fixed order and with fixed times and modes, and
    `properties` among its custom document properties (in place of any of those names)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    if properties:
        _add_custom_properties(entries, properties)
    # [Content_Types].xml and the package relationships first, as Word writes them.
    first = ["[Content_Types].xml", "_rels/.rels"]
    names = [name for name in first if name in entries] + sorted(set(entries) - set(first))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()


def _add_custom_properties(entries: dict[str, bytes], properties: Mapping[str, str]) -> None:
    """docProps/custom.xml holding `properties` as text, beside the other properties it
    holds (an edited draft's own), with its content type and its relationship."""
    root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})
    if CUSTOM_PART in entries:
        kept = etree.fromstring(entries[CUSTOM_PART], etree.XMLParser(resolve_entities=False,
                                                                      no_network=True))
        for item in kept.findall(f"{{{CUSTOM_NS}}}property"):
            if item.get("name") not in properties:
                root.append(item)
    for name, value in properties.items():
        item = etree.SubElement(root, f"{{{CUSTOM_NS}}}property", fmtid=_USER_DEFINED,
                                name=name)
        etree.SubElement(item, f"{{{VT_NS}}}lpwstr").text = value
    for pid, item in enumerate(root, start=2):  # ids start at 2
        item.set("pid", str(pid))
    entries[CUSTOM_PART] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                          standalone=True)
    types = etree.fromstring(entries["[Content_Types].xml"])
    if not any(child.get("PartName") == f"/{CUSTOM_PART}" for child in types):
        etree.SubElement(types, f"{{{_TYPES_NS}}}Override", PartName=f"/{CUSTOM_PART}",
                         ContentType=CONTENT_TYPE.OFC_CUSTOM_PROPERTIES)
    entries["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True,
                                                    encoding="UTF-8", standalone=True)
    relationships = etree.fromstring(entries["_rels/.rels"])
    if not any(child.get("Type") == RELATIONSHIP_TYPE.CUSTOM_PROPERTIES
               for child in relationships):
        taken = {child.get("Id") for child in relationships}
        number = next(n for n in range(1, len(taken) + 2) if f"rId{n}" not in taken)
        etree.SubElement(relationships, f"{{{_RELATIONSHIPS_NS}}}Relationship",
                         Id=f"rId{number}", Type=RELATIONSHIP_TYPE.CUSTOM_PROPERTIES,
                         Target=CUSTOM_PART)
    entries["_rels/.rels"] = etree.tostring(relationships, xml_declaration=True,
                                            encoding="UTF-8", standalone=True)
