#!/usr/bin/env python3
"""Generates the privacy corpus that tests/privacy_corpus.rs runs through the scrubber:

- tests/privacy/corpus.jsonl: one case a line, {"category": "family:variant", "input": text,
  "must_not_contain": [planted values], "must_contain": [useful values]};
- tests/privacy/clean.txt: realistic text with nothing sensitive in it, one record a line, which
  must come back from the scrubber byte for byte.

Every value is synthetic: seeded random tokens in each format's public shape, Luhn-valid test
cards, identifiers with correct check digits, documentation IP ranges and example.com, .test and
.invalid domains, never a real secret or a real person's data. Each family draws from its own
random stream (seeded with the family name), so that growing one family leaves the others
unchanged. Regenerate with:

    python3 tests/privacy/generate_corpus.py

The running user in these cases is "quinn", home /srv/staff/quinn, host quinn-ws.lab.example;
tests/privacy_corpus.rs scrubs with exactly that identity.
"""

import json
import os
import sys

sys.dont_write_bytecode = True  # keeps __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from families import (clean, context, guards, home, hosts, keys, legacy, mixed, numbers,  # noqa: E402
                      people, shape, vendor)

FAMILIES = [legacy, home, context, vendor, shape, keys, people, hosts, numbers, guards]


def check_reachable(case):
    """A perfect scrubber, one that replaces exactly the planted values, must pass the case: no
    planted value left, every useful value intact. A case that fails this asks for the
    impossible (a useful value overlapping a planted one) and would measure nothing."""
    out = case["input"]
    for gone in sorted(case["must_not_contain"], key=len, reverse=True):
        out = out.replace(gone, "<x>")
    assert not [g for g in case["must_not_contain"] if g in out], case
    assert not [k for k in case["must_contain"] if k not in out], case


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    old = legacy.build()
    new = [c for family in FAMILIES if family is not legacy for c in family.build()]
    new += mixed.build(new)
    # The old families expect the scrubber's path rewriting (backslashes become slashes), which
    # a plain replacement cannot reach, so only the new ones are checked.
    for case in new:
        check_reachable(case)
    cases = old + new
    with open(os.path.join(here, "corpus.jsonl"), "w", encoding="utf-8", newline="\n") as out:
        out.write("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases))
    lines = clean.build()
    for line in lines:
        assert line.strip() and "\n" not in line and line == line.rstrip(), line
    with open(os.path.join(here, "clean.txt"), "w", encoding="utf-8", newline="\n") as out:
        out.write("".join(line + "\n" for line in lines))
    counts = {}
    for c in cases:
        family = c["category"].split(":")[0]
        counts[family] = counts.get(family, 0) + 1
    summary = ", ".join(f"{name} {n}" for name, n in counts.items())
    print(f"{len(cases)} cases ({summary}); {len(lines)} clean lines", file=sys.stderr)


if __name__ == "__main__":
    main()
