"""Rebuild src/detente/data/cameo.csv from the OEDA CAMEO->PLOVER table and GDELT's Goldstein table.

The result is a table of facts in detente's own format: for each CAMEO code its PLOVER
event type, mode and contexts, and its Goldstein weight (codes without a published
weight take their parent's). Run from the repository root:

    python scripts/build_ontology.py ../shared/data/codebooks
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

LINE = re.compile(r"^(\d{2,4}):\s*([A-Z]+)\s*(?:,([^,#]*))?(?:,([^#]*))?")


def main(codebooks: Path, out: Path) -> None:
    goldstein: dict[str, float] = {}
    with (codebooks / "CAMEO.goldsteinscale.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            goldstein[row["cameo_code"].strip()] = float(row["goldstein"])
    rows = []
    for raw in (codebooks / "CAMEO2PLOVER-2021.txt").read_text(encoding="utf-8").splitlines():
        m = LINE.match(raw.strip())
        if not m or len(m.group(1)) == 2:
            continue
        code, event, mode, context = m.group(1), m.group(2), m.group(3) or "", m.group(4) or ""
        contexts = [c.strip() for c in context.split(";") if c.strip()]
        score = goldstein.get(code, goldstein.get(code[:3], goldstein.get(code[:2])))
        if score is None:
            raise SystemExit(f"no Goldstein weight for CAMEO {code}")
        rows.append((code, event, mode.strip(), "|".join(contexts), score))
    seen: set[str] = set()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["cameo", "event", "mode", "context", "goldstein"])
        for row in rows:
            if row[0] in seen:
                continue
            seen.add(row[0])
            writer.writerow(row)
    print(f"wrote {len(seen)} CAMEO codes to {out}")


if __name__ == "__main__":
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data/codebooks")
    main(src, Path("src/detente/data/cameo.csv"))
