"""Machine names: personal device names, Windows default names, names under non-public suffixes,
cloud-internal names, and host names that contain the running user's login (quinn). Public host
names next to them must survive."""

from .contexts import MESSAGE, each
from .synth import DIGITS, UPPER, Family

PEOPLE = ["Jane-Doe", "Marta-Kowalczyk", "Ravi", "Ingrid", "Chidi-Okafor", "Yui", "Bjorn", "Dagny"]
PUBLIC = ["api.github.com", "registry.npmjs.org", "pypi.org", "proxy.golang.org", "crates.io",
          "objects.githubusercontent.com", "repo.maven.apache.org", "ghcr.io"]


def names(f):
    person = f.pick(PEOPLE)
    possessive = person.split("-")[0] + "s"
    ip = f"10-{f.rng.randint(0, 255)}-{f.rng.randint(0, 255)}-{f.rng.randint(1, 254)}"
    region = f.pick(["eu-west-1", "us-east-2", "ap-southeast-1"])
    rand7 = f.token(UPPER + DIGITS, 7)
    return [
        ("personal-mac", f"{person}-MacBook-Pro.local", [person]),
        ("personal-mac", f"{possessive}-MacBook-Air.local", [possessive]),
        ("personal-mac", f"MacBook-Pro-von-{person.split('-')[0]}.local", [person.split("-")[0]]),
        ("personal-phone", f"{possessive}-iPhone", [possessive]),
        ("personal-phone", f"{possessive}-iPad.lan", [possessive]),
        ("personal-pc", f"{person.split('-')[0].upper()}-PC", [person.split("-")[0].upper()]),
        ("windows-default", f"DESKTOP-{rand7}", [rand7]),
        ("windows-default", f"LAPTOP-{f.token(UPPER + DIGITS, 8)}", []),
        ("windows-default", f"WIN-{f.token(UPPER + DIGITS, 11)}", []),
        ("private-suffix", f"build-{f.rng.randint(1, 40):02d}.corp", []),
        ("private-suffix", f"fileserver{f.rng.randint(1, 9)}.internal", []),
        ("private-suffix", f"nas.home.arpa", []),
        ("private-suffix", f"printer-{f.token('abcdef' + DIGITS, 4)}.lan", []),
        ("private-suffix", f"jenkins-{f.token(DIGITS, 2)}.ad.example.internal", []),
        ("private-suffix", f"{f.pick(['ops', 'dev', 'lab'])}-{f.token('abcdefghjk', 4)}.local", []),
        ("cloud-internal", f"ip-{ip}.ec2.internal", [f"ip-{ip}"]),
        ("cloud-internal", f"ip-{ip}.{region}.compute.internal", [f"ip-{ip}"]),
        ("cloud-internal", f"vm-ci-{f.rng.randint(1, 99)}.europe-west4-a.c.acme-prod-{f.token(DIGITS, 6)}.internal", ["acme-prod"]),
        ("cloud-internal", f"payments-{f.token('abcdef' + DIGITS, 10)}.prod.svc.cluster.local", []),
        ("cloud-internal", f"orders-db-{f.rng.randint(0, 3)}.orders-db.data.svc.cluster.local", []),
        ("cloud-internal", f"aks-nodepool1-{f.token(DIGITS, 8)}-vmss00000{f.rng.randint(0, 9)}.internal.cloudapp.net", []),
        ("own-login", f"quinn-{f.pick(['dev', 'box', 'laptop', 'mbp'])}-{f.rng.randint(1, 9)}", ["quinn"]),
        ("own-login", f"QUINN-{f.pick(['PC', 'T14', 'XPS'])}", ["QUINN"]),
        ("own-login", f"quinns-mbp.local", ["quinns"]),
        ("own-login", f"ci-quinn-{f.rng.randint(10, 99)}.example.net", ["quinn"]),
    ]


def build():
    f = Family("hosts")
    contexts = MESSAGE + [
        lambda f, s: (f"could not resolve host: {s}", ["could not resolve host"]),
        lambda f, s: (f"ssh: connect to host {s} port 22: Connection timed out", ["port 22: Connection timed out"]),
        lambda f, s: (f"getaddrinfo ENOTFOUND {s}", ["getaddrinfo ENOTFOUND"]),
        lambda f, s: (f"java.net.UnknownHostException: {s}: Name or service not known", ["java.net.UnknownHostException", "Name or service not known"]),
        lambda f, s: (f"Mar 14 09:26:53 {s} kernel: [ 2.104] usb 1-1: new device", ["Mar 14 09:26:53", "usb 1-1: new device"]),
        lambda f, s: (f"dial tcp {s}:5432: connect: connection refused", [":5432: connect: connection refused"]),
        lambda f, s: (f"hostname={s} os=linux arch=x86_64", ["os=linux", "arch=x86_64"]),
        lambda f, s: (f"Computer name: {s}\nOS: Windows 11 Pro 23H2", ["OS: Windows 11 Pro 23H2"]),
        lambda f, s: (f"copy failed: \\\\{s}\\shared\\q3-report.xlsx (0x80070035)", ["q3-report.xlsx", "(0x80070035)"]),
    ]
    for _ in range(4):
        for variant, host, parts in names(f):
            public = f.pick(PUBLIC)
            text, kept = each(f, host, contexts)
            text = f"{text}\n(fetching https://{public}/ first)"
            f.case(variant, text, [host, *parts], kept + [public])
    return f.cases
