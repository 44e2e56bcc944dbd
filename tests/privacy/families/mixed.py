"""Whole error reports that carry several kinds of planted values at once, as a real crash
report does: a few single-family cases joined into one multi-line text, with every planted value
of each and every useful value of each. Tests that detectors still work next to one another and
that one rule's replacement does not hide or eat a neighbour's text.

Key blocks are left out: a truncated key block may rightly swallow whatever follows it."""

from .synth import Family

SOURCES = ["home", "context", "vendor", "shape", "people", "hosts", "phone", "national-id"]
HEADERS = ["--- crash report ---", "Unhandled exception in worker thread", "panic: upstream failure",
           "error report (3 events)", "Diagnostics bundle: logs.txt"]


def build(cases):
    f = Family("mixed")
    pool = {name: [c for c in cases if c["category"].split(":")[0] == name] for name in SOURCES}
    for i in range(60):
        families = f.rng.sample(SOURCES, f.rng.randint(2, 4))
        parts = [f.pick(pool[name]) for name in families]
        header = f.pick(HEADERS)
        text = header + "\n" + "\n".join(p["input"] for p in parts)
        gone = [g for p in parts for g in p["must_not_contain"]]
        kept = [header] + [k for p in parts for k in p["must_contain"]]
        # A kept value that holds another part's planted value would be contradictory.
        kept = [k for k in kept if not any(g in k for g in gone)]
        f.case("+".join(families), text, gone, kept)
    return f.cases
