//! Scrubbing throughput on realistic stack traces. Scrubbing runs on the sender thread; if it is
//! slow, the queue fills while the sender scrubs. Reported in MB/s (docs/performance.md).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mycelium_telemetry::anonymize::{anonymize_message, anonymize_stack_trace};

mod support;

/// Traces in the formats the scrubber knows, each with the personal data real ones carry.
fn realistic_traces() -> Vec<String> {
    let python = r#"Traceback (most recent call last):
  File "/home/alice/projects/agent/app.py", line 42, in main
    result = run(config)
  File "/home/alice/projects/agent/runner.py", line 118, in run
    conn = connect("postgres://svc:S3cretPass@10.2.3.4:5432/agents")
  File "/usr/lib/python3.11/site-packages/psycopg/connection.py", line 728, in connect
    raise ex.with_traceback(None)
psycopg.OperationalError: connection failed for alice@example.com: timeout
"#;
    let node = "TypeError: Cannot read properties of undefined (reading 'id')
    at handler (/Users/bob/src/api/routes/users.js:88:13)
    at Layer.handle [as handle_request] (/Users/bob/src/api/node_modules/express/lib/router/layer.js:95:5)
    at next (/Users/bob/src/api/node_modules/express/lib/router/route.js:149:13)
    at /Users/bob/src/api/middleware/auth.js:21:7 token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop
";
    let go = "panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a2f1d]

goroutine 17 [running]:
main.(*Server).handle(0xc0000b2000, {0x7f3a, 0xc0000a4000})
\t/home/carol/go/src/example.com/svc/server.go:142 +0x1d
net/http.HandlerFunc.ServeHTTP(0xc0000a4000?, {0x7f3a?, 0xc0000b6000?}, 0xc0000c8000?)
\t/usr/local/go/src/net/http/server.go:2136 +0x29
";
    let java =
        "java.lang.IllegalStateException: account 4111 1111 1111 1111 locked for dave@corp.example
\tat com.example.billing.Service.charge(Service.java:211)
\tat com.example.billing.Controller.post(Controller.java:54)
\tat java.base/java.lang.Thread.run(Thread.java:833)
Caused by: java.net.ConnectException: Connection refused to 192.168.10.20:8443
\t... 3 more
";
    let dotnet = r"System.UnauthorizedAccessException: Access to the path 'C:\Users\erin\AppData\Local\App\cache.db' is denied.
   at System.IO.FileSystem.DeleteFile(String fullPath)
   at App.Cache.Clear() in C:\Users\erin\source\repos\App\Cache.cs:line 77
   at App.Program.Main(String[] args) in C:\Users\erin\source\repos\App\Program.cs:line 12
";
    let ruby = "/home/frank/app/models/order.rb:10:in 'save': validation failed (ActiveRecord::RecordInvalid)
\tfrom /home/frank/app/controllers/orders_controller.rb:22:in 'create'
\tfrom /home/frank/.gem/ruby/3.1.0/gems/actionpack-7.0.4/lib/abstract_controller/base.rb:215:in 'process'
";
    let rust = "thread 'main' panicked at src/main.rs:5:9:
called `Result::unwrap()` on an `Err` value: Os { code: 13, kind: PermissionDenied }
stack backtrace:
   0: rust_begin_unwind
             at /rustc/59807616e/library/std/src/panicking.rs:645:5
   1: app::load_config
             at /home/gina/work/app/src/config.rs:31:10
";
    [python, node, go, java, dotnet, ruby, rust]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn scrubbing(c: &mut Criterion) {
    let traces = realistic_traces();
    let bytes: usize = traces.iter().map(String::len).sum();
    let mut group = c.benchmark_group("scrub");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("realistic stack traces", |b| {
        b.iter(|| {
            for trace in &traces {
                std::hint::black_box(anonymize_stack_trace(std::hint::black_box(trace)));
            }
        })
    });
    let plain = "operation completed in 12 ms with 3 results and no errors at all ".repeat(16);
    group.throughput(Throughput::Bytes(plain.len() as u64));
    group.bench_function("plain text without personal data", |b| {
        b.iter(|| std::hint::black_box(anonymize_message(std::hint::black_box(&plain))))
    });
    // The scrubbing of one error event of the pipeline benchmark (message and 1.3 KiB trace),
    // through functions that remember nothing: what each new error costs the sender, where
    // `pipeline_client/error` repeats one event and so also measures remembered repeats.
    group.throughput(Throughput::Elements(1));
    group.bench_function(
        "error event, message and 1.3 KiB trace, every one new",
        |b| {
            b.iter(|| {
                std::hint::black_box(anonymize_message(std::hint::black_box(
                    support::ERROR_MESSAGE,
                )));
                std::hint::black_box(anonymize_stack_trace(std::hint::black_box(
                    support::PYTHON_TRACE,
                )))
            })
        },
    );
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = scrubbing
}
criterion_main!(benches);
