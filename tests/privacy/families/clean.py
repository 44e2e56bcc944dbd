"""Clean text: realistic lines with nothing personal or secret in them (log lines, access-log
lines with public hosts and paths, compiler errors, stack frames of system libraries, versions,
UUIDs and git hashes, dates, durations, byte sizes, ports). The scrubber must return each line,
and the whole text, byte for byte. No IP addresses, home paths, e-mails or credentials appear;
hashes and UUIDs appear without a secret-bearing word before them."""

from .synth import HEX, Family, b64

PUBLIC = ["api.github.com", "registry.npmjs.org", "pypi.org", "files.pythonhosted.org", "crates.io",
          "proxy.golang.org", "repo.maven.apache.org", "deb.debian.org", "ghcr.io", "quay.io",
          "dl-cdn.alpinelinux.org", "api.example.com", "cdn.example.net", "docs.rs"]
PATHS = ["/v1/items", "/api/v2/orders/1234", "/simple/requests/", "/healthz", "/metrics",
         "/static/app.3f2a9c1d.js", "/v2/library/python/manifests/3.12-slim", "/search?q=rust+async&page=2",
         "/repos/example-org/widgets/pulls?state=open&per_page=50", "/favicon.ico"]
LEVELS = ["INFO", "WARN", "ERROR", "DEBUG", "TRACE"]
MODULES = ["http.server", "db.pool", "cache", "scheduler", "worker", "grpc.client", "auth.middleware", "uploader"]
METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD"]
AGENTS = ["curl/8.5.0", "Go-http-client/2.0", "python-requests/2.31.0", "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0", "kube-probe/1.29"]


def ts(f):
    return f"2026-03-{f.rng.randint(10, 28):02d}T{f.rng.randint(0, 23):02d}:{f.rng.randint(0, 59):02d}:{f.rng.randint(0, 59):02d}.{f.rng.randint(0, 999):03d}Z"


def clf_time(f):
    return f"{f.rng.randint(10, 28):02d}/Mar/2026:{f.rng.randint(0, 23):02d}:{f.rng.randint(0, 59):02d}:{f.rng.randint(0, 59):02d} +0000"


def ver(f):
    return f"{f.rng.randint(0, 12)}.{f.rng.randint(0, 30)}.{f.rng.randint(0, 20)}"


def uuid(f):
    return f"{f.token(HEX, 8)}-{f.token(HEX, 4)}-4{f.token(HEX, 3)}-{f.pick('89ab')}{f.token(HEX, 3)}-{f.token(HEX, 12)}"


def size(f):
    return f.pick([f"{f.rng.randint(1, 999)} B", f"{f.rng.randint(1, 999)}.{f.rng.randint(0, 9)} KiB",
                   f"{f.rng.randint(1, 999)} MB", f"{f.rng.randint(1, 64)}.{f.rng.randint(0, 99):02d} GiB",
                   f"{f.rng.randint(1000, 9999999)} bytes"])


def dur(f):
    return f.pick([f"{f.rng.randint(1, 999)}ms", f"{f.rng.randint(1, 59)}.{f.rng.randint(0, 999):03d}s",
                   f"{f.rng.randint(1, 59)}m{f.rng.randint(0, 59)}s", f"{f.rng.randint(1, 999)}µs", f"{f.rng.randint(1, 9)}h"])


JAVA_FRAMES = [("java.net", "SocketInputStream", "read"), ("java.lang", "Thread", "run"),
               ("java.util.concurrent", "ThreadPoolExecutor", "runWorker"),
               ("java.net.http", "HttpClient", "send")]


def java_frame(f, line):
    package, cls, method = f.pick(JAVA_FRAMES)
    return f"\tat java.base/{package}.{cls}.{method}({cls}.java:{line})"


def more_templates(f):
    line = f.rng.randint(2, 900)
    return [
        f"  Warning  BackOff  {f.rng.randint(1, 59)}m (x{f.rng.randint(2, 99)} over {f.rng.randint(1, 9)}h)  kubelet  Back-off restarting failed container app in pod api-{f.token(HEX[:10] + 'bcdfghjklmnpqrstvwxz', 10)}-{f.token('bcdfghjklmnpqrstvwxz2456789', 5)}_default",
        "systemd[1]: Started {} - {}.".format(*f.pick([("nginx.service", "A high performance web server and a reverse proxy server"),
                                                       ("postgresql@16-main.service", "PostgreSQL Cluster 16-main"),
                                                       ("docker.service", "Docker Application Container Engine")])),
        f"#{f.rng.randint(1, 20)} [{f.rng.randint(1, 5)}/{f.rng.randint(5, 9)}] RUN pip install --no-cache-dir -r requirements.txt",
        f"#{f.rng.randint(1, 20)} DONE {f.rng.randint(0, 99)}.{f.rng.randint(0, 9)}s",
        f"Successfully installed {f.pick(['requests', 'urllib3', 'idna', 'certifi'])}-{ver(f)} {f.pick(['charset-normalizer', 'packaging', 'pyyaml'])}-{ver(f)}",
        f"Collecting {f.pick(['numpy', 'pandas', 'httpx'])}=={ver(f)} (from -r requirements.txt (line {f.rng.randint(1, 40)}))",
        f"##[group]Run actions/setup-node@v4",
        f"    node-version: {f.rng.randint(18, 22)}.x",
        f"  # aws_instance.web will be updated in-place",
        f"Plan: {f.rng.randint(0, 9)} to add, {f.rng.randint(0, 9)} to change, {f.rng.randint(0, 9)} to destroy.",
        f"ERROR:  relation \"{f.pick(['orders', 'users', 'line_items'])}\" does not exist at character {f.rng.randint(1, 200)}",
        f"ERROR:  duplicate key value violates unique constraint \"{f.pick(['users_pkey', 'orders_pkey'])}\"",
        f"DETAIL:  Key (id)=({f.rng.randint(1, 99999)}) already exists.",
        f"Retry-After: {f.rng.randint(1, 3600)}",
        f"Cache-Control: public, max-age={f.pick([60, 300, 3600, 86400])}, stale-while-revalidate={f.pick([30, 60])}",
        f"GET https://{f.pick(PUBLIC)}{f.pick(PATHS)} -> {f.pick([200, 301, 404, 429, 503])} in {dur(f)}",
        f"   at System.Threading.Tasks.Task.Wait(Int32 millisecondsTimeout, CancellationToken cancellationToken)",
        f"   at Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.HttpProtocol.ProcessRequests[TContext](IHttpApplication`1 application)",
        f"Faulting module path: C:\\Windows\\System32\\{f.pick(['ntdll.dll', 'KERNELBASE.dll', 'ucrtbase.dll'])}",
        f"Program: C:\\Program Files\\Git\\cmd\\git.exe",
        f"0   libsystem_kernel.dylib        0x000000018{f.token(HEX, 7)} __pthread_kill + 8",
        f"  /System/Library/Frameworks/CoreFoundation.framework/Versions/A/CoreFoundation",
        f"/opt/homebrew/Cellar/python@3.12/3.12.{f.rng.randint(0, 9)}/Frameworks/Python.framework/Versions/3.12/lib/python3.12/{f.pick(['ssl.py', 'socket.py'])}:{line}: DeprecationWarning",
        f"expected `{f.pick(['u32', 'String', '&str'])}`, found `{f.pick(['i64', 'Option<String>', 'usize'])}`",
        f"sorted {f.rng.randint(2, 999)} keys in {dur(f)}; primary key index rebuilt",
        f"session pool: {f.rng.randint(0, 64)} active, {f.rng.randint(0, 64)} idle",
        f"Scanned {f.rng.randint(1, 9999)} files in {dur(f)}, {f.rng.randint(0, 99)} warnings",
        f"Sat, {f.rng.randint(10, 28)} Mar 2026 {f.rng.randint(0, 23):02d}:{f.rng.randint(0, 59):02d}:{f.rng.randint(0, 59):02d} GMT",
        f"timeout after PT{f.rng.randint(1, 59)}S waiting for {f.pick(['lock', 'lease', 'leader election'])}",
        f"progress {f.rng.randint(0, 100)}% ({size(f)}/{size(f)}) eta {dur(f)}",
        # Secret-bearing words used as words, and hashes named as hashes: all clean.
        f"401 Unauthorized: Authorization header missing (request {f.token(HEX, 8)})",
        f"token expired at {ts(f)}, refreshing",
        f"password policy requires at least {f.pick([8, 12, 14])} characters",
        f"secret scan: 0 findings in {f.rng.randint(10, 999)} files",
        f"auth middleware initialised in {dur(f)}",
        f"dropped Set-Cookie header larger than {f.pick([4096, 8192])} bytes",
        f"npm ERR! sha512-{b64(bytes(f.rng.randrange(256) for _ in range(64)))} integrity checksum failed",
        f"\tdownloaded: h1:{b64(bytes(f.rng.randrange(256) for _ in range(32)))}",
        f"verifying example.com/lib@v{ver(f)}: checksum mismatch",
        f"Oid sha256:{f.token(HEX, 64)} size {f.rng.randint(1000, 99999999)}",
    ]


def templates(f):
    line = f.rng.randint(2, 900)
    col = f.rng.randint(1, 80)
    commit = f.token(HEX, 40)
    return [
        f"{ts(f)} {f.pick(LEVELS)} {f.pick(MODULES)}: request completed in {dur(f)} status={f.pick([200, 201, 204, 301, 304, 400, 404, 429, 500, 503])}",
        f"{ts(f)} {f.pick(LEVELS)} {f.pick(MODULES)}: pool size {f.rng.randint(1, 64)}, idle {f.rng.randint(0, 16)}, waited {dur(f)}",
        f"{ts(f)} INFO listening on 0.0.0.0:{f.pick([80, 443, 3000, 8000, 8080, 9090])} (workers={f.rng.randint(1, 32)})",
        f"{ts(f)} WARN retrying {f.pick(PUBLIC)}:443 in {dur(f)} (attempt {f.rng.randint(2, 5)}/5)",
        f"{f.pick(PUBLIC)} - - [{clf_time(f)}] \"{f.pick(METHODS)} {f.pick(PATHS)} HTTP/{f.pick(['1.1', '2.0'])}\" {f.pick([200, 204, 304, 404, 500])} {f.rng.randint(0, 99999)} \"-\" \"{f.pick(AGENTS)}\"",
        f"level=info ts={ts(f)} caller=main.go:{line} msg=\"scrape done\" duration={dur(f)} samples={f.rng.randint(0, 99999)}",
        f"{{\"level\":\"{f.pick(LEVELS).lower()}\",\"ts\":\"{ts(f)}\",\"msg\":\"upload finished\",\"bytes\":{f.rng.randint(0, 9999999)},\"elapsed_ms\":{f.rng.randint(1, 99999)}}}",
        f"request_id={uuid(f)} method={f.pick(METHODS)} path={f.pick(PATHS)} status={f.pick([200, 404, 502])} duration={dur(f)}",
        f"Downloaded {f.pick(['serde', 'tokio', 'regex', 'hyper', 'rand'])} v{ver(f)} ({size(f)})",
        f"   Compiling {f.pick(['serde_json', 'libc', 'syn', 'proc-macro2', 'memchr'])} v{ver(f)}",
        f"    Finished `release` profile [optimized] target(s) in {f.rng.randint(1, 300)}.{f.rng.randint(10, 99)}s",
        f"error[E0{f.rng.randint(100, 799)}]: mismatched types",
        f"  --> src/{f.pick(['main', 'lib', 'parser', 'config'])}.rs:{line}:{col}",
        f"src/{f.pick(['parser', 'lexer', 'buffer'])}.c:{line}:{col}: error: expected ';' before '}}' token",
        f"src/{f.pick(['index', 'app', 'routes/api'])}.ts({line},{col}): error TS2322: Type 'string' is not assignable to type 'number'.",
        f"{f.pick(['Main', 'Service', 'Parser'])}.java:{line}: error: cannot find symbol",
        f"./{f.pick(['handler', 'server', 'store'])}.go:{line}:{col}: undefined: {f.pick(['NewClient', 'ctx', 'cfg'])}",
        f"  File \"/usr/lib/python3.12/{f.pick(['json/decoder.py', 'asyncio/base_events.py', 'http/client.py', 'ssl.py'])}\", line {line}, in {f.pick(['decode', 'run_until_complete', 'getresponse', 'do_handshake'])}",
        f"  File \"/usr/local/lib/python3.11/site-packages/{f.pick(['urllib3/connectionpool.py', 'django/core/handlers/base.py', 'requests/adapters.py'])}\", line {line}, in {f.pick(['urlopen', '_get_response', 'send'])}",
        f"\t/usr/local/go/src/runtime/{f.pick(['panic.go', 'proc.go', 'chan.go'])}:{line} +0x{f.token(HEX, 3)}",
        f"   {f.rng.randint(0, 30)}: std::panicking::{f.pick(['begin_panic_handler', 'rust_panic_with_hook', 'try'])}",
        f"             at /rustc/{commit}/library/{f.pick(['std/src/panicking.rs', 'core/src/panicking.rs', 'core/src/result.rs'])}:{line}:{col}",
        f"    at {f.pick(['Module._compile', 'Object.openSync', 'TLSSocket.onConnectSecure'])} (node:{f.pick(['internal/modules/cjs/loader', 'fs', '_tls_wrap'])}:{line}:{col})",
        java_frame(f, line),
        f"   at System.Net.Http.HttpClient.SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)",
        f"#{f.rng.randint(0, 20)} 0x00007f{f.token(HEX, 10)} in {f.pick(['__libc_start_main', 'pthread_join', 'epoll_wait'])} () from /lib/x86_64-linux-gnu/libc.so.6",
        f"HEAD is now at {commit[:7]} {f.pick(['fix flaky test', 'bump deps', 'refactor parser', 'docs: typo'])}",
        f"commit {commit}",
        f"Merge: {f.token(HEX, 7)} {f.token(HEX, 7)}",
        f"pulling {f.pick(['python', 'node', 'rust', 'alpine'])}:{ver(f)}@sha256:{f.token(HEX, 64)}",
        f"job {uuid(f)} finished after {dur(f)}, {f.rng.randint(0, 999)} of {f.rng.randint(1000, 9999)} items, {size(f)} written",
        f"upgraded {f.pick(['openssl', 'libcurl', 'zlib', 'sqlite'])} from {ver(f)} to {ver(f)}",
        f"semver: {ver(f)}-rc.{f.rng.randint(1, 9)}+build.{f.rng.randint(100, 999)} satisfies ^{f.rng.randint(0, 9)}.{f.rng.randint(0, 9)}",
        f"Memory: {size(f)} used of {size(f)}, swap {f.rng.randint(0, 99)}%",
        f"Disk /dev/nvme0n1p{f.rng.randint(1, 4)}: {f.rng.randint(10, 99)}% full",
        f"{f.pick(['Mon', 'Tue', 'Wed', 'Thu', 'Fri'])} Mar {f.rng.randint(10, 28)} {f.rng.randint(0, 23):02d}:{f.rng.randint(0, 59):02d}:{f.rng.randint(0, 59):02d} UTC 2026",
        f"ts={1773000000000 + f.rng.randint(0, 999999999)} seq={f.rng.randint(1, 99999)} lag_ms={f.rng.randint(0, 9999)}",
        f"HTTP/2 {f.pick([200, 301, 404, 503])} content-type: application/json; charset=utf-8 content-length: {f.rng.randint(0, 99999)}",
        f"npm WARN deprecated {f.pick(['inflight', 'glob', 'rimraf'])}@{ver(f)}: This module is not supported",
        f"warning: unused variable: `{f.pick(['count', 'idx', 'buf'])}` at src/{f.pick(['main', 'util'])}.rs:{line}:{col}",
        f"test {f.pick(['parser::tests::parses_empty', 'store::tests::evicts_oldest', 'api::tests::rejects_bad_json'])} ... ok",
        f"test result: ok. {f.rng.randint(1, 400)} passed; 0 failed; {f.rng.randint(0, 3)} ignored; finished in {f.rng.randint(0, 9)}.{f.rng.randint(10, 99)}s",
        f"cache hit ratio {f.rng.randint(50, 99)}.{f.rng.randint(0, 9)}% over {f.rng.randint(1, 60)} min, p99 {dur(f)}",
        f"token_count={f.rng.randint(1, 9999)} max_tokens={f.pick([1024, 4096, 8192])} finish_reason=length",
        f"Unexpected token '<' in JSON at position {f.rng.randint(0, 99)}",
    ]


def build():
    f = Family("clean")
    lines = []
    while len(lines) < 450:
        for line in templates(f) + more_templates(f):
            if line not in lines:
                lines.append(line)
    return lines[:450]
