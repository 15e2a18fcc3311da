"""Print how many verdicts each chapter checks with ``lossopt.claims.claim``.

Usage: ``python tools/count_claims.py``. Counts the calls written in book/*.md; a call inside a
loop checks one sentence per pass, so the number checked at build time can be larger.
"""
import re
from pathlib import Path

BOOK = Path(__file__).resolve().parent.parent / "book"


def main():
    total = 0
    for path in sorted(BOOK.glob("*.md")):
        count = len(re.findall(r"\bclaim\(", path.read_text()))
        total += count
        print(f"{path.name:32s} {count:3d}")
    print(f"{'total':32s} {total:3d}")


if __name__ == "__main__":
    main()
