"""Read RSS and Atom feed files into `Article` records (with feedparser).

Each feed entry is one article: its id (else its link) is the doc_id, its title, link
and publication date are kept, and the feed's own title is the source. The text is the
entry's linked page when that page was saved beside the feed (a file in `pages` whose
name matches the last part of the link's path, e.g. `.../2020/01/story.html` ->
`story.html`), read by the ordinary HTML reader; otherwise it is the entry's content, or
else its summary, with markup removed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Mapping
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from detente.errors import InputError
from detente.reader import ReadProblem, article_from_text, iter_articles, log_problem
from detente.records import Article

logger = logging.getLogger(__name__)

FEED_SUFFIXES = frozenset({".rss", ".atom"})
_SNIFF_SUFFIXES = frozenset({".xml", ".rdf"})
_SNIFF_BYTES = 2048
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "tr",
        "section",
        "article",
    }
)


def is_feed_file(path: Path) -> bool:
    """True for .rss/.atom files, and for .xml/.rdf files whose content is an RSS/Atom feed."""
    suffix = path.suffix.lower()
    if suffix in FEED_SUFFIXES:
        return True
    if suffix not in _SNIFF_SUFFIXES:
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES).lower()
    except OSError:
        return False  # let the ordinary reader report it
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def page_key(link: str) -> str | None:
    """The file name a saved copy of the page at `link` would have ("story.html"), or None."""
    path = unquote(urlsplit(link).path)
    name = PurePosixPath(path).name
    return name.lower() or None


def local_pages(paths: list[Path]) -> dict[str, Path]:
    """Index HTML files by lower-cased file name (and name without extension) for `page_key`."""
    index: dict[str, Path] = {}
    for path in paths:
        if path.suffix.lower() in {".html", ".htm", ".xhtml"}:
            index.setdefault(path.name.lower(), path)
            index.setdefault(path.stem.lower(), path)
    return index


class _TextOnly(HTMLParser):
    """Collect the text of an HTML fragment, with a line break at each block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment, paragraphs on their own lines."""
    parser = _TextOnly()
    parser.feed(fragment)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _entry_date(entry: Mapping[str, Any]) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
    return None


def _entry_text(entry: Mapping[str, Any]) -> str:
    for content in entry.get("content") or ():
        value = content.get("value")
        if value and value.strip():
            return html_to_text(value)
    summary = entry.get("summary")
    return html_to_text(summary) if summary else ""


def _page_text(page: Path, on_problem: Callable[[ReadProblem], None]) -> str | None:
    for article in iter_articles([str(page)], on_problem=on_problem):
        return article.text
    return None


def iter_feed_articles(
    path: Path,
    *,
    on_problem: Callable[[ReadProblem], None] = log_problem,
    pages: Mapping[str, Path] | None = None,
    used_pages: set[Path] | None = None,
) -> Iterator[Article]:
    """Yield one `Article` per entry of the feed file at `path`.

    pages: saved pages by file name (see `local_pages`); an entry whose link names one
        of them takes its text from that page. Each page used is added to `used_pages`,
        so the caller does not read it a second time as an article of its own.
    on_problem: called once per problem (unparsable feed, entry without text).
    """
    import feedparser  # imported only when there is a feed to read

    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        on_problem(ReadProblem(name, f"cannot be read ({err.strerror or err}) — check the file"))
        return
    parsed = feedparser.parse(data)
    if parsed.get("bozo") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        on_problem(ReadProblem(name, f"not a readable RSS/Atom feed ({reason}) — check the file"))
        return
    source = (parsed.feed.get("title") or "").strip() or None
    for number, entry in enumerate(parsed.entries, start=1):
        link = entry.get("link")
        doc_id = entry.get("id") or link or f"{path.stem}-{number}"
        text = ""
        key = page_key(link) if link else None
        page = None
        if key and pages:
            page = pages.get(key) or pages.get(PurePosixPath(key).stem)
        if page is not None:
            text = _page_text(page, on_problem) or ""
            if used_pages is not None:
                used_pages.add(page)
        if not text:
            text = _entry_text(entry)
        try:
            yield article_from_text(
                text,
                doc_id=doc_id,
                published=_entry_date(entry),
                title=entry.get("title"),
                source=source,
                url=link,
            )
        except InputError:
            on_problem(
                ReadProblem(
                    f"{name} entry {number}",
                    "feed entry with no text (no content, summary or saved page) — skipped",
                )
            )
