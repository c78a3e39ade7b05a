"""Turn the HTML of questions made in an LMS into our plain text.

Our texts are plain text with `backticks` for code and ```text fenced blocks
for transcripts; Moodle's editor writes HTML. Paragraphs and line breaks
become newlines, <code> becomes backticks, <pre> a fenced block, and every
other tag is dropped with its markup (never its words).
"""

import re
from html.parser import HTMLParser

BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote"}
LINES = {"li", "tr", "dt", "dd"}
HIDDEN = {"script", "style", "head", "title"}


class _TextMaker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.pre = 0
        self.hidden = 0

    def _break(self, marker: str) -> None:
        # Spaces before a line break are HTML source layout, not text.
        if self.parts and not self.pre:
            self.parts[-1] = self.parts[-1].rstrip(" ")
        self.parts.append(marker)

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self._break("\n")
        elif tag in BLOCKS:
            self._break("\n\n")
        elif tag in LINES:
            self._break("\n- " if tag == "li" else "\n")
        elif tag == "pre":
            self._break("\n\n```text\n")
            self.pre += 1
        elif tag == "code" and not self.pre:
            self.parts.append("`")

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCKS:
            self._break("\n\n")
        elif tag == "pre" and self.pre:
            self.pre -= 1
            self.parts.append("\n```\n\n")
        elif tag == "code" and not self.pre:
            self.parts.append("`")

    def handle_data(self, data):
        if self.hidden:
            return
        if self.pre:
            self.parts.append(data.strip("\n"))
            return
        # Outside <pre>, HTML treats every run of white space as one space.
        text = re.sub(r"\s+", " ", data)
        if not self.parts or self.parts[-1].endswith("\n"):
            text = text.lstrip(" ")
        self.parts.append(text)


def html_to_text(html: str) -> str:
    """Return the plain text of an HTML fragment."""
    maker = _TextMaker()
    maker.feed(html)
    maker.close()
    text = "".join(maker.parts)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
