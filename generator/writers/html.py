"""The HTML preview: the document as rendered, with the print stylesheet inside it."""

from __future__ import annotations

import re

from ..errors import RenderError
from ..findings import Finding, Severity
from ..forms import PRINT_CSS, Forms
from . import RenderedDocument

# The @font-face rules name fonts relative to templates/base/; next to the output the
# URLs would be broken, so the preview uses the reader's own serif font instead.
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}\s*")
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)


def _preview_css(forms: Forms) -> str:
    return _FONT_FACE.sub("", forms.path(PRINT_CSS).read_text(encoding="utf-8"))


class HtmlWriter:
    def render(self, doc: RenderedDocument) -> bytes:
        head_end = _HEAD_END.search(doc.html)
        if head_end is None:
            raise RenderError([Finding(
                "html.no-head", Severity.ERROR, None, doc.name,
                "the rendered document has no </head>", "extend base/document.html.j2")])
        # The stylesheet is our own file; escaping "</" keeps it from closing the element.
        style = "<style>\n" + _preview_css(doc.forms).replace("</", "<\\/") + "</style>\n"
        html = doc.html[:head_end.start()] + style + doc.html[head_end.start():]
        return html.encode("utf-8")

