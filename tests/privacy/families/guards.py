"""Over-scrub guards: text that looks like something the scrubber hunts but is not, and must
survive whole. Each case plants nothing; its useful values are what a careless rule would eat:
hex with digit runs passing Luhn, URL paths, shell variables holding directories, connection
string fields after a password, hashes and UUIDs without a secret word before them, versions,
ports, status codes, error types, file names and line numbers, public host names, and prose that
uses secret-bearing words (token, key, password, session) without a secret after them."""

from .synth import HEX, Family, luhn_complete, luhn_ok


def luhn_hex(f):
    """A hex digest holding a 16-digit run that passes Luhn, like a card would."""
    run = luhn_complete(f.rng, f.pick(["4", "51", "37", "6011"]), 16)
    assert luhn_ok(run)
    left = f.token("abcdef", 1) + f.token(HEX, f.rng.randint(4, 20))
    right = f.token("abcdef", 1) + f.token(HEX, 64 - len(left) - 16 - 1)
    return left + run + right


def uuid(f):
    return f"{f.token(HEX, 8)}-{f.token(HEX, 4)}-4{f.token(HEX, 3)}-{f.pick('89ab')}{f.token(HEX, 3)}-{f.token(HEX, 12)}"


def version(f):
    return f"{f.rng.randint(0, 20)}.{f.rng.randint(0, 40)}.{f.rng.randint(0, 30)}"


FIXED = [
    ("url-path", ["https://api.example.com/v1/users/42"], "GET https://api.example.com/v1/users/42 returned 404"),
    ("url-path", ["/api/v2/orders/1234/items?page=2&limit=50", "HTTP/1.1\" 200 512"], "\"GET /api/v2/orders/1234/items?page=2&limit=50 HTTP/1.1\" 200 512"),
    ("env-dir", ["SHELL=/bin/zsh"], "SHELL=/bin/zsh"),
    ("env-dir", ["PWD=/srv/app", "OLDPWD=/var/www"], "PWD=/srv/app OLDPWD=/var/www"),
    ("env-dir", ["PATH=/usr/local/bin:/usr/bin:/bin"], "PATH=/usr/local/bin:/usr/bin:/bin"),
    ("env-dir", ["EDITOR=/usr/bin/vim"], "EDITOR=/usr/bin/vim"),
    ("env-dir", ["JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64"], "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64"),
    ("env-dir", ["CARGO_HOME=/usr/local/cargo"], "CARGO_HOME=/usr/local/cargo"),
    ("env-dir", ["HOMEBREW_PREFIX=/opt/homebrew"], "HOMEBREW_PREFIX=/opt/homebrew"),
    ("env-dir", ["/home: 92% used"], "df: /home: 92% used"),
    ("env-dir", ["WORKDIR /srv/app"], "Step 4/9 : WORKDIR /srv/app"),
    ("prose", ["token validation failed"], "token validation failed"),
    ("prose", ["token_count=5"], "token_count=5 max_tokens=4096"),
    ("prose", ["primary key"], "ERROR: column \"id\" is the primary key"),
    ("prose", ["duplicate key value violates unique constraint \"users_pkey\""], "ERROR: duplicate key value violates unique constraint \"users_pkey\""),
    ("prose", ["passed"], "test result: ok. 42 passed; 0 failed"),
    ("prose", ["bypass"], "cache bypass enabled for /healthz"),
    ("prose", ["SyntaxError: Unexpected token < in JSON at position 0"], "SyntaxError: Unexpected token < in JSON at position 0"),
    ("prose", ["KeyError: 'token'"], "KeyError: 'token'"),
    ("prose", ["password reset link expired"], "password reset link expired"),
    ("prose", ["Signature verification failed"], "Signature verification failed"),
    ("prose", ["session closed after 30s idle"], "session closed after 30s idle"),
    ("prose", ["cookie too large (8193 bytes)"], "cookie too large (8193 bytes)"),
    ("prose", ["CSRF token missing or incorrect"], "Forbidden (403): CSRF token missing or incorrect"),
    ("prose", ["secret manager unavailable"], "secret manager unavailable, retrying in 5s"),
    ("prose", ["Enter passphrase for key"], "Enter passphrase for key"),
    ("prose", ["NT AUTHORITY\\SYSTEM"], "service runs as NT AUTHORITY\\SYSTEM"),
    ("prose", ["BUILTIN\\Administrators"], "added to BUILTIN\\Administrators"),
    ("prose", ["User-Agent: curl/8.5.0"], "User-Agent: curl/8.5.0"),
    ("at-sign", ["git@github.com:example-org/widgets.git"], "fatal: could not read from git@github.com:example-org/widgets.git"),
    ("at-sign", ["lodash@4.17.21"], "npm WARN deprecated lodash@4.17.21"),
    ("at-sign", ["@types/node@20.11.5"], "added @types/node@20.11.5"),
    ("at-sign", ["No matching version found for react-dom@19.0.0-rc.1"], "npm ERR! notarget No matching version found for react-dom@19.0.0-rc.1"),
    ("at-sign", ["actions/checkout@v4"], "uses: actions/checkout@v4"),
    ("at-sign", ["@@ -12,7 +12,8 @@"], "@@ -12,7 +12,8 @@ fn main() {"),
    ("at-sign", ["@app.route(\"/health\")"], "@app.route(\"/health\")"),
    ("error-type", ["java.net.SocketTimeoutException: Read timed out"], "java.net.SocketTimeoutException: Read timed out"),
    ("error-type", ["ECONNREFUSED"], "Error: connect ECONNREFUSED"),
    ("error-type", ["psycopg2.OperationalError"], "psycopg2.OperationalError: could not connect to server"),
    ("error-type", ["System.IO.FileNotFoundException"], "System.IO.FileNotFoundException: Could not find file 'appsettings.json'"),
    ("error-type", ["error[E0502]", "src/main.rs:14:5"], "error[E0502]: cannot borrow `v` as mutable\n --> src/main.rs:14:5"),
    ("file-line", ["Makefile:23: recipe for target 'all' failed"], "make: *** Makefile:23: recipe for target 'all' failed"),
    ("file-line", ["app.py:17"], "warning at app.py:17"),
    ("file-line", ["index.js:3:9"], "at Object.<anonymous> (index.js:3:9)"),
    ("status", ["HTTP/1.1 503 Service Unavailable"], "HTTP/1.1 503 Service Unavailable"),
    ("status", ["status=404", "took 12ms"], "status=404 took 12ms"),
    ("port", ["localhost:3000"], "listening on http://localhost:3000"),
    ("port", ["0.0.0.0:8080"], "bind 0.0.0.0:8080"),
    ("port", ["port 5432"], "could not connect to server on port 5432"),
    ("number", ["1710408413"], "ts=1710408413 seq=4812"),
    ("number", ["0x7ffd5fbff8c0"], "segfault at 0x7ffd5fbff8c0"),
    ("number", ["10.0.19045.3930"], "Windows build 10.0.19045.3930"),
    ("number", ["Content-Length: 1048576"], "Content-Length: 1048576"),
    ("number", ["2026-03-14 09:26:53.123456+00:00"], "at 2026-03-14 09:26:53.123456+00:00"),
    ("number", ["(+12 ms)"], "query done (+12 ms)"),
    ("number", ["pid 12345", "exit code 137"], "pid 12345 killed, exit code 137"),
    ("number", ["1,048,576 bytes"], "wrote 1,048,576 bytes"),
]

PUBLIC = ["api.github.com", "registry.npmjs.org", "pypi.org", "files.pythonhosted.org", "crates.io",
          "static.crates.io", "proxy.golang.org", "repo.maven.apache.org", "dl-cdn.alpinelinux.org",
          "deb.debian.org", "archive.ubuntu.com", "ghcr.io", "registry-1.docker.io", "quay.io",
          "api.stripe.com", "storage.googleapis.com", "s3.amazonaws.com", "login.microsoftonline.com"]


def build():
    f = Family("guard")
    for variant, kept, text in FIXED:
        f.case(variant, text, [], kept)
    for i in range(12):
        value = luhn_hex(f)
        text = f.pick([f"sha256:{value}", f"digest {value} verified", f"\"etag\": \"{value}\"",
                       f"docker pull app@sha256:{value}"])
        f.case("luhn-hex", text, [], [value])
    for i in range(12):
        commit = f.token(HEX, 40)
        short = commit[:f.pick([7, 8, 12])]
        text, kept = f.pick([
            (f"HEAD is now at {short} fix flaky test", [short]),
            (f"Merge commit {commit} into main", [commit]),
            (f"built from {commit} in 42s", [commit]),
            (f"request_id={uuid(f)}", None),
            (f"trace_id={f.token(HEX, 32)} span_id={f.token(HEX, 16)}", None),
        ])
        if kept is None:
            kept = [text]
        f.case("hash-uuid", text, [], kept)
    for i in range(8):
        text = f.pick([f"x-request-id: req_{f.token(HEX, 32)}", f"x-amz-request-id: {f.token(HEX.upper(), 16)}",
                       f"traceparent: 00-{f.token(HEX, 32)}-{f.token(HEX, 16)}-01", f"ETag: \"{f.token(HEX, 32)}\""])
        f.case("hash-uuid", text, [], [text.split(": ", 1)[1]])
    for i in range(10):
        u = uuid(f)
        f.case("hash-uuid", f.pick([f"job {u} failed", f"container {u} exited (137)", f"order {u} not found"]), [], [u])
    for i, host in enumerate(PUBLIC):
        path = f.pick(["/v1/repos/example-org/widgets", "/simple/requests/", "/packages/core/1.2.3",
                       "/latest-stable/main/x86_64/APKINDEX.tar.gz"])
        text = f.pick([f"GET https://{host}{path} -> 503", f"could not connect to {host}:443",
                       f"fetch failed: {host} timed out after 30s"])
        f.case("public-host", text, [], [host] + ([path] if path in text else []))
    for i in range(16):
        v = version(f)
        text = f.pick([f"upgraded to version {v}", f"requires python>={v}", f"node v{v} (npm {version(f)})",
                       f"go{v} linux/amd64", f"rustc {v} (2026-02-13)", f"OpenSSL {v} 30 Jan 2026"])
        f.case("version", text, [], [v])
    for i in range(10):
        secret = f.mixed("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 14)
        text = (f"Server=db.example.com;User ID=svc;Password={secret};"
                f"Database=orders;Encrypt=True;TrustServerCertificate=False")
        f.case("after-password", text, [secret], ["Database=orders", "Encrypt=True", "TrustServerCertificate=False"])
    return f.cases
