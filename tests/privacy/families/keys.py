"""Key material with and without armour: bare PEM bodies, base64 of a whole PEM, PuTTY key
files, password hashes, docker auth values, JWTs and private key blocks in every wrapping."""

import base64
import json

from .contexts import MESSAGE, each
from .synth import ALNUM, B64, B64URL, BCRYPT, HEX, Family, b64, b64url, fragment

HEADS = {"RSA": "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ",
         "EC": "MHcCAQEEI", "OPENSSH": "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAA",
         "PKCS8-EC": "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg"}


def pem_lines(f, kind, count):
    head = HEADS[kind]
    lines = [head + f.token(B64, 64 - len(head))] + [f.token(B64, 64) for _ in range(count - 2)]
    lines.append(f.token(B64, f.rng.randint(20, 60)) + f.pick(["", "=", "=="]))
    return lines


def armoured(f, kind_label, lines):
    return f"-----BEGIN {kind_label}PRIVATE KEY-----\n" + "\n".join(lines) + f"\n-----END {kind_label}PRIVATE KEY-----"


def gone_lines(lines):
    return [lines[0][-40:], lines[len(lines) // 2], lines[-2]]


def build():
    f = Family("keys")
    kinds = [("RSA", "RSA "), ("EC", "EC "), ("OPENSSH", "OPENSSH "), ("PKCS8-EC", "")]
    # Bare PEM bodies: the armour lost to a paste, a log line limit or a YAML block.
    for i in range(16):
        kind, _ = kinds[i % 4]
        lines = pem_lines(f, kind, f.rng.randint(4, 10))
        body = "\n".join(lines)
        text, kept = f.pick([(f"invalid key format:\n{body}\nexpected PEM", ["invalid key format:", "expected PEM"]),
                             ("key: |\n  " + body.replace("\n", "\n  ") + "\ncert: tls.crt", ["cert: tls.crt"]),
                             (f"could not parse private key material {body}", ["could not parse private key material"]),
                             (f"ssl_key={''.join(lines)}", [])])
        f.case("bare-pem-body", text, gone_lines(lines), kept)
    # A whole PEM, base64-encoded, as Kubernetes secrets and CI variables carry it.
    for i in range(12):
        kind, label = kinds[i % 4]
        pem = armoured(f, label, pem_lines(f, kind, 6)) + "\n"
        blob = b64(pem.encode())
        assert blob.startswith("LS0tLS1CRUdJTi")
        text, kept = f.pick([(f"data:\n  tls.key: {blob}\n  tls.crt: (omitted)", ["tls.crt: (omitted)"]),
                             (f'{{"data": "{blob}", "type": "kubernetes.io/tls"}}', ['"type": "kubernetes.io/tls"']),
                             (f"decode failed for {blob}", ["decode failed for"]),
                             (f"PRIVATE_KEY_B64={blob}", [])])
        f.case("base64-pem", text, [blob, fragment(blob, 32), blob[-40:]], kept)
    # PuTTY key files.
    for i in range(8):
        public = ["AAAAC3NzaC1lZDI1NTE5AAAAI" + f.token(B64, 43)]
        private = [f.token(B64, 64) for _ in range(f.rng.randint(1, 3))]
        mac = f.token(HEX, 64)
        version = f.pick(["2", "3"])
        text = (f"PuTTY-User-Key-File-{version}: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20260314\n"
                f"Public-Lines: 1\n{public[0]}\nPrivate-Lines: {len(private)}\n" + "\n".join(private)
                + f"\nPrivate-MAC: {mac}")
        kept = []
        if i % 2:
            text = f"failed to load key file:\n{text}\nunsupported format"
            kept = ["failed to load key file:", "unsupported format"]
        f.case("putty", text, [*private, mac], kept)
    # Password hashes.
    hashes = [
        lambda: f"$2b$12${f.token(BCRYPT, 53)}", lambda: f"$2a$10${f.token(BCRYPT, 53)}",
        lambda: f"$2y$11${f.token(BCRYPT, 53)}",
        lambda: f"$argon2id$v=19$m=65536,t=3,p=4${f.token(B64[:-2] + '+/', 22)}${f.token(B64[:-2] + '+/', 43)}",
        lambda: f"$argon2i$v=19$m=4096,t=3,p=1${f.token(B64, 22)}${f.token(B64, 43)}",
        lambda: f"$6${f.token(BCRYPT, 16)}${f.token(BCRYPT, 86)}",
        lambda: f"$6$rounds=656000${f.token(BCRYPT, 16)}${f.token(BCRYPT, 86)}",
        lambda: f"$5${f.token(BCRYPT, 16)}${f.token(BCRYPT, 43)}",
        lambda: f"$1${f.token(BCRYPT, 8)}${f.token(BCRYPT, 22)}",
        lambda: f"$apr1${f.token(BCRYPT, 8)}${f.token(BCRYPT, 22)}",
        lambda: f"$y$j9T${f.token(BCRYPT, 22)}${f.token(BCRYPT, 43)}",
        lambda: f"pbkdf2_sha256$600000${f.token(ALNUM, 22)}${b64(bytes(f.rng.randrange(256) for _ in range(32)))}",
        lambda: f"$pbkdf2-sha512$25000${f.token(BCRYPT, 22)}${f.token(BCRYPT, 86)}",
        lambda: f"$scrypt$ln=16,r=8,p=1${f.token(B64, 22)}${f.token(B64, 43)}",
        lambda: "{SSHA}" + b64(bytes(f.rng.randrange(256) for _ in range(24))),
    ]
    for i in range(45):
        value = hashes[i % len(hashes)]()
        tail = value.rsplit("$", 1)[-1] if "$" in value else value[6:]
        text, kept = f.pick([
            (f"hash mismatch for stored value {value}", ["hash mismatch for stored value"]),
            (f"UPDATE users SET password_hash='{value}' WHERE id=42;", ["WHERE id=42;"]),
            (f"deploy:{value}:19800:0:99999:7:::", [":19800:0:99999:7:::"]),
            (f"svc-backup:{value}", []),
            (f'{{"id": 42, "hash": "{value}", "active": true}}', ['"active": true']),
            (f"verify({value!r}) returned False", ["returned False"]),
        ])
        f.case("password-hash", text, [value, tail], kept)
    # Registry and package manager credentials stored as base64 user:password.
    for i in range(12):
        user = f.pick(["ci-bot", "deploy", "svc-pull"])
        auth = b64(f"{user}:{f.mixed(ALNUM, 24)}".encode())
        registry = f.pick(["registry.example.com", "ghcr.io", "https://index.docker.io/v1/"])
        text = f.pick([
            '{"auths": {"' + registry + '": {"auth": "' + auth + '"}}}',
            f'{{\n  "auths": {{\n    "{registry}": {{\n      "auth": "{auth}"\n    }}\n  }}\n}}',
            f"_auth={auth}\nalways-auth=true",
            f"error reading config.json: auths.{registry}.auth = {auth}",
        ])
        f.case("docker-auth", text, [auth], [registry] if registry in text else [])
    # JSON Web Tokens, signed and unsigned, in headers, URLs, cookies and messages.
    for i in range(24):
        header = b64url(json.dumps({"alg": f.pick(["RS256", "HS256", "ES256", "none"]), "typ": "JWT"}, separators=(",", ":")).encode())
        claims = b64url(json.dumps({"sub": f.digits(8), "iat": 1773400000 + i, "scope": "read"}, separators=(",", ":")).encode())
        signature = "" if '"none"' in base64.urlsafe_b64decode(header + "==").decode() else f.mixed(B64URL, f.pick([43, 86, 342]))
        jwt = f"{header}.{claims}.{signature}"
        text, kept = each(f, jwt, MESSAGE + [
            lambda f, s: (f"https://app.example.com/callback#id_token={s}&state=af0ifjsldkj", ["https://app.example.com/callback"]),
            lambda f, s: (f"JWT verification failed for {s}", ["verification failed"])])
        f.case("jwt", text, [jwt, claims] + ([signature] if signature else []), kept)
    # Armoured private key blocks, wrapped the ways logs and configs wrap them.
    for i in range(16):
        kind, label = kinds[i % 4]
        lines = pem_lines(f, kind, f.rng.randint(4, 8))
        pem = armoured(f, label, lines)
        form = i % 4
        if form == 0:
            text = '{"type": "service_account", "private_key": "' + pem.replace("\n", "\\n") + '\\n", "client_email": "svc@example.iam.gserviceaccount.test"}'
        elif form == 1:
            text = pem.replace("\n", "\r\n")
        elif form == 2:
            text = "ssh: this private key is passphrase protected\n" + pem.rsplit("\n", 1)[0]
        else:
            text = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + "\n".join(lines) + "\n-----END PGP PRIVATE KEY BLOCK-----"
        f.case("private-key-block", text, gone_lines(lines), [])
    return f.cases
