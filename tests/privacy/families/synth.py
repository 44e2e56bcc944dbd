"""Synthetic values for the privacy corpus: random tokens, numbers with correct check digits,
and the surrounding text that real logs, traces and dumps put around them.

Nothing here is real: tokens are seeded random strings in each format's public shape, cards pass
Luhn but are test ranges, identifiers are generated with their checksum, addresses come from the
documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) and domains
from example.com, .test and .invalid.
"""

import base64
import random
import string

SEED = 20261125

UPPER = string.ascii_uppercase
LOWER = string.ascii_lowercase
DIGITS = string.digits
ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
HEX = "0123456789abcdef"
HEX_UPPER = HEX.upper()
BASE32_UPPER = UPPER + "234567"
BCRYPT = "./" + ALNUM


class Family:
    """Collects the cases of one family, with its own random stream so that adding cases to one
    family never changes the values of another."""

    def __init__(self, name):
        self.name = name
        self.rng = random.Random(f"{SEED}:{name}")
        self.cases = []

    def case(self, variant, text, gone, kept=()):
        gone = [g for g in dict.fromkeys(gone) if g]
        kept = [k for k in dict.fromkeys(kept) if k]
        for g in gone:
            assert g in text, (self.name, variant, g, text)
        for k in kept:
            assert k in text, (self.name, variant, k, text)
            for g in gone:
                assert g not in k, (self.name, variant, "kept value holds a planted one", k, g)
        self.cases.append({"category": f"{self.name}:{variant}", "input": text,
                           "must_not_contain": gone, "must_contain": kept})

    # --- random pieces -------------------------------------------------------------------------
    def token(self, alphabet, length):
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    def mixed(self, alphabet, length):
        """A random string that holds at least one upper, one lower letter and one digit when the
        alphabet allows, as any real random token of that length does."""
        while True:
            value = self.token(alphabet, length)
            classes = [set(UPPER), set(LOWER), set(DIGITS)]
            if all(c & set(value) for c in classes if c & set(alphabet)):
                return value

    def pick(self, seq):
        return self.rng.choice(seq)

    def digits(self, length):
        return str(self.rng.randint(1, 9)) + self.token(DIGITS, length - 1)

    def time(self):
        return f"2026-03-{self.rng.randint(10, 28):02d}T{self.rng.randint(0, 23):02d}:{self.rng.randint(0, 59):02d}:{self.rng.randint(0, 59):02d}Z"

    def doc_ip(self):
        net = self.pick(["192.0.2", "198.51.100", "203.0.113"])
        return f"{net}.{self.rng.randint(2, 254)}"


def fragment(value, length=16):
    """The middle of a long value: finding it in the output means part of the value leaked even
    if a prefix or suffix was cut off."""
    if len(value) < length + 8:
        return value
    start = (len(value) - length) // 2
    return value[start:start + length]


def b64(raw):
    return base64.b64encode(raw).decode()


def b64url(raw):
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def json_escape(text):
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


# --- check digits --------------------------------------------------------------------------------
def luhn_complete(rng, prefix, length):
    digits = [int(d) for d in prefix] + [rng.randint(0, 9) for _ in range(length - len(prefix) - 1)]
    for check in range(10):
        if luhn_ok(digits + [check]):
            return "".join(map(str, digits + [check]))
    raise AssertionError("no Luhn digit")


def luhn_ok(digits):
    total = 0
    for i, d in enumerate(reversed([int(x) for x in digits])):
        if i % 2 == 1:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return total % 10 == 0


def ssn(rng):
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


NINO_FIRST = [c for c in UPPER if c not in "DFIQUV"]
NINO_SECOND = [c for c in UPPER if c not in "DFIOQUV"]


def nino(rng):
    while True:
        prefix = rng.choice(NINO_FIRST) + rng.choice(NINO_SECOND)
        if prefix not in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
            return prefix + "".join(rng.choice(DIGITS) for _ in range(6)) + rng.choice("ABCD")


def steuer_id(rng):
    """German tax id: 11 digits, no leading zero, one digit of the first ten twice, ISO 7064
    MOD 11,10 check digit."""
    while True:
        first = [rng.randint(1, 9)]
        rest = rng.sample(range(10), 9)
        body = first + rest
        counts = {d: body.count(d) for d in body}
        if sorted(counts.values()) != [1] * 8 + [2]:
            continue
        product = 10
        for d in body:
            total = (d + product) % 10 or 10
            product = (total * 2) % 11
        check = (11 - product) % 10
        return "".join(map(str, body)) + str(check)


def nir(rng):
    """French social security number: 13 digits and a key 97 - n mod 97."""
    body = (f"{rng.randint(1, 2)}{rng.randint(50, 99):02d}{rng.randint(1, 12):02d}"
            f"{rng.randint(1, 95):02d}{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}")
    key = 97 - int(body) % 97
    return body + f"{key:02d}"


def bsn(rng):
    """Dutch citizen service number: 9 digits passing the eleven test."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1))) - digits[8]
        if total % 11 == 0:
            return "".join(map(str, digits))


DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def dni(rng):
    number = rng.randint(10000000, 99999999)
    return f"{number}{DNI_LETTERS[number % 23]}"


def nie(rng):
    lead = rng.choice("XYZ")
    number = rng.randint(1000000, 9999999)
    return f"{lead}{number:07d}{DNI_LETTERS[int(str('XYZ'.index(lead)) + f'{number:07d}') % 23]}"


def cpf(rng):
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        if len(set(digits)) > 1:
            break
    for weight_start in (10, 11):
        total = sum(d * w for d, w in zip(digits, range(weight_start, 1, -1)))
        digits.append((total * 10) % 11 % 10)
    s = "".join(map(str, digits))
    return s


VERHOEFF_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
VERHOEFF_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]
VERHOEFF_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]


def verhoeff_ok(number):
    c = 0
    for i, d in enumerate(reversed(number)):
        c = VERHOEFF_D[c][VERHOEFF_P[i % 8][int(d)]]
    return c == 0


def aadhaar(rng):
    body = str(rng.randint(2, 9)) + "".join(rng.choice(DIGITS) for _ in range(10))
    c = 0
    for i, d in enumerate(reversed(body)):
        c = VERHOEFF_D[c][VERHOEFF_P[(i + 1) % 8][int(d)]]
    full = body + str(VERHOEFF_INV[c])
    assert verhoeff_ok(full)
    return full


assert verhoeff_ok("2363") and not verhoeff_ok("2364")
assert luhn_ok("4111111111111111")
