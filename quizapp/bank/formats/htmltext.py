"""Turn the HTML of questions made in an LMS into our plain text.

Our texts are plain text with `backticks` for code and ```text fenced blocks
for transcripts; Moodle's editor writes HTML. Paragraphs and line breaks
become newlines, <code> becomes backticks, <pre> a fenced block, and every
other tag is dropped with its markup (never its words). An image becomes a
Markdown image when the file carried it (Moodle's @@PLUGINFILE@@ files, see
media.py); any other image is dropped and named, so the report can say so.

Moodle's multi-language texts (``<span lang="fr" class="multilang">`` and
``{mlang fr}...{mlang}``) are split into one text per language first.
"""

import re
from html.parser import HTMLParser
from urllib.parse import unquote

PLUGINFILE = "@@PLUGINFILE@@/"
SPAN = re.compile(r"<span\b([^>]*)>(.*?)</span>", re.DOTALL | re.IGNORECASE)
MLANG = re.compile(r"\{mlang\s+([\w-]+)\}(.*?)\{mlang(?:\s+other)?\}", re.DOTALL | re.IGNORECASE)
LANG_ATTR = re.compile(r"""\blang\s*=\s*["']?([\w-]+)""", re.IGNORECASE)

BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote"}
LINES = {"li", "tr", "dt", "dd"}
HIDDEN = {"script", "style", "head", "title"}


class _TextMaker(HTMLParser):
    def __init__(self, images: dict[str, str], dropped: list[str]):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.pre = 0
        self.hidden = 0
        self.images, self.dropped = images, dropped

    def _image(self, attrs: dict) -> None:
        src = (attrs.get("src") or "").strip()
        name = unquote(src.removeprefix(PLUGINFILE).split("?")[0])
        if src.startswith(PLUGINFILE) and name in self.images:
            alt = re.sub(r"[\[\]\n]", " ", attrs.get("alt") or "").strip()
            self.parts.append(f"![{alt}]({self.images[name]})")
        elif src:
            self.dropped.append(src)

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
        elif tag == "img":
            self._image(dict(attrs))
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


def html_to_text(
    html: str, images: dict[str, str] | None = None, dropped: list[str] | None = None
) -> str:
    """Return the plain text of an HTML fragment.

    `images` maps the names of the files the question carries to their URLs;
    the address of every other image is appended to `dropped`.
    """
    maker = _TextMaker(images or {}, dropped if dropped is not None else [])
    maker.feed(html)
    maker.close()
    text = "".join(maker.parts)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _is_multilang(attrs: str) -> bool:
    return "multilang" in attrs.lower() and LANG_ATTR.search(attrs) is not None


def languages(raw: str) -> list[str]:
    """Return the languages a Moodle multi-language text is written in, in order."""
    found = [LANG_ATTR.search(a).group(1) for a, _t in SPAN.findall(raw) if _is_multilang(a)]
    found += [lang for lang, _text in MLANG.findall(raw)]
    return list(dict.fromkeys(lang.lower().split("_")[0].split("-")[0] for lang in found))


def in_language(raw: str, lang: str) -> str:
    """Return the text of a multi-language text in `lang` (the other languages removed)."""

    def keep(match_lang: str, text: str) -> str:
        return text if match_lang.lower().split("_")[0].split("-")[0] == lang else ""

    def span(match: re.Match) -> str:
        if not _is_multilang(match.group(1)):
            return match.group(0)
        return keep(LANG_ATTR.search(match.group(1)).group(1), match.group(2))

    raw = MLANG.sub(lambda m: keep(m.group(1), m.group(2)), raw)
    return SPAN.sub(span, raw)


def split_languages(raw: str) -> dict[str, str]:
    """Return {"fr": ..., "en": ...} of a text; without language marks, all of it is French."""
    found = languages(raw)
    if not found:
        return {"fr": raw}
    first = "fr" if "fr" in found else found[0]
    texts = {"fr": in_language(raw, first)}
    if "en" in found and first != "en":
        texts["en"] = in_language(raw, "en")
    return texts
