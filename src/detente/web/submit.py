"""POST /api/articles: code one article and store it as `detente ingest` would.

The steps are ingest's, for one article: its content hash (`detente.ingest.content_hash`),
coding in this process with the coder of the factory (`detente.parallel.code_one`, which
builds the coder once per process and turns a coder failure into a failed result), one
`ArticleResult`, and one `write_batch` transaction. The store is opened read-write only
for that write (`StoreAccess.writing`), not while the article is coded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass

from detente.ingest import content_hash
from detente.parallel import CoderFactory, CoderSpec, code_one, worker_coder
from detente.records import Article
from detente.store import ArticleResult, BatchStats, Status
from detente.web.access import StoreAccess


@dataclass(frozen=True)
class Submitted:
    """What storing a posted article did."""

    doc_id: str
    status: str  # "ok", "failed" or "unchanged"
    events: int  # events coded from it
    error: str | None
    stats: BatchStats | None  # None when the article was stored unchanged already


def article_id(text: str) -> str:
    """The id of a posted article that names none: "api-" and a hash of its text."""
    return "api-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _unchanged(access: StoreAccess, article: Article) -> bool:
    with access.reading() as store:
        stored = store.article(article.doc_id)
    return (
        stored is not None
        and stored.status == "ok"
        and (stored.text, stored.published, stored.title, stored.source, stored.url)
        == (article.text, article.published, article.title, article.source, article.url)
    )


def store_article(
    access: StoreAccess,
    article: Article,
    *,
    coder: CoderFactory | None,
    lock: threading.Lock,
) -> Submitted:
    """Code `article` (one at a time: `lock`) and store it; an unchanged one is skipped."""
    if _unchanged(access, article):
        return Submitted(article.doc_id, "unchanged", 0, None, None)
    factory = coder or CoderSpec()
    with lock:
        coded = code_one(factory, article)
    status: Status = "failed" if coded.error is not None else "ok"
    result = ArticleResult(
        doc_id=article.doc_id,
        status=status,
        content_hash=content_hash(article),
        article=article,
        events=coded.events,
        coder_version=coded.coder_version,
        error=coded.error,
    )
    with access.writing() as store:
        stats = store.write_batch([result])
    return Submitted(article.doc_id, status, len(coded.events), coded.error, stats)


def warm_up(coder: CoderFactory | None, lock: threading.Lock) -> None:
    """Build the coder now (spaCy and the knowledge base), so the first POST is quick."""
    with lock:
        worker_coder(coder or CoderSpec())


def posted_article(
    doc_id: str | None,
    text: str,
    published: dt.date | None,
    title: str | None,
    source: str | None,
    url: str | None,
) -> Article:
    return Article(
        doc_id=doc_id or article_id(text),
        text=text,
        published=published,
        title=title,
        source=source,
        url=url,
    )
