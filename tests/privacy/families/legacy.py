"""The families the corpus had before issue 9: paths and the seven trace formats, the running
user's own identifiers, network identifiers, credentials by known shape, personal numbers,
emails and values that must survive. Kept byte for byte as they were generated before, so their
random stream is the original one (seed 20261125, drawn in this order)."""

import random
import string


def build():
    rng = random.Random(20261125)
    cases = []


    def case(category, text, gone, kept=()):
        cases.append({"category": category, "input": text, "must_not_contain": list(gone), "must_contain": list(kept)})


    def token(alphabet, length):
        return "".join(rng.choice(alphabet) for _ in range(length))


    ALNUM = string.ascii_letters + string.digits
    B64URL = ALNUM + "-_"

    # --- paths, in messages and every trace format -----------------------------------------------
    users = ["alice", "bob", "chen", "dmitri", "eve_k", "farah", "gunnar", "hana"]
    for user in users:
        case("paths", f"open /home/{user}/projects/app/config.yaml failed", [user], ["app/config.yaml"])
        case("paths", f"cannot read /Users/{user}/Library/Prefs/x.plist", [user], ["Prefs/x.plist"])
        case("paths", f"missing C:\\Users\\{user}\\AppData\\Local\\Tool\\log.txt", [user], ["AppData/Local/Tool/log.txt"])
        case("paths", f"saved to d:/users/{user}/Desktop/report.pdf", [user], ["Desktop/report.pdf"])
        case("paths", f"old profile C:\\Documents and Settings\\{user}\\My Documents\\a.doc", [user], [])
        case("paths", f"read ~{user}/.ssh/config denied", [user], [".ssh/config"])
        case("paths", f"share \\\\fileserver\\{user}$\\docs\\plan.docx gone", [user, "fileserver"], ["docs/plan.docx"])
        case("paths", f"loaded file:///home/{user}/site/index.html", [user], ["site/index.html"])
    case("paths", "temp /private/var/folders/7x/q1w2e3r4t5_y6u7i8/T/build.log kept", ["q1w2e3r4t5_y6u7i8"], ["T/build.log"])
    case("paths", "temp /var/folders/ab/zz9_x8c7/T/cache.db", ["zz9_x8c7"], ["T/cache.db"])
    case("paths", "cwd=/root/deploy/run.sh failed", ["/root"], ["deploy/run.sh"])
    case("paths", "installed in /opt/acme-secret-project/team/bin/tool", ["acme-secret-project"], ["team/bin/tool"])

    traces = {
        "python": ('Traceback (most recent call last):\n  File "/home/{u}/svc/main.py", line 42, in handle\n    run()\nValueError: bad', ['main.py", line 42, in handle', "ValueError"]),
        "node": ("TypeError: x is undefined\n    at handle (/home/{u}/srv/routes/api.js:88:13)\n    at /Users/{u}/srv/index.js:10:5", ["api.js:88:13", "handle", "index.js:10:5", "TypeError"]),
        "go": ("panic: runtime error\n\ngoroutine 1 [running]:\nmain.handler(...)\n\t/home/{u}/go/src/app/handler.go:42 +0x1d", ["handler.go:42 +0x1d", "main.handler"]),
        "rust": ("thread 'main' panicked at src/main.rs:5:9\nstack backtrace:\n   0: app::run\n             at /home/{u}/.cargo/git/checkouts/app/src/lib.rs:17:5", ["lib.rs:17:5", "app::run", "src/main.rs:5:9"]),
        "java": ("java.lang.IllegalStateException: boom\n\tat com.example.Service.run(Service.java:31)\n\tat com.example.Main.main(Main.java:8)\nlog: /home/{u}/logs/app.log", ["Service.java:31", "IllegalStateException", "logs/app.log"]),
        "ruby": ("/home/{u}/app/models/order.rb:10:in 'save': invalid (ArgumentError)\n\tfrom /home/{u}/app/bin/run.rb:3:in '<main>'", ["order.rb:10:in 'save'", "ArgumentError", "run.rb:3"]),
        "dotnet": ("System.NullReferenceException: Object reference not set\n   at App.Core.Run() in C:\\Users\\{u}\\src\\App\\Core.cs:line 27", ["Core.cs:line 27", "NullReferenceException", "App.Core.Run()"]),
    }
    for fmt, (template, kept) in traces.items():
        for user in users[:5]:
            case(f"trace:{fmt}", template.replace("{u}", user), [user], kept)

    # --- the running user's own identifiers -----------------------------------------------------
    for text in [
        "job started by quinn at 09:00",
        "Quinn's build failed",
        "workspace /srv/staff/quinn/ws/x.py not found",
        "ssh quinn-ws.lab.example refused",
        "host quinn-ws unreachable",
        "QUINN-WS.LAB.EXAMPLE rebooted",
        "owner=quinn group=staff",
        "export HOME=/srv/staff/quinn",
    ]:
        case("own identifiers", text, ["quinn", "Quinn", "QUINN"], [])

    # --- network identifiers ----------------------------------------------------------------------
    for i in range(12):
        ip = f"203.0.113.{rng.randint(1, 254)}"
        case("network", f"connection from {ip}:{rng.randint(1024, 65535)} reset", [ip], ["connection from"])
        ip = f"198.51.100.{rng.randint(1, 254)}"
        case("network", f"upstream {ip} timed out", [ip], ["timed out"])
    for ip6 in ["2001:db8::8a2e:370:7334", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "fe80::1ff:fe23:4567:890a", "2001:db8:1::ab9:c0a8:102"]:
        case("network", f"peer [{ip6}]:443 down", [ip6], [":443 down"])
    for _ in range(5):
        mac = ":".join(f"{rng.randint(0, 255):02x}" for _ in range(6))
        case("network", f"device {mac} joined", [mac], ["joined"])
        mac = "-".join(f"{rng.randint(0, 255):02X}" for _ in range(6))
        case("network", f"adapter {mac} up", [mac], ["up"])
    for scheme in ["postgres", "mysql", "redis", "amqp", "https", "mongodb+srv", "ftp"]:
        pw = token(ALNUM, 12)
        case("network", f"connect {scheme}://svc_user:{pw}@db.internal:5432/main failed", [pw, "svc_user"], [":5432/main", "<password>"])
    case("network", "clone https://dana@git.example.com/repo.git", ["dana"], ["git.example.com"])
    for param in ["token", "access_token", "api_key", "key", "password", "secret", "sig", "signature", "auth", "session", "X-Amz-Signature"]:
        value = token(ALNUM, 24)
        case("network", f"GET https://api.example.com/v1/items?page=2&{param}={value}&sort=asc", [value], ["page=2", "sort=asc"])
    for scheme in ["Bearer", "Basic", "Token"]:
        value = token(ALNUM + "._-", 32)
        case("network", f"request failed with header Authorization: {scheme} {value}", [value], ["Authorization"])
        case("network", f"retrying with {scheme.lower()} {value}", [value], ["retrying"])

    # --- credentials by shape -------------------------------------------------------------------------
    def many(label, make, count=4, kept=()):
        for _ in range(count):
            secret = make()
            case(f"credential:{label}", f"auth failed using {secret} for upload", [secret], ["auth failed", *kept])


    many("github", lambda: rng.choice(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]) + token(ALNUM, 36), 6)
    many("github-fine-grained", lambda: "github_pat_" + token(ALNUM, 22) + "_" + token(ALNUM, 59))
    many("gitlab", lambda: "glpat-" + token(B64URL, 20))
    many("slack", lambda: rng.choice(["xoxb-", "xoxp-", "xoxa-"]) + f"{rng.randint(10**10, 10**11)}-{rng.randint(10**10, 10**11)}-" + token(ALNUM, 24))
    many("stripe", lambda: rng.choice(["sk_live_", "sk_test_", "rk_live_"]) + token(ALNUM, 24))
    many("openai", lambda: rng.choice(["sk-", "sk-proj-"]) + token(B64URL, 40))
    many("anthropic", lambda: "sk-ant-api03-" + token(B64URL, 80))
    many("google", lambda: "AIza" + token(B64URL, 35))
    many("npm", lambda: "npm_" + token(ALNUM, 36))
    many("pypi", lambda: "pypi-AgEIcHlwaS5vcmc" + token(B64URL, 60))
    many("aws-key-id", lambda: rng.choice(["AKIA", "ASIA"]) + token(string.ascii_uppercase + string.digits, 16))
    many("jwt", lambda: "eyJ" + token(B64URL, 30) + ".eyJ" + token(B64URL, 60) + "." + token(B64URL, 43))
    for _ in range(4):
        secret = token(ALNUM + "/+", 40)
        case("credential:aws-secret", f"aws_secret_access_key = {secret}", [secret], ["aws_secret_access_key"])
        case("credential:aws-secret", f'export AWS_SECRET_ACCESS_KEY="{secret}"', [secret], ["AWS_SECRET_ACCESS_KEY"])
    for kind in ["RSA ", "EC ", "", "OPENSSH ", "ENCRYPTED "]:
        body = "\n".join(token(ALNUM + "+/", 64) for _ in range(4))
        case("credential:pem", f"key:\n-----BEGIN {kind}PRIVATE KEY-----\n{body}\n-----END {kind}PRIVATE KEY-----\ndone", [body.splitlines()[0], body.splitlines()[-1]], ["done"])
    for name in ["password", "db_password", "DB_PASSWORD", "passwd", "client_secret", "api_key", "apiKey", "auth_token", "secret_key", "private_key"]:
        value = token(ALNUM + "!#%", 14)
        case("credential:assignment", f"{name}={value}", [value], [name])
        case("credential:assignment", f'{{"{name}": "{value}", "region": "eu-west-1"}}', [value], [name, "eu-west-1"])
        case("credential:assignment", f"{name}: {value}", [value], [name])

    # --- personal numbers -------------------------------------------------------------------------------
    def luhn_complete(prefix, length):
        digits = [int(d) for d in prefix] + [rng.randint(0, 9) for _ in range(length - len(prefix) - 1)]
        for check in range(10):
            candidate = digits + [check]
            total = 0
            for i, d in enumerate(reversed(candidate)):
                if i % 2 == 1:
                    d *= 2
                    d -= 9 if d > 9 else 0
                total += d
            if total % 10 == 0:
                return "".join(map(str, candidate))
        raise AssertionError


    for prefix, length in [("4", 16), ("51", 16), ("37", 15), ("6011", 16), ("35", 16), ("4", 13)] * 2:
        number = luhn_complete(prefix, length)
        grouped = " ".join(number[i:i + 4] for i in range(0, len(number), 4))
        dashed = "-".join(number[i:i + 4] for i in range(0, len(number), 4))
        case("personal:card", f"charge on {number} declined", [number], ["declined"])
        case("personal:card", f"card {grouped} expired", [grouped, number[-8:]], ["expired"])
        case("personal:card", f"card {dashed} stored", [dashed], ["stored"])


    def iban(country, bban):
        rearranged = bban + country + "00"
        numeric = "".join(str(int(c, 36)) for c in rearranged)
        check = 98 - int(numeric) % 97
        return f"{country}{check:02d}{bban}"


    for country, length in [("DE", 18), ("FR", 23), ("GB", 18), ("NL", 14), ("ES", 20), ("IT", 23)]:
        if country in ("GB", "NL"):
            bban = token(string.ascii_uppercase, 4) + token(string.digits, length - 4)
        elif country == "IT":
            bban = token(string.ascii_uppercase, 1) + token(string.digits, length - 1)
        else:
            bban = token(string.digits, length)
        value = iban(country, bban)
        spaced = " ".join(value[i:i + 4] for i in range(0, len(value), 4))
        case("personal:iban", f"refund to {value} pending", [value], ["pending"])
        case("personal:iban", f"account {spaced} closed", [spaced, value[4:12]], ["closed"])
    for _ in range(8):
        ssn = f"{rng.randint(100, 665):03d}-{rng.randint(10, 99):02d}-{rng.randint(1000, 9999):04d}"
        case("personal:ssn", f"applicant ssn {ssn} on file", [ssn], ["on file"])
    for phone in ["+1 415 555 0132", "+44 20 7946 0958", "+49 30 901820", "+33 1 23 45 67 89", "+81-3-1234-5678", "+1 (212) 555-0199", "+61 2 9374 4000", "+5511987654321"]:
        case("personal:phone", f"call back {phone} today", [phone], ["call back", "today"])

    # --- emails --------------------------------------------------------------------------------------------
    for local in ["ivy", "ivy.ng", "ivy+alerts", "i_v-y", "IVY.NG", '"ivy ng"', "ivy.ng+tag+more"]:
        for domain in ["example.com", "mail.example.co.uk", "sub.example.io"]:
            address = f"{local}@{domain}"
            case("emails", f"notify {address} when done", [address], ["notify", "when done"])

    # --- things that must survive (over-redaction checks) ----------------------------------------------
    keep = [
        "upgraded to version 1.2.3 from 1.2.2",
        "commit 3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39 passed CI",
        "build 1234567812345678 finished in 12.5s",
        "request took 12:30:45 at 2024-06-01",
        "error in std::collections::HashMap::get",
        "ValueError: invalid literal for int() with base 10",
        "retry_count=3 status_code=503",
        "token_count=512 exceeded the limit",
        "see https://docs.example.com/guide/setup#install",
        "ratio 3/4 of 16/9 frames",
        "listening on port 8080",
        "order id 42 processed",
        "password=<secret> already redacted",
        "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 matches",
        "uuid 123e4567-e89b-12d3-a456-426614174000 created",
        "metric p99_latency=120ms",
    ]
    for text in keep:
        case("must survive", text, [], [text])

    return cases
