use super::*;

/// A frame as the tests write it: file, line, function.
type Expected<'a> = (&'a str, u32, Option<&'a str>);

fn frames(trace: &str) -> Vec<(String, u32, Option<String>)> {
    extract_frames(trace)
        .into_iter()
        .map(|f| (f.file.to_owned(), f.line, f.function.map(str::to_owned)))
        .collect()
}

fn frame(file: &str, line: u32, function: Option<&str>) -> (String, u32, Option<String>) {
    (file.to_owned(), line, function.map(str::to_owned))
}

#[test]
fn the_seven_trace_formats_yield_their_frames() {
    let cases: &[(&str, &[Expected])] = &[
        (
            "Traceback (most recent call last):\n  File \"/home/ann/svc/main.py\", line 42, in handle\n    run(password='hunter2')\n  File \"<frozen runpy>\", line 7, in <module>\nValueError: bad",
            &[("main.py", 42, Some("handle")), ("<frozen runpy>", 7, Some("<module>"))],
        ),
        (
            "TypeError: x is undefined\n    at handle (/home/ann/srv/routes/api.js:88:13)\n    at async Server.emit (node:events:517:28)\n    at /Users/ann/srv/index.js:10:5\n    at new Promise (<anonymous>)",
            &[
                ("api.js", 88, Some("handle")),
                ("node:events", 517, Some("async Server.emit")),
                ("index.js", 10, None),
            ],
        ),
        (
            "panic: runtime error\n\ngoroutine 1 [running]:\nmain.handler(0xc000012345, 0x2)\n\t/home/ann/go/src/app/handler.go:42 +0x1d\ncreated by main.main in goroutine 1\n\t/home/ann/go/src/app/main.go:9 +0x65",
            &[("handler.go", 42, Some("main.handler")), ("main.go", 9, Some("main.main"))],
        ),
        (
            "thread 'main' panicked at src/main.rs:5:9:\nkey sk_live_secret\nstack backtrace:\n   0: app::run::h0123456789abcdef\n             at /home/ann/.cargo/git/checkouts/app/src/lib.rs:17:5\n   1: std::rt::lang_start\n   2: main",
            &[("main.rs", 5, None), ("lib.rs", 17, Some("app::run"))],
        ),
        (
            "java.lang.IllegalStateException: boom for ann@example.com\n\tat com.example.Service.run(Service.java:31)\n\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)\n\tat com.example.Main.main(Main.java:8)\n\t... 3 more",
            &[
                ("Service.java", 31, Some("com.example.Service.run")),
                ("Main.java", 8, Some("com.example.Main.main")),
            ],
        ),
        (
            "/home/ann/app/models/order.rb:10:in 'save': invalid card 4111 (ArgumentError)\n\tfrom /home/ann/app/bin/run.rb:3:in `<main>'",
            &[("order.rb", 10, Some("save")), ("run.rb", 3, Some("<main>"))],
        ),
        (
            "System.NullReferenceException: Object reference not set\n   at App.Core.Run(String name) in C:\\Users\\ann\\src\\App\\Core.cs:line 27\n   at App.Program.Main() in C:\\Users\\ann\\src\\App\\Program.cs:line 5\n   at System.Threading.Tasks.Task.Execute()",
            &[
                ("Core.cs", 27, Some("App.Core.Run")),
                ("Program.cs", 5, Some("App.Program.Main")),
            ],
        ),
    ];
    for (trace, expected) in cases {
        let expected: Vec<_> = expected
            .iter()
            .map(|&(file, line, function)| frame(file, line, function))
            .collect();
        assert_eq!(frames(trace), expected, "{trace}");
    }
}

#[test]
fn frames_text_keeps_locations_and_drops_everything_else() {
    let trace = "Traceback (most recent call last):\n  File \"/home/ann/svc/main.py\", line 42, in handle\n    connect(password='hunter2')\nValueError: token ghp_0123456789abcdefghijABCDEFGHIJ012345 for ann@example.com";
    assert_eq!(frames_only(trace), "main.py:42 in handle");
    let ruby =
        "/home/ann/app/models/order.rb:10:in 'save': invalid for ann@example.com (ArgumentError)";
    assert_eq!(frames_only(ruby), "order.rb:10 in save");
    let node = "Error: x\n    at handle (/Users/ann/srv/api.js:88:13)\n    at /Users/ann/srv/index.js:10:5";
    assert_eq!(frames_only(node), "api.js:88 in handle\nindex.js:10");
}

#[test]
fn frame_parts_are_scrubbed_too() {
    // A function name can hold what a message can: it goes through the scrubber.
    let trace = "  File \"/srv/x.py\", line 3, in handler_for_ann@example.com";
    let text = frames_only(trace);
    assert!(!text.contains("ann@example.com"), "{text}");
    assert!(text.starts_with("x.py:3 in "), "{text}");
}

#[test]
fn unknown_formats_yield_nothing_rather_than_raw_text() {
    for trace in [
        "",
        "something went wrong: password=hunter2",
        "ERROR 2026-01-01 user ann@example.com /home/ann/secret.txt",
        "    at <anonymous>",
        "\tat com.example.Native.call(Native Method)",
        "File \"/x.py\", line forty, in f",
    ] {
        assert!(extract_frames(trace).is_empty(), "{trace:?}");
        assert_eq!(frames_only(trace), "", "{trace:?}");
    }
}

#[test]
fn frames_text_is_bounded() {
    let trace = "  File \"/srv/app.py\", line 1, in f\n".repeat(5000);
    let text = frames_only(&trace);
    assert!(text.len() <= MAX_STACK_TRACE_BYTES, "{}", text.len());
    assert!(text.starts_with("app.py:1 in f\napp.py:1 in f"));
}

#[test]
fn error_detail_names_round_trip() {
    for detail in [ErrorDetail::Full, ErrorDetail::Frames, ErrorDetail::Type] {
        assert_eq!(ErrorDetail::parse(detail.name()), Some(detail));
    }
    assert_eq!(ErrorDetail::parse(" FRAMES "), Some(ErrorDetail::Frames));
    assert_eq!(ErrorDetail::parse("minimal"), None);
    assert_eq!(ErrorDetail::parse(""), None);
    assert_eq!(ErrorDetail::default(), ErrorDetail::Full);
}

#[test]
fn common_variants_of_the_seven_formats() {
    let cases = [
        (
            "\tat java.base/java.lang.Thread.run(Thread.java:833)\n\tat com.x.Y.lambda$run$0(Y.java:12)",
            "Thread.java:833 in java.base/java.lang.Thread.run\nY.java:12 in com.x.Y.lambda$run$0",
        ),
        (
            "    at Object.<anonymous> (/srv/app/x.js:1:2)\n    at Module._compile (node:internal/modules/cjs/loader:1105:14)",
            "x.js:1 in Object.<anonymous>\nloader:1105 in Module._compile",
        ),
        (
            "   at Foo.Bar[T](T x) in /src/x.cs:line 5\n   at App.Program.<Main>d__0.MoveNext() in C:\\src\\P.cs:line 9",
            "x.cs:5 in Foo.Bar[T]\nP.cs:9 in App.Program.<Main>d__0.MoveNext",
        ),
        ("/srv/app/x.rb:10:in 'Order#save'", "x.rb:10 in Order#save"),
        ("  File \"C:\\srv\\x.py\", line 3, in <module>", "x.py:3 in <module>"),
        (
            "   3: std::panicking::try\n             at /rustc/abc123/library/std/src/panicking.rs:552:40",
            "panicking.rs:552 in std::panicking::try",
        ),
    ];
    for (trace, expected) in cases {
        assert_eq!(frames_only(trace), expected, "{trace}");
    }
}
