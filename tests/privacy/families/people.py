"""User names outside paths: environment variables, DOMAIN\\user, database and PAM messages,
connection strings, query strings, command-line flags; user@host forms that are not e-mails
(ssh key comments, prompts, scp/ssh/rsync targets); e-mails percent-encoded and
internationalized."""

from urllib.parse import quote

from .contexts import MESSAGE, each
from .synth import B64, Family

LOGINS = ["bjorn.l", "dagny", "emeka", "fenna", "giulia.r", "haruki", "jovan", "kalani", "lorcan",
          "maeve", "oskar_b", "priya-s", "tbartholomew", "mwanjiru", "svetlana", "rahul.k",
          "aoife", "xochitl", "wojtek", "nkechi"]
DOMAINS = ["CORP", "ACME", "EXAMPLE", "AD", "CONTOSO-EU"]
HOSTS = ["devbox", "build-07", "thinkpad", "ws-114", "jumpbox", "nuc"]


def environment(f):
    for i, login in enumerate(LOGINS * 2):
        var = ["USER", "LOGNAME", "USERNAME", "SUDO_USER", "USER", "GIT_COMMITTER_NAME"][i % 6]
        if var == "GIT_COMMITTER_NAME":
            var = "PGUSER"
        text, kept = each(f, f.pick([f"{var}={login}", f"{var}: {login}", f"export {var}={login}",
                                     f"$env:{var} = '{login}'", f"{var}=\"{login}\""]), MESSAGE)
        f.case("env", text, [login], kept)


def accounts(f):
    for i, login in enumerate(LOGINS * 3):
        domain = f.pick(DOMAINS)
        ip = f.doc_ip()
        port = f.rng.randint(30000, 65000)
        form = i % 18
        text, kept = {
            0: (f"Logon failure: {domain}\\{login} (0xC000006D)", ["Logon failure", "0xC000006D"]),
            1: (f"runas /user:{domain}\\{login} cmd.exe", ["cmd.exe"]),
            2: (f"ERROR 1045 (28000): Access denied for user '{login}'@'localhost' (using password: YES)",
                ["ERROR 1045 (28000)", "using password: YES"]),
            3: (f'FATAL:  password authentication failed for user "{login}"', ["password authentication failed"]),
            4: (f"Login failed for user '{domain}\\{login}'. Reason: Password did not match.", ["Password did not match"]),
            5: (f"sshd[2231]: Invalid user {login} from {ip} port {port}", ["sshd[2231]", "Invalid user"]),
            6: (f"pam_unix(sshd:session): session opened for user {login}(uid=1001) by (uid=0)", ["pam_unix(sshd:session)", "(uid=0)"]),
            7: (f"sudo: {login} : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/srv/app ; COMMAND=/usr/bin/systemctl restart nginx",
                ["3 incorrect password attempts", "PWD=/srv/app", "COMMAND=/usr/bin/systemctl restart nginx"]),
            8: (f"chown: invalid user: '{login}'", ["chown: invalid user"]),
            9: (f"psql -h db.example.com -U {login} -d orders", ["db.example.com", "-d orders"]),
            10: (f"docker login --username {login} registry.example.com", ["registry.example.com"]),
            11: (f"GET /api/v1/search?user={login}&page=2 HTTP/1.1\" 200 1432", ["page=2", "\" 200 1432"]),
            12: (f"https://app.example.com/reset?username={login}&lang=en", ["lang=en", "https://app.example.com/reset"]),
            13: (f"Server=db.example.com;Database=orders;User ID={login};Password=;", ["Database=orders"]),
            14: (f"sudo -u {login} /usr/local/bin/backup --full", ["/usr/local/bin/backup --full"]),
            15: (f"useradd: user '{login}' already exists", ["already exists"]),
            16: (f"Driver={{PostgreSQL Unicode}};Server=db.example.com;UID={login};Database=app;", ["Database=app", "Server=db.example.com"]),
            17: (f"git -c user.name={login} commit -m 'wip'", ["commit -m 'wip'"]),
        }[form]
        f.case("account", text, [login], kept)


def user_at_host(f):
    for i, login in enumerate(LOGINS * 2):
        host = f.pick(HOSTS)
        ip = f.doc_ip()
        form = i % 10
        key = "AAAAC3NzaC1lZDI1NTE5AAAAI" + f.token(B64, 43)
        text, kept = {
            0: (f"ssh-ed25519 {key} {login}@{host}", ["ssh-ed25519"]),
            1: (f"{login}@{host}:~/src/app$ make test\nmake: *** [Makefile:12: test] Error 2", ["[Makefile:12: test] Error 2"]),
            2: (f"[{login}@{host} ~]$ systemctl status nginx", ["systemctl status nginx"]),
            3: (f"scp dist.tar.gz deploy-{login}@{ip}:/srv/releases/", ["dist.tar.gz", "/srv/releases/"]),
            4: (f"ssh -l {login} -p 2222 bastion.example.com", ["-p 2222", "bastion.example.com"]),
            5: (f"rsync -av ./build/ {login}@{host}.example.com:/var/www/site/", ["./build/", "/var/www/site/"]),
            6: (f"Connection closed by authenticating user {login} {ip} port 50122 [preauth]", ["port 50122 [preauth]"]),
            7: (f"Permission denied (publickey) for {login}@{host}", ["Permission denied (publickey)"]),
            8: (f"PS C:\\> Enter-PSSession -ComputerName srv01 -Credential {login}", ["Enter-PSSession"]),
            9: (f"git push {login}@{host}.example.com:repos/app.git main", ["repos/app.git main"]),
        }[form]
        f.case("user-at-host", text, [login], kept)


IDN = [("josé.álvarez", "example.com"), ("ünal", "example.test"), ("δοκιμή", "παράδειγμα.δοκιμή"),
       ("аня.петрова", "пример.испытание"), ("用户", "例子.测试"), ("pelé", "example.org"),
       ("søren.k", "xn--bcher-kva.example"), ("zoë+alerts", "example.co.uk")]


def emails(f):
    for i in range(40):
        form = i % 8
        if form in (0, 1, 2, 3):
            local = f.pick(["alice.smith", "r.okafor", "lorcan+ci", "maeve_o", "k.tanaka"]) + str(f.rng.randint(2, 99))
            domain = f.pick(["example.com", "mail.example.org", "example.test"])
            enc = quote(f"{local}@{domain}", safe="")
            if form == 1:
                enc = enc.replace("%40", "%40".lower())
            text = [f"GET /unsubscribe?email={enc}&list=7 HTTP/1.1",
                    f"mailto:{enc}?subject=Build%20failed",
                    f"redirect_uri=https%3A%2F%2Fapp.example.com%2Fwelcome%3Femail%3D{enc}",
                    f"login_hint={enc}&prompt=consent"][form]
            gone = [enc, quote(local, safe="")]
            kept = {0: ["list=7"], 1: ["subject=Build%20failed"], 2: ["app.example.com"], 3: ["prompt=consent"]}[form]
        else:
            local, domain = IDN[i % len(IDN)]
            address = f"{local}@{domain}"
            text, kept = each(f, f.pick([f"notify {address} when done", f"From: {address}",
                                         f"invalid recipient <{address}>", f"owner={address}"]), MESSAGE)
            gone = [address, local]
        f.case("email-encoded" if form < 4 else "email-international", text, gone, kept)


def build():
    f = Family("people")
    environment(f)
    accounts(f)
    user_at_host(f)
    emails(f)
    return f.cases
