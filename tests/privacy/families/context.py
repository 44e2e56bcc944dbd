"""Credentials introduced by a word, whatever the syntax: Authorization with every scheme,
cookies, shell assignments and flags, name/value forms with compound names in every config
syntax, and connection strings (whose other fields must survive)."""

from .contexts import BLOCK, MESSAGE, each
from .synth import ALNUM, B64URL, HEX, Family, b64, fragment

PASSWORD_CHARS = ALNUM + "!#%^*-_.~"
WORDS = ["amber", "lantern", "harbor", "quiver", "meadow", "cobalt", "juniper", "falcon", "tundra",
         "saffron", "orchid", "granite", "velvet", "ember", "lagoon", "pewter"]


def password(f):
    """A password as people choose them: random, word-and-digits, or with symbols."""
    kind = f.rng.randint(0, 2)
    if kind == 0:
        return f.mixed(PASSWORD_CHARS, f.rng.randint(10, 20))
    if kind == 1:
        return f.pick(WORDS).capitalize() + f.pick(WORDS) + str(f.rng.randint(10, 9999)) + f.pick("!?#$")
    return f.mixed(ALNUM, f.rng.randint(24, 40))


def url_password(f):
    """A password as it appears in a URL: unreserved characters only, since anything else
    (`#`, `?`, `@`, `%`) would have to be percent-encoded there."""
    return f.mixed(ALNUM + "-._~", f.rng.randint(10, 24))


def gone_secret(value):
    return [value, fragment(value)] if len(value) >= 32 else [value]


def authorization(f):
    for i in range(60):
        scheme = ["Bearer", "Basic", "Digest", "SSWS", "ApiKey", "Token", "AWS4", "Negotiate",
                  "NTLM", "Splunk", "GenieKey", "Bot", "OAuth", "token="][i % 14]
        user = f.pick(["svc-deploy", "kalani.r", "build-bot", "m.okafor"])
        if scheme == "Basic":
            secret = b64(f"{user}:{password(f)}".encode())
            value, gone = f"Basic {secret}", [secret]
        elif scheme == "Digest":
            response = f.token(HEX, 32)
            value = (f'Digest username="{user}", realm="api@example.com", nonce="{f.token(HEX, 32)}", '
                     f'uri="/v1/orders", qop=auth, nc=00000001, cnonce="{f.token(HEX, 8)}", response="{response}"')
            gone = [response, user]
        elif scheme == "AWS4":
            key_id = "AKIA" + f.token("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
            signature = f.token(HEX, 64)
            value = (f"AWS4-HMAC-SHA256 Credential={key_id}/20260314/us-east-1/s3/aws4_request, "
                     f"SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={signature}")
            gone = [key_id, signature, fragment(signature)]
        elif scheme in ("Splunk", "GenieKey"):
            guid = f"{f.token(HEX, 8)}-{f.token(HEX, 4)}-{f.token(HEX, 4)}-{f.token(HEX, 4)}-{f.token(HEX, 12)}"
            value, gone = f"{scheme} {guid}", [guid]
        elif scheme == "token=":
            secret = f.mixed(ALNUM, 32)
            value, gone = f'Token token="{secret}"', gone_secret(secret)
        elif scheme in ("Negotiate", "NTLM"):
            secret = ("TlRMTVNTUAAB" if scheme == "NTLM" else "YIIGhgYGKwYBBQUCoIIGejCC") + f.token(ALNUM + "+/", 60)
            value, gone = f"{scheme} {secret}", [secret, fragment(secret)]
        elif scheme == "SSWS":
            secret = "00" + f.mixed(B64URL, 40)
            value, gone = f"SSWS {secret}", gone_secret(secret)
        else:
            secret = f.mixed(ALNUM + "._-", f.pick([20, 32, 40, 64]))
            value, gone = f"{scheme} {secret}", gone_secret(secret)
        header = f.pick(["Authorization", "authorization", "AUTHORIZATION", "Proxy-Authorization"])
        shape = i % 6
        if shape == 0:
            text = f"> GET /v1/orders HTTP/1.1\n> Host: api.example.com\n> {header}: {value}\n> Accept: */*\n< HTTP/1.1 401 Unauthorized"
            kept = ["GET /v1/orders HTTP/1.1", "Host: api.example.com", "HTTP/1.1 401 Unauthorized"]
        elif shape == 1:
            text = f"curl -sS -H '{header}: {value}' https://api.example.com/v2/items?page=3"
            kept = ["https://api.example.com/v2/items?page=3"]
        elif shape == 2:
            text = f"request headers: {{'{header}': '{value}', 'Accept': 'application/json'}}"
            kept = ["'Accept': 'application/json'"]
        elif shape == 3:
            text = '{"headers":{"' + header.lower() + '":"' + value.replace('"', '\\"') + '","x-request-id":"r-42"},"status":401}'
            kept = ['"x-request-id":"r-42"', '"status":401']
        else:
            text, kept = each(f, f"{header}: {value}", BLOCK)
        f.case(f"authorization-{scheme.lower().rstrip('=')}", text, gone, kept)


COOKIES = [("sessionid", lambda f: f.token(ALNUM.lower(), 32)),
           ("PHPSESSID", lambda f: f.token(HEX + "ghijklmnopqrstuv", 26)),
           ("connect.sid", lambda f: "s%3A" + f.mixed(B64URL, 32) + "." + f.mixed(ALNUM + "%2B", 43)),
           ("laravel_session", lambda f: "eyJpdiI6I" + f.mixed(ALNUM, 60) + "%3D%3D"),
           ("_rails_session", lambda f: f.mixed(ALNUM + "%2B", 80) + "--" + f.token(HEX, 40)),
           ("JSESSIONID", lambda f: f.token("0123456789ABCDEF", 32)),
           ("ASP.NET_SessionId", lambda f: f.token("abcdefghijklmnopqrstuvwxyz012345", 24)),
           ("__Secure-next-auth.session-token", lambda f: "eyJhbGciOiJkaXIi" + f.mixed(B64URL, 60)),
           ("_gh_sess", lambda f: f.mixed(ALNUM + "%2F", 60)),
           ("remember_user_token", lambda f: f.mixed(B64URL, 48)),
           ("sid", lambda f: f.mixed(B64URL, 24)),
           ("AWSALB", lambda f: f.mixed(ALNUM + "+/", 88))]


def cookies(f):
    for i in range(48):
        name, make = COOKIES[i % len(COOKIES)]
        value = make(f)
        csrf = f.mixed(ALNUM, 32)
        gone = gone_secret(value)
        shape = i % 6
        if shape == 0:
            text = f"> Cookie: {name}={value}; csrftoken={csrf}\n< HTTP/2 403"
            gone = gone + [csrf]
            kept = ["HTTP/2 403"]
        elif shape == 1:
            text = f"< HTTP/1.1 302 Found\n< Set-Cookie: {name}={value}; Path=/; HttpOnly; Secure; SameSite=Lax\n< Location: /dashboard"
            kept = ["HTTP/1.1 302 Found", "Location: /dashboard"]
        elif shape == 2:
            text = f"<RequestsCookieJar[<Cookie {name}={value} for .example.com/>]>"
            kept = ["RequestsCookieJar"]
        elif shape == 3:
            text = f"curl -b '{name}={value}' https://app.example.com/api/me"
            kept = ["https://app.example.com/api/me"]
        elif shape == 4:
            text = f'document.cookie = "{name}={value}; path=/"'
            kept = ["document.cookie"]
        else:
            text, kept = each(f, f"cookie: {name}={value}", MESSAGE)
        f.case(f"cookie-{name.lower()}", text, gone, kept)


SHELL_NAMES = ["DB_PASS", "DB_PASSWORD", "PGPASSWORD", "MYSQL_PWD", "API_KEY", "GITHUB_TOKEN",
               "SIGNING_KEY", "STRIPE_SECRET", "SESSION_SECRET", "JWT_SECRET", "AUTH_TOKEN",
               "NPM_TOKEN", "SECRET_KEY_BASE", "OAUTH_CLIENT_SECRET", "ENCRYPTION_KEY",
               "SMTP_PASS", "REDIS_AUTH", "SENTRY_AUTH_TOKEN", "WEBHOOK_SECRET", "APP_KEY",
               "DJANGO_SECRET_KEY", "MASTER_KEY", "VAULT_TOKEN", "ACCESS_KEY", "CREDENTIALS"]


def shell(f):
    for i, name in enumerate(SHELL_NAMES * 2):
        value = password(f)
        form = i % 10
        text = {
            0: f"export {name}='{value}'",
            1: f'export {name}="{value}"',
            2: f"$env:{name} = \"{value}\"",
            3: f"set {name}={value}",
            4: f"{name}={value} ./bin/deploy --region eu-west-1",
            5: f"docker run --rm -e {name}={value} -p 8080:8080 ghcr.io/example/app:1.4.2",
            6: f"+ export {name}={value}",
            7: f"$Env:{name}='{value}'",
            8: f"setx {name} \"{value}\"",
            9: f"env: {name}={value} HOSTNAME=web-1",
        }[form]
        kept = {4: ["./bin/deploy --region eu-west-1"], 5: ["-p 8080:8080", "ghcr.io/example/app:1.4.2"],
                9: ["HOSTNAME=web-1"]}.get(form, [name])
        f.case("shell-assignment", text, gone_secret(value), kept)
    user = ["deploy", "svc_backup", "ci-runner"]
    for i in range(42):
        value = password(f)
        u = f.pick(user)
        form = i % 14
        text, kept = {
            0: (f"mysql -h db.example.com -u{u} -p{value} orders", ["db.example.com", "orders"]),
            1: (f"mysqldump -uroot -p{value} --single-transaction shop", ["--single-transaction shop"]),
            2: (f"$ ./manage.py createsuperuser --password {value} --noinput", ["--noinput"]),
            3: (f"psql --host=db.example.com --password={value} --dbname=app", ["--dbname=app"]),
            4: (f"curl -u {u}:{value} https://api.example.com/v1/export", ["https://api.example.com/v1/export"]),
            5: (f"sshpass -p '{value}' ssh -o StrictHostKeyChecking=no host.example.com", ["StrictHostKeyChecking=no"]),
            6: (f"docker login --username {u} --password {value} registry.example.com", ["registry.example.com"]),
            7: (f"gh auth login --with-token {value}", ["gh auth login"]),
            8: (f"vault login -method=userpass username={u} password={value}", ["-method=userpass"]),
            9: (f"app --api-key={value} --timeout=30s", ["--timeout=30s"]),
            10: (f"openssl pkcs12 -export -in cert.pem -passout pass:{value} -out bundle.p12", ["-out bundle.p12"]),
            11: (f"redis-cli -h cache.example.com -p 6379 -a {value} PING", ["-p 6379", "PING"]),
            12: (f"zip -P {value} -r backup.zip ./data", ["-r backup.zip ./data"]),
            13: (f"curl --header \"PRIVATE-TOKEN: {value}\" https://gitlab.example.com/api/v4/projects", ["https://gitlab.example.com/api/v4/projects"]),
        }[form]
        f.case("command-line", text, gone_secret(value), kept)


NAMES = ["signing_key", "db_pass", "client_secret", "refresh_token", "access_token", "api_secret",
         "privateKey", "clientSecret", "refreshToken", "authToken", "webhookSecret", "encryption_key",
         "session_secret", "master_password", "smtp_password", "passphrase", "bot_token", "app_secret",
         "subscription_key", "hmac_key", "credential", "auth", "secret"]
HEADERS = ["X-Api-Key", "Ocp-Apim-Subscription-Key", "X-Auth-Token", "X-Vault-Token", "api-key",
           "x-functions-key", "X-Shopify-Access-Token", "X-Goog-Api-Key", "X-Access-Token",
           "X-Signature", "X-Hub-Signature-256", "x-amz-security-token"]


def name_value(f):
    for i, name in enumerate(NAMES * 3):
        value = password(f)
        form = i % 12
        text, kept = {
            0: (f"{name}: {value}\nlog_level: info", ["log_level: info"]),
            1: (f'{name}: "{value}"\nreplicas: 3', ["replicas: 3"]),
            2: ('{"' + name + '": "' + value + '", "region": "eu-west-1"}', ['"region": "eu-west-1"']),
            3: (f'[auth]\n{name} = "{value}"\ntimeout = 30', ["timeout = 30"]),
            4: (f"{name.upper()}={value}\nPORT=8080", ["PORT=8080"]),
            5: (f"Config({name}='{value}', retries=3)", ["retries=3"]),
            6: (f"{{:{name}=>\"{value}\", :pool=>5}}", [":pool=>5"]),
            7: (f"'{name}' => '{value}',", []),
            8: (f"<{name}>{value}</{name}>", []),
            # key="…" names a setting here, but a rule may fairly read it as a secret.
            9: (f'<add key="{name}" value="{value}" />', []),
            10: (f"spring.datasource.{name}={value}", ["spring.datasource"]),
            11: (f"&{{Name:svc {name.capitalize()}:{value} Port:5432}}", ["Port:5432"]),
        }[form]
        f.case("name-value", text, gone_secret(value), kept)
    for i, header in enumerate(HEADERS * 4):
        value = f.mixed(f.pick([ALNUM, HEX, B64URL]), f.pick([24, 32, 40])) if i % 3 else password(f)
        text, kept = each(f, f"{header}: {value}", BLOCK)
        f.case("header", text, gone_secret(value), kept)


def connection_strings(f):
    for i in range(48):
        form = i % 8
        secret = url_password(f) if form == 4 else password(f)
        user = f.pick(["svc_orders", "app", "reporting", "etl_job"])
        db = f.pick(["orders", "app", "billing", "inventory"])
        text, kept = {
            0: (f"Server=tcp:db.example.com,1433;Initial Catalog={db};Persist Security Info=False;User ID={user};Password={secret};MultipleActiveResultSets=False;Encrypt=True;",
                [f"Initial Catalog={db}", "Encrypt=True", "MultipleActiveResultSets=False"]),
            1: (f"Host=db.example.com;Port=5432;Username={user};Password={secret};Database={db}", [f"Database={db}", "Port=5432"]),
            2: (f"Data Source=db.example.com;User Id={user};Pwd={secret};Database={db};Pooling=true", [f"Database={db}", "Pooling=true"]),
            3: (f"DRIVER={{ODBC Driver 18 for SQL Server}};SERVER=db.example.com;UID={user};PWD={secret};DATABASE={db}", [f"DATABASE={db}", "ODBC Driver 18 for SQL Server"]),
            4: (f"jdbc:mysql://db.example.com:3306/{db}?user={user}&password={secret}&useSSL=true", ["useSSL=true", f":3306/{db}"]),
            5: (f"server=db.example.com;uid={user};pwd={secret};database={db};sslmode=Required", [f"database={db}", "sslmode=Required"]),
            6: (f"Endpoint=sb://orders-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={b64(f.token(ALNUM, 32).encode())}",
                ["SharedAccessKeyName=RootManageSharedAccessKey"]),
            7: (f"host=db.example.com port=5432 dbname={db} user={user} password={secret} sslmode=require", [f"dbname={db}", "sslmode=require"]),
        }[form]
        if form == 6:
            secret = text.rsplit("SharedAccessKey=", 1)[1]
        wrapped, more = each(f, text, [lambda f, s: (s, []), lambda f, s: (f"connection failed: {s}", ["connection failed"]),
                                       lambda f, s: (f'"ConnectionStrings": {{ "Default": "{s}" }}', ['"ConnectionStrings"'])])
        f.case("connection-string", wrapped, gone_secret(secret), kept + more)


def dotfiles(f):
    """Credential files pasted into an error report: .netrc, .npmrc, .pypirc, pip.conf,
    .git-credentials, .env."""
    for i in range(28):
        form = i % 7
        secret = password(f) if i % 2 else f.mixed(ALNUM, 36)
        if form in (3, 4):
            secret = url_password(f)
        user = f.pick(["deploy", "ci-bot", "svc-pub"])
        text, kept = {
            0: (f"machine api.example.com\n  login {user}\n  password {secret}", ["machine api.example.com"]),
            1: (f"//registry.npmjs.org/:_authToken={secret}\nregistry=https://registry.npmjs.org/", ["registry=https://registry.npmjs.org/"]),
            2: (f"[pypi]\nusername = __token__\npassword = {secret}\nrepository = https://upload.pypi.org/legacy/", ["repository = https://upload.pypi.org/legacy/"]),
            3: (f"[global]\nindex-url = https://{user}:{secret}@pkgs.example.com/simple/\ntimeout = 60", ["timeout = 60", "pkgs.example.com/simple/"]),
            4: (f"https://{user}:{secret}@github.com", ["github.com"]),
            5: (f"# .env\nNODE_ENV=production\nSTRIPE_WEBHOOK_SECRET={secret}\nPORT=3000", ["NODE_ENV=production", "PORT=3000"]),
            6: (f"# redis.conf\nport 6379\nrequirepass {secret}\nmaxmemory 256mb", ["port 6379", "maxmemory 256mb"]),
        }[form]
        f.case("dotfile", text, gone_secret(secret), kept)


def oauth_responses(f):
    """Token endpoint responses, as HTTP client debug logs print them."""
    for i in range(16):
        access = f.mixed(B64URL, f.pick([40, 64, 120]))
        refresh = f.mixed(B64URL, f.pick([40, 64]))
        body = ('{"access_token":"' + access + '","token_type":"Bearer","expires_in":3600,'
                + ('"refresh_token":"' + refresh + '",' if i % 2 else "") + '"scope":"read write"}')
        text = f.pick([f"< HTTP/1.1 200 OK\n< Content-Type: application/json\n<\n{body}",
                       f"DEBUG token response: {body}", f"POST https://auth.example.com/oauth/token -> 200 {body}"])
        gone = gone_secret(access) + (gone_secret(refresh) if i % 2 else [])
        f.case("oauth-response", text, gone, ['"token_type":"Bearer"', '"expires_in":3600', '"scope":"read write"'])


def passphrases(f):
    """Multi-word secrets in quotes: a rule that stops at the first space leaks the rest."""
    for i in range(16):
        words = [f.pick(WORDS) for _ in range(4)]
        phrase = " ".join(words)
        name = f.pick(["DB_PASS", "passphrase", "KEY_PASSPHRASE", "password", "vault_password"])
        text = f.pick([f"export {name}='{phrase}'", f'{name}: "{phrase}"', f'{{"{name}": "{phrase}"}}',
                       f'$env:{name} = "{phrase}"', f"{name} = '{phrase}'"])
        f.case("passphrase", text, [phrase, " ".join(words[1:]), " ".join(words[2:])], [])


def build():
    f = Family("context")
    authorization(f)
    cookies(f)
    shell(f)
    name_value(f)
    connection_strings(f)
    dotfiles(f)
    oauth_responses(f)
    passphrases(f)
    return f.cases
