"""Tokens in formats no list has: made-up prefixes on random base62, base64url and hex bodies of
24 to 64 characters, and unprefixed random tokens. Only their shape (length, alphabet, entropy)
gives them away; a scrubber that needs to know the vendor lets them all through."""

from .contexts import BLOCK, each
from .synth import ALNUM, B64URL, HEX, Family, fragment

PREFIXES = ["acme_live_", "zt-", "orbit_sk_", "qx1.", "tnt-", "kpx_", "nimbus-pat-", "wfl_",
            "brk.", "hcx_", "lumen_", "pk-prod-", "rv1_", "ZX9-", "opal_tok_", "mrk_"]


def body(f):
    """Base62 or base64url. Pure hex is left out here: with no secret word before it, hex is a
    hash or a request id as often as a secret (see the guard family), so it is planted only
    after a secret word, below."""
    length = f.rng.randint(24, 64)
    if f.rng.randint(0, 1) == 0:
        return f.mixed(ALNUM, length)
    value = f.mixed(B64URL, length)
    return value if ("-" in value or "_" in value) else value[:-1] + "_"


def build():
    f = Family("shape")
    contexts = [
        lambda f, s: (f"upload rejected ({s})", ["upload rejected"]),
        lambda f, s: (f"invalid value '{s}' for '--from'", ["invalid value", "for '--from'"]),
        lambda f, s: (f"remote: Invalid username or {s}", ["remote: Invalid username"]),
        lambda f, s: (f"client = Client(\"{s}\", timeout=30)", ["timeout=30"]),
        lambda f, s: (f"{s}", []),
        lambda f, s: (f"echo {s} > ~/.config/tool/creds", ["tool/creds"]),
        lambda f, s: (f"x-request-source: {s}", []),
        lambda f, s: ('{"id":42,"value":"' + s + '","ok":false}', ['"id":42', '"ok":false']),
        lambda f, s: (f"ENV BUILD_VALUE={s}", ["ENV BUILD_VALUE="]),
        *BLOCK,
    ]
    for i in range(96):
        prefixed = i % 3 != 2
        raw = body(f)
        value = (f.pick(PREFIXES) + raw) if prefixed else raw
        text, kept = each(f, value, contexts)
        f.case("prefixed" if prefixed else "bare", text, [value, fragment(value)], kept)
    # With a secret word before it, even bare hex is a secret.
    for i in range(24):
        value = f.token(HEX, f.pick([32, 40, 64]))
        word = f.pick(["token", "api key", "secret", "signature", "access key", "session"])
        text = f.pick([f"using {word} {value}", f"{word}: {value}", f"invalid {word} '{value}'"])
        f.case("hex-after-word", text, [value, fragment(value)], [])
    return f.cases
