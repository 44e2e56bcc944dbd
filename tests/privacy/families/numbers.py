"""Phone numbers in international and national formats, and national identifiers that a checksum
makes detectable (generated with correct check digits). Families "phone" and "national-id"."""

from .contexts import MESSAGE, each
from .synth import Family, aadhaar, bsn, cpf, dni, nie, nino, nir, ssn, steuer_id

PHONE_WORDS = ["phone", "Phone:", "tel:", "Tel.", "mobile", "call", "cell", "WhatsApp", "SMS to",
               "contact number", "fax", "Telefon:", "téléphone", "phone_number="]


def phones(f):
    """(formatted number, the subscriber digits as written) pairs."""
    r = f.rng
    uk = f"7946 0{r.randint(0, 999):03d}"
    us_line = f"01{r.randint(0, 99):02d}"
    area = f.pick(["415", "212", "646", "312", "206"])
    de = f"{r.randint(1000, 9999)} {r.randint(1000, 9999)}"
    fr = f"{r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)}"
    mobile = f"900{r.randint(0, 999):03d}"
    return [
        (f"+44 (0)20 {uk}", uk), (f"+44 20 {uk}", uk), (f"0044 20 {uk}", uk), (f"020 {uk}", uk),
        (f"+44 7700 {mobile}", f"7700 {mobile}"), (f"07700 {mobile}", f"07700 {mobile}"),
        (f"+1.{area}.555.{us_line}", f"555.{us_line}"), (f"+1 ({area}) 555-{us_line}", f"555-{us_line}"),
        (f"({area}) 555-{us_line}", f"555-{us_line}"), (f"{area}-555-{us_line}", f"555-{us_line}"),
        (f"+1-{area}-555-{us_line}", f"555-{us_line}"), (f"+1{area}555{us_line}", f"{area}555{us_line}"),
        (f"0049 30 {de}", de), (f"+49 (0) 30 {de}", de), (f"+49 30 {de.replace(' ', '')}", de.replace(" ", "")),
        (f"030 {de}", de), (f"+33 1 {fr}", fr), (f"+33 (0)1 {fr}", fr), (f"01 {fr}", fr),
        (f"0033 1 {fr}", fr), (f"+81 3-{r.randint(1000, 9999)}-{r.randint(1000, 9999)}", None),
        (f"+61 2 5550 {r.randint(1000, 9999)}", None), (f"+91 98{r.randint(100, 999)} {r.randint(10000, 99999)}", None),
        (f"+55 11 9{r.randint(1000, 9999)}-{r.randint(1000, 9999)}", None),
        (f"+31 20 {r.randint(100, 999)} {r.randint(1000, 9999)}", None),
        (f"+34 91 {r.randint(100, 999)} {r.randint(10, 99)} {r.randint(10, 99)}", None),
        (f"tel:+1{area}555{us_line}", f"{area}555{us_line}"),
    ]


def build_phones():
    f = Family("phone")
    for i in range(3):
        for number, part in phones(f):
            word = f.pick(PHONE_WORDS)
            snippet = f"{word} {number}" if not word.endswith((":", "=")) else f"{word}{f.pick(['', ' '])}{number}"
            text, kept = each(f, snippet, MESSAGE + [
                lambda f, s: (f"ticket 4821: customer asked for a callback ({s}), priority 2", ["ticket 4821", "priority 2"]),
                lambda f, s: (f'{{"order": 1042, "contact": "{s}", "items": 3}}', ['"order": 1042', '"items": 3']),
                lambda f, s: (f"BEGIN:VCARD\nVERSION:4.0\nNOTE:{s}\nEND:VCARD", ["VERSION:4.0"])])
            gone = [number] + ([part] if part else [number.split(" ", 1)[1] if " " in number else number])
            f.case("international" if number.startswith(("+", "00", "tel:")) else "national", text, gone, kept)
    return f.cases


def spaced(value, groups):
    out, i = [], 0
    for g in groups:
        out.append(value[i:i + g])
        i += g
    return out


def build_ids():
    f = Family("national-id")
    r = f.rng
    makers = [
        ("us-ssn", lambda: ssn(r), lambda v: [v, v.replace("-", " "), v.replace("-", "")], ["SSN", "social security number", "ssn="]),
        ("uk-nino", lambda: nino(r), lambda v: [v, " ".join([v[:2]] + spaced(v[2:8], [2, 2, 2]) + [v[8]])],
         ["NI number", "National Insurance no.", "nino:"]),
        ("de-steuer-id", lambda: steuer_id(r), lambda v: [v, " ".join(spaced(v, [2, 3, 3, 3]))],
         ["Steuer-ID", "Steuerliche Identifikationsnummer:", "tax id"]),
        ("fr-nir", lambda: nir(r), lambda v: [v, " ".join(spaced(v, [1, 2, 2, 2, 3, 3, 2]))],
         ["NIR", "numéro de sécurité sociale", "n° SS"]),
        ("nl-bsn", lambda: bsn(r), lambda v: [v, ".".join(spaced(v, [4, 2, 3]))], ["BSN", "burgerservicenummer:", "bsn="]),
        ("es-dni", lambda: dni(r), lambda v: [v, v[:8] + "-" + v[8]], ["DNI", "documento:", "dni="]),
        ("es-nie", lambda: nie(r), lambda v: [v, f"{v[0]}-{v[1:8]}-{v[8]}"], ["NIE", "nie:", "extranjero"]),
        ("br-cpf", lambda: cpf(r), lambda v: [f"{v[:3]}.{v[3:6]}.{v[6:9]}-{v[9:]}", v], ["CPF", "cpf:", "CPF nº"]),
        ("in-aadhaar", lambda: aadhaar(r), lambda v: [" ".join(spaced(v, [4, 4, 4])), v, "-".join(spaced(v, [4, 4, 4]))],
         ["Aadhaar", "aadhaar_no=", "UID"]),
    ]
    for i in range(8):
        for name, make, forms, words in makers:
            value = make()
            shown = forms(value)[i % len(forms(value))]
            word = f.pick(words)
            snippet = f"{word} {shown}" if not word.endswith("=") else f"{word}{shown}"
            text, kept = each(f, snippet, MESSAGE + [
                lambda f, s: (f"KYC check failed for applicant 7731: {s} does not match", ["KYC check failed", "does not match"]),
                lambda f, s: (f"row 12: {s}, status=pending", ["row 12", "status=pending"])])
            digits = "".join(c for c in shown if c.isalnum())
            f.case(name, text, [shown, digits] if digits in text else [shown], kept)
    return f.cases


def build():
    return build_phones() + build_ids()
