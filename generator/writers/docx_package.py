"""The Word package as a whole: metadata from the deal, and bytes that do not depend on
the clock or on the order a zip library happens to write entries in."""

from __future__ import annotations

import datetime
import io
import zipfile

from docx.opc.coreprops import CoreProperties

# Zip entries get this time, not the time of the run.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


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


def reproducible_zip(data: bytes) -> bytes:
    """The same package with entries in a fixed order and with fixed times and modes."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
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
