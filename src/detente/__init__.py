"""detente: political event data from news, on a laptop CPU.

Heavy modules (spaCy, the knowledge base) are imported lazily, so `import detente`
and `detente --help` stay instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from detente.errors import DetenteError, InputError, ResourceError
from detente.records import (
    Actor,
    Article,
    Event,
    Location,
    Precision,
    QuadClass,
    ResolvedDate,
    Sector,
    Trigger,
)

__version__ = "0.1.0"

if TYPE_CHECKING:
    from detente.coder import Coder

__all__ = [
    "Actor",
    "Article",
    "Coder",
    "DetenteError",
    "Event",
    "InputError",
    "Location",
    "Precision",
    "QuadClass",
    "ResolvedDate",
    "ResourceError",
    "Sector",
    "Trigger",
    "__version__",
    "code_text",
]


def __getattr__(name: str) -> Any:
    if name == "Coder":
        from detente.coder import Coder

        return Coder
    raise AttributeError(name)


def code_text(text: str, *, published: Any = None, doc_id: str = "text") -> list[Event]:
    """Code one text with a freshly built `Coder` (convenient, slow: build a Coder to reuse)."""
    from detente.coder import Coder

    return Coder.build().code(text, published=published, doc_id=doc_id)
