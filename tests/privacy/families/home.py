"""Home directories under any prefix, any case, either slash, any drive, any depth, inside URLs
and percent-encoded. The planted value is the user name (and each part of a name with spaces);
the useful values are the file name and line number, and the text around the path."""

from urllib.parse import quote

from .contexts import MESSAGE, each
from .synth import Family

USERS = ["alice", "bjorn", "chandra", "dagny", "emeka", "fenna", "giulia", "haruki", "inesv",
         "jovan", "kalani", "lorcan", "maeve", "nadia.k", "oskar_b", "priya-s", "søren", "zoë",
         "tbartholomew", "mwanjiru"]
SPACED = ["Marta Kowalczyk", "Ravi Shankaran", "Ingrid Lindqvist", "Chidi Okafor", "Yui Takahashi"]
FILES = [("main.py", "py"), ("index.ts", "js"), ("Program.cs", "cs"), ("handler.go", "go"),
         ("lib.rs", "rs"), ("App.java", "java"), ("config.yaml", "data"), ("build.log", "data"),
         ("order.rb", "rb"), ("index.php", "php")]
DEEP = ["src/app/services/billing/internal", "work/clients/acme/api/v2/handlers", "a/b/c/d/e",
        "projects/2026/q1/migration/scripts", "code/monorepo/packages/core/src/lib"]
SHALLOW_PARENTS = ["", "src", "Desktop", "Downloads", "dev"]


def gone(user, text=None):
    """The user name, each part of a name with spaces, and its percent-encoded form, as far as
    they appear in the text."""
    forms = [user, *user.split(" "), quote(user), quote(user, safe="")]
    forms = list(dict.fromkeys(forms))
    present = [form for form in forms if text is None or form in text]
    assert present, (user, text)
    return present


def posix_home(f, user):
    if " " in user:
        # Unix logins have no spaces; a name with spaces is a Windows profile seen from WSL.
        return f"/mnt/{f.pick('cdc')}/Users/{user}"
    return f.pick([f"/home/{user}", f"/var/home/{user}", f"/usr/home/{user}",
                   f"/export/home/{user}", f"/data/home/{user}", f"/nfs/home/{user}",
                   f"/Users/{user}", f"/users/{user}", f"/mnt/c/Users/{user}",
                   f"/mnt/d/Users/{user}", f"/volume1/homes/{user}", f"/HOME/{user}"])


def windows_home(f, user):
    drive = f.pick("CCCDEZ")
    lower = drive.lower()
    if " " in user:
        return f.pick([f"{drive}:\\Users\\{user}", f"{lower}:\\users\\{user}", f"{drive}:/Users/{user}",
                       f"\\\\?\\{drive}:\\Users\\{user}", f"{drive}:\\Documents and Settings\\{user}",
                       f"\\\\fs01.corp.example\\home$\\{user}"])
    return f.pick([f"{drive}:\\Users\\{user}", f"{lower}:\\users\\{user}", f"{drive}:/Users/{user}",
                   f"{drive}:\\USERS\\{user}", f"\\\\?\\{drive}:\\Users\\{user}",
                   f"{drive}:\\Documents and Settings\\{user}",
                   f"\\\\wsl$\\Ubuntu\\home\\{user}", f"\\\\wsl.localhost\\Debian\\home\\{user}",
                   f"\\\\wsl$\\Ubuntu-22.04\\home\\{user}", f"\\\\fs01.corp.example\\home$\\{user}",
                   f"\\\\nas\\homes\\{user}", f"\\\\?\\UNC\\filer.example.test\\users\\{user}"])


def join(home, rest):
    sep = "\\" if "\\" in home else "/"
    return home + sep + rest.replace("/", sep) if rest else home


def frame(f, path, name, kind):
    line = f.rng.randint(2, 999)
    col = f.rng.randint(1, 80)
    if kind == "py":
        return f'  File "{path}", line {line}, in load', [f'{name}", line {line}, in load']
    if kind == "js":
        return f"    at Object.<anonymous> ({path}:{line}:{col})", [f"{name}:{line}:{col}", "Object.<anonymous>"]
    if kind == "cs":
        return f"   at App.Program.Main() in {path}:line {line}", [f"{name}:line {line}", "App.Program.Main()"]
    if kind == "go":
        return f"main.run(...)\n\t{path}:{line} +0x1d", [f"{name}:{line} +0x1d", "main.run(...)"]
    if kind == "rs":
        return f"   3: app::load\n             at {path}:{line}:{col}", [f"{name}:{line}:{col}", "app::load"]
    if kind == "rb":
        return f"\tfrom {path}:{line}:in 'save'", [f"{name}:{line}:in 'save'"]
    if kind == "php":
        return f"#1 {path}({line}): App\\Kernel->handle()", [f"{name}({line})", "App\\Kernel->handle()"]
    if kind == "java":
        return f"\tat com.example.App.main(App.java:{line}) [file:{path}]", [f"App.java:{line}"]
    return f"cannot open '{path}': No such file or directory", [name, "No such file or directory"]


def build():
    f = Family("home")
    users = USERS + SPACED
    # Paths of every depth under every prefix, as trace frames and in messages.
    for i, user in enumerate(users * 3):
        home = windows_home(f, user) if i % 2 else posix_home(f, user)
        name, kind = FILES[i % len(FILES)]
        depth = i % 3
        rest = {0: f"{f.pick(DEEP)}/{name}", 1: f"{f.pick(SHALLOW_PARENTS)}/{name}".lstrip("/"), 2: name}[depth]
        text, kept = frame(f, join(home, rest), name, kind)
        if i % 4 == 3:
            text, more = each(f, text.strip(), MESSAGE)
            kept = kept + more
        f.case(f"{'windows' if i % 2 else 'posix'}-depth{depth}", text, gone(user, text), kept)
    # The home itself, with nothing after it, at the end of a line and before punctuation.
    for i, user in enumerate(users):
        home = windows_home(f, user) if i % 2 else posix_home(f, user)
        text = f.pick([f"cd {home}", f"HOME={home}", f"chdir to {home}: permission denied",
                       f"workspace '{home}' is not a git repository", f"USERPROFILE={home};",
                       f"{home}> npm install", f"({home})"])
        f.case("bare-home", text, gone(user, text), [])
    # Inside URLs and editor links.
    for i, user in enumerate(users):
        name = FILES[i % len(FILES)][0]
        line = f.rng.randint(2, 999)
        shown = quote(user) if " " in user or i % 2 else user
        win = f"C:/Users/{shown}"
        posix = f"/mnt/c/Users/{shown}" if " " in user else f"/home/{shown}" if i % 3 else f"/Users/{shown}"
        text = f.pick([
            f"open file://{posix}/src/{name} failed",
            f"see file:///{win}/source/repos/app/{name}",
            f"vscode://file{posix}/src/{name}:{line}:4",
            f"vscode://file/{win}/dev/{name}:{line}",
            f"idea://open?file={posix}/IdeaProjects/app/{name}&line={line}",
            f"http://localhost:8000/preview?path={posix}/docs/{name}&mode=raw",
            f"subl://open?url=file://{posix}/notes/{name}&line={line}",
            f"jetbrains://idea/navigate/reference?project=app&path={posix}/app/{name}:{line}",
            f"<a href=\"file://{posix}/report/{name}\">report</a>",
        ])
        f.case("in-url", text, gone(user, text), [name])
    # Percent-encoded, once and twice, upper and lower case escapes.
    for i, user in enumerate(users):
        name = FILES[i % len(FILES)][0]
        raw = f.pick([f"{posix_home(f, user)}/proj/{name}", f"C:\\Users\\{user}\\proj\\{name}"])
        enc = quote(raw, safe="")
        if i % 3 == 1:
            enc = enc.lower().replace(quote(user, safe="").lower(), quote(user, safe=""))
        if i % 5 == 4:
            enc = quote(enc, safe="")
        text, kept = f.pick([(f"GET /api/open?file={enc}&line=12 HTTP/1.1", ["&line=12 HTTP/1.1"]),
                             (f"302 redirect to /edit/{enc}", ["302 redirect to"]),
                             (f"callback=https%3A%2F%2Fexample.com%2Fcb&path={enc}&v=2", ["callback=https%3A%2F%2Fexample.com%2Fcb", "&v=2"])])
        f.case("percent-encoded", text, gone(user, text), kept)
    # JSON-escaped Windows paths, as in a JSON log or a launch.json dump.
    for user in users[:12]:
        path = f"C:\\\\Users\\\\{user}\\\\AppData\\\\Roaming\\\\Code\\\\User\\\\settings.json"
        text = '{"event":"config_load","path":"' + path + '","ok":false}'
        f.case("json-escaped", text, gone(user, text),
               ["settings.json", '"ok":false'])
    # The running user's own home (/srv/staff/quinn, not under any home-like folder), in the
    # forms a plain string comparison misses.
    own = [("file:///srv/staff/quinn/ws/app/main.py", ["main.py"]),
           ("%2Fsrv%2Fstaff%2Fquinn%2Fws%2Fnotes.md", []),
           ('{"cwd":"\\/srv\\/staff\\/quinn\\/ws"}', []),
           ("vscode://file/srv/staff/quinn/ws/lib.rs:12:4", ["lib.rs:12:4"]),
           ("/SRV/STAFF/QUINN/ws/build.log", ["build.log"]),
           ("cd ~quinn/ws && make", ["&& make"])]
    for text, kept in own:
        wrapped, more = each(f, text, MESSAGE)
        f.case("own-home", wrapped, [g for g in ("quinn", "QUINN") if g in wrapped], kept + more)
    return f.cases
