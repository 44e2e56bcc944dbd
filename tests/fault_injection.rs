//! The client against a collector that misbehaves on purpose: hangs, refuses, resets, answers
//! late, reads slowly, rate-limits, goes down and comes back. What must hold throughout: callers
//! never wait on the network, retries follow the rules and the backoff, nothing is lost or
//! duplicated when the collector comes back, flush and shutdown keep their time limits, and the
//! counters always add up.
//!
//! The measured figures go to stderr so that they show even when every test passes:
//! `cargo test --test fault_injection -- --nocapture` is not needed.

#[path = "../examples/support/collector.rs"]
mod collector;

use std::collections::BTreeMap;
use std::io::Write;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use collector::{Collector, Reply};
use mycelium_telemetry::{Client, Config, FlushError, Stats};
use serde_json::Value;

const SALT: &str = "fault-salt";
/// Long enough for any scripted scenario here to finish on a loaded machine.
const WAIT: Duration = Duration::from_secs(20);

fn config_for(endpoint: &str) -> Config {
    let mut config = Config::new();
    config.set_enabled(true);
    config.set_endpoint(endpoint).unwrap();
    config.set_salt(SALT).unwrap();
    // Only full batches, flushes and shutdowns send: the tests decide when batches leave.
    config.set_flush_interval_ms(60_000).unwrap();
    config.set_retry_initial_delay(Duration::from_millis(10));
    // The client's warnings are expected here by the hundred; the figures are what to read.
    config.set_logger(|_, _| {});
    config
}

/// Writes measured figures where `cargo test` shows them without `--nocapture`.
fn report(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}

fn completed(stats: &Stats) -> u64 {
    stats.sent + stats.dropped + stats.failed
}

/// The stats once every event is sent, dropped or failed (or `WAIT` passed): after a shutdown
/// that timed out, the detached sender may still be settling the last batches.
fn settled(client: &Client) -> Stats {
    let deadline = Instant::now() + WAIT;
    loop {
        let stats = client.stats();
        if stats.enqueued == completed(&stats) || Instant::now() >= deadline {
            return stats;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn operations(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|event| event["operation"].as_str().unwrap().to_owned())
        .collect()
}

/// How many times each operation occurs.
fn tally(operations: &[String]) -> BTreeMap<&str, usize> {
    let mut counts = BTreeMap::new();
    for operation in operations {
        *counts.entry(operation.as_str()).or_default() += 1;
    }
    counts
}

fn assert_each_exactly_once(received: &[String], tracked: &[String]) {
    let counts = tally(received);
    let duplicated: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(duplicated.is_empty(), "duplicated: {duplicated:?}");
    let missing: Vec<_> = tracked
        .iter()
        .filter(|op| !counts.contains_key(op.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "lost {} events: {missing:?}",
        missing.len()
    );
    assert_eq!(received.len(), tracked.len(), "nothing extra");
}

#[test]
fn track_calls_never_wait_on_the_network_while_the_collector_hangs() {
    const CALLS: usize = 100_000;
    const CAPACITY: u64 = 8_192;
    let collector = Collector::start();
    collector.set_default_reply(Reply::Hang);
    let mut config = config_for(&collector.url());
    config.set_timeout_secs(30).unwrap();
    config.set_queue_capacity(CAPACITY as u32).unwrap();
    let client = Client::new(&config);

    // Put the sender inside a request the collector will never answer.
    client.track_agent_usage("agent", "first", None).unwrap();
    assert_eq!(
        client.flush(Duration::from_millis(50)),
        Err(FlushError::Timeout)
    );
    assert!(collector.wait_for_requests(1, WAIT));

    let mut call_times = Vec::with_capacity(CALLS);
    let started = Instant::now();
    for i in 0..CALLS {
        let call = Instant::now();
        let result = match i % 4 {
            0 => client.track_agent_usage("agent", "op", Some(r#"{"duration_ms": 3}"#)),
            1 => client.track_performance("latency", i as f64, None, None),
            2 => client.track_error("IOError", "disk /home/u/x full", None, None),
            _ => client.track_system_info(),
        };
        call_times.push(call.elapsed());
        assert_eq!(result, Ok(()), "call {i}");
    }
    let total = started.elapsed();

    // A call that blocked on I/O would wait for the 30 s request timeout at least once.
    assert!(
        total < Duration::from_secs(5),
        "{CALLS} calls took {total:?}"
    );
    assert_eq!(
        collector.requests().len(),
        1,
        "the sender was stuck on its first request during every call"
    );
    let stats = client.stats();
    assert_eq!(stats.enqueued, CALLS as u64 + 1);
    assert_eq!(stats.sent, 0);
    // The queue is full and one event is in the hung request; every other event was displaced.
    assert_eq!(stats.dropped, CALLS as u64 + 1 - CAPACITY - 1);

    call_times.sort_unstable();
    let percentile = |p: usize| call_times[(CALLS * p / 100).min(CALLS - 1)];
    report(&format!(
        "\n[fault_injection] {CALLS} track calls while the collector hung (30 s request timeout):\n\
         \x20   total {total:?}, median {:?}, p99 {:?}, max {:?}\n",
        percentile(50),
        percentile(99),
        call_times[CALLS - 1],
    ));
    assert!(!client.shutdown(Duration::from_millis(100)));
}

/// One way the collector can answer, and what the client must make of it.
struct StatusClass {
    name: &'static str,
    /// `None`: nothing listens on the port.
    reply: Option<Reply>,
    retried: bool,
    delivered: bool,
}

fn status_classes() -> Vec<StatusClass> {
    let class = |name, reply, retried, delivered| StatusClass {
        name,
        reply,
        retried,
        delivered,
    };
    let status = |code| Some(Reply::Status(code));
    let no_answer = || Some(Reply::Delay(Duration::from_secs(3), 200));
    let slow_read = Some(Reply::SlowRead {
        chunk: 16,
        pause: Duration::from_millis(2),
    });
    vec![
        class("200", status(200), false, true),
        class("202", status(202), false, true),
        class("204", status(204), false, true),
        class(
            "200 after a 300 ms delay",
            Some(Reply::Delay(Duration::from_millis(300), 200)),
            false,
            true,
        ),
        class("200 after a slow read", slow_read, false, true),
        class("500", status(500), true, false),
        class("502", status(502), true, false),
        class("503", status(503), true, false),
        class("504", status(504), true, false),
        class("429", status(429), true, false),
        class("connection refused", None, true, false),
        class(
            "closed mid-request",
            Some(Reply::CloseMidRequest),
            true,
            false,
        ),
        class("timeout (no answer in 1 s)", no_answer(), true, false),
        class("400", status(400), false, false),
        class("401", status(401), false, false),
        class("403", status(403), false, false),
        class("404", status(404), false, false),
        class("413", status(413), false, false),
        class("301 (with Location)", status(301), false, false),
        class("302 (with Location)", status(302), false, false),
    ]
}

#[test]
fn each_status_class_gets_exactly_its_number_of_attempts() {
    const RETRY_ATTEMPTS: u32 = 2;
    let classes = status_classes();
    // Independent scenarios, run side by side so the timeout class does not add up with others.
    let outcomes: Vec<(usize, Stats)> = std::thread::scope(|scope| {
        let runs: Vec<_> = classes
            .iter()
            .map(|class| {
                scope.spawn(move || {
                    let collector = Collector::start();
                    match &class.reply {
                        Some(reply) => collector.set_default_reply(reply.clone()),
                        None => collector.stop(),
                    }
                    let mut config = config_for(&collector.url());
                    config.set_timeout_secs(1).unwrap();
                    config.set_retry_attempts(RETRY_ATTEMPTS).unwrap();
                    let client = Client::new(&config);
                    client.track_agent_usage("agent", "op", None).unwrap();
                    // A batch given up on counts as done, so this returns for every class.
                    assert_eq!(client.flush(WAIT), Ok(()), "{}", class.name);
                    let requests = collector.requests();
                    for request in &requests {
                        assert_eq!(
                            request.path, "/v1/events",
                            "{}: redirect followed",
                            class.name
                        );
                    }
                    let whole: Vec<_> = requests.iter().filter(|r| r.complete).collect();
                    assert!(
                        whole.iter().all(|r| r.body == whole[0].body),
                        "{}: a retry sends the same batch",
                        class.name
                    );
                    (requests.len(), client.stats())
                })
            })
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    });

    let mut table = String::from(
        "\n[fault_injection] requests per status class (retry_attempts = 2):\n\
         \x20   class                          requests  retries  outcome\n",
    );
    for (class, (requests, stats)) in classes.iter().zip(&outcomes) {
        let expected_attempts = if class.retried { 1 + RETRY_ATTEMPTS } else { 1 };
        // A refused connection never reaches the collector: only the client can count it.
        let attempts = if class.reply.is_none() {
            assert_eq!(*requests, 0);
            stats.retries as usize + 1
        } else {
            *requests
        };
        assert_eq!(attempts, expected_attempts as usize, "{}", class.name);
        assert_eq!(
            stats.retries,
            u64::from(expected_attempts - 1),
            "{}",
            class.name
        );
        let (sent, failed) = if class.delivered { (1, 0) } else { (0, 1) };
        assert_eq!((stats.sent, stats.failed), (sent, failed), "{}", class.name);
        table.push_str(&format!(
            "    {:<30} {:>8}  {:>7}  {}\n",
            class.name,
            if class.reply.is_none() {
                format!("({attempts})")
            } else {
                attempts.to_string()
            },
            stats.retries,
            if class.delivered { "sent" } else { "failed" },
        ));
    }
    table.push_str(
        "    (n) = attempts counted by the client: a refused connection reaches no server\n",
    );
    report(&table);
}

#[test]
fn retries_back_off_exponentially() {
    const RETRIES: u32 = 4;
    let initial = Duration::from_millis(200);
    let collector = Collector::start();
    collector.script(std::iter::repeat(Reply::Status(503)).take(RETRIES as usize));
    let mut config = config_for(&collector.url());
    config.set_retry_attempts(RETRIES).unwrap();
    config.set_retry_backoff(2.0).unwrap();
    config.set_retry_initial_delay(initial);
    let client = Client::new(&config);
    client.track_agent_usage("agent", "op", None).unwrap();
    client.flush(WAIT).unwrap();

    let arrivals: Vec<Instant> = collector.requests().iter().map(|r| r.received_at).collect();
    assert_eq!(arrivals.len(), 1 + RETRIES as usize);
    assert_eq!(client.stats().sent, 1);
    let gaps: Vec<Duration> = arrivals.windows(2).map(|w| w[1] - w[0]).collect();
    for (retry, gap) in gaps.iter().enumerate() {
        let full = initial * 2u32.pow(retry as u32);
        // The jitter factor is at least 0.5: never sooner than half the nominal delay.
        assert!(
            *gap >= full / 2,
            "retry {} after {gap:?}, nominal {full:?}",
            retry + 1
        );
        // And not wildly later either: the schedule is the one configured, not a fixed pause.
        assert!(
            *gap < full + Duration::from_secs(2),
            "retry {} after {gap:?}",
            retry + 1
        );
    }
    // The same thing seen as a rate: how many requests fall within windows after the first.
    let within = |window: Duration| {
        arrivals
            .iter()
            .filter(|at| **at - arrivals[0] < window)
            .count()
    };
    assert!(within(Duration::from_millis(250)) <= 2);
    assert!(within(Duration::from_millis(1_500)) <= 4);
    report(&format!(
        "\n[fault_injection] backoff 200 ms x2, jitter [0.5, 1]: gaps {gaps:?}; \
         requests within 250 ms: {}, within 1.5 s: {}\n",
        within(Duration::from_millis(250)),
        within(Duration::from_millis(1_500)),
    ));
}

#[test]
fn retry_after_is_honoured_for_429_and_503() {
    let collector = Collector::start();
    collector.script([Reply::RetryAfter(429, 2), Reply::RetryAfter(503, 1)]);
    // The backoff alone would retry after 5–10 ms.
    let client = Client::new(&config_for(&collector.url()));
    client.track_agent_usage("agent", "op", None).unwrap();
    client.flush(WAIT).unwrap();
    let arrivals: Vec<Instant> = collector.requests().iter().map(|r| r.received_at).collect();
    assert_eq!(arrivals.len(), 3);
    let gaps = [arrivals[1] - arrivals[0], arrivals[2] - arrivals[1]];
    assert!(gaps[0] >= Duration::from_millis(1_900), "{gaps:?}");
    assert!(gaps[1] >= Duration::from_millis(950), "{gaps:?}");
    assert_eq!(client.stats().sent, 1);
    report(&format!(
        "\n[fault_injection] Retry-After 2 s then 1 s: retried after {:?} and {:?}\n",
        gaps[0], gaps[1]
    ));
}

#[test]
fn an_always_failing_collector_sees_the_backoff_and_shutdown_cuts_it_short() {
    let collector = Collector::start();
    collector.set_default_reply(Reply::Status(503));
    let mut config = config_for(&collector.url());
    config.set_retry_attempts(10).unwrap();
    config.set_retry_initial_delay(Duration::from_millis(50));
    config.set_batch_size(10).unwrap();
    let client = Client::new(&config);
    // Plenty of full batches waiting: nothing but the backoff holds the sender back.
    for i in 0..500 {
        client
            .track_agent_usage("agent", &format!("op-{i}"), None)
            .unwrap();
    }
    std::thread::sleep(Duration::from_millis(1_500));
    let requests = collector.requests().len();
    // 50 ms x2 with jitter >= 0.5: retries at >= 25, 75, 175, 375, 775 ms (the next at 1575).
    assert!((2..=6).contains(&requests), "{requests} requests in 1.5 s");

    // The sender is now pausing for a retry; shutdown must not wait for the schedule.
    let started = Instant::now();
    client.shutdown(Duration::from_millis(200));
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "shutdown took {took:?}");
    let stats = settled(&client);
    assert_eq!(stats.sent, 0);
    assert_eq!(stats.enqueued, completed(&stats), "{stats:?}");
    report(&format!(
        "\n[fault_injection] always-503 collector: {requests} requests in the first 1.5 s; \
         shutdown(200 ms) during the backoff returned after {took:?}\n"
    ));
}

#[test]
fn a_collector_down_for_a_while_gets_every_event_exactly_once_when_it_returns() {
    let collector = Collector::start();
    collector.stop();
    let mut config = config_for(&collector.url());
    config.set_batch_size(50).unwrap();
    // Nominal delays 0.2, 0.4 ... 6.4 s: even at half of them the first batch keeps trying for
    // over 6 s, far longer than the outage below.
    config.set_retry_attempts(6).unwrap();
    config.set_retry_initial_delay(Duration::from_millis(200));
    let client = Client::new(&config);

    let mut tracked = Vec::new();
    let mut track = |phase: &str| {
        for i in 0..100 {
            let operation = format!("{phase}-{i}");
            client.track_agent_usage("agent", &operation, None).unwrap();
            tracked.push(operation);
        }
    };
    let outage = Instant::now();
    track("down");
    std::thread::sleep(Duration::from_millis(200));
    track("still-down");
    std::thread::sleep(Duration::from_millis(200));
    collector.restart();
    let outage = outage.elapsed();
    track("back");
    client.flush(WAIT).unwrap();

    let requests = collector.requests();
    assert!(requests.iter().all(|r| r.accepted()), "nothing but 200s");
    assert!(
        requests
            .iter()
            .all(|r| r.json()["events"].as_array().unwrap().len() <= 50),
        "in batches"
    );
    assert!(requests.len() >= 6);
    assert_each_exactly_once(&operations(&collector.events()), &tracked);
    let stats = client.stats();
    assert_eq!(
        (stats.enqueued, stats.sent, stats.failed, stats.dropped),
        (300, 300, 0, 0)
    );
    assert!(stats.retries >= 1, "the outage was noticed");
    report(&format!(
        "\n[fault_injection] collector down {outage:?}: 300 events arrived once each in {} \
         batches after {} retries\n",
        requests.len(),
        stats.retries
    ));
}

#[test]
fn a_collector_crash_or_reset_mid_request_loses_and_duplicates_nothing() {
    let collector = Collector::start();
    // The first attempt is swallowed by a collector that then crashes; the retry after the
    // restart is cut off halfway; the third attempt gets through.
    collector.script([Reply::Hang, Reply::CloseMidRequest]);
    let mut config = config_for(&collector.url());
    config.set_batch_size(10).unwrap();
    config.set_timeout_secs(30).unwrap();
    config.set_retry_attempts(6).unwrap();
    config.set_retry_initial_delay(Duration::from_millis(100));
    let client = Client::new(&config);
    let tracked: Vec<String> = (0..30).map(|i| format!("op-{i}")).collect();
    for operation in &tracked {
        client.track_agent_usage("agent", operation, None).unwrap();
    }
    assert!(collector.wait_for_requests(1, WAIT));
    collector.stop();
    std::thread::sleep(Duration::from_millis(200));
    collector.restart();
    client.flush(WAIT).unwrap();

    let requests = collector.requests();
    assert_eq!(requests[0].answer, None, "the swallowed attempt");
    assert!(!requests[1].complete, "the attempt cut off halfway");
    // What the collector kept (2xx) is every event once; the swallowed first attempt shows that
    // delivery is at-least-once on the wire, and why collectors answer before they commit.
    assert_each_exactly_once(&operations(&collector.accepted_events()), &tracked);
    let stats = client.stats();
    assert_eq!((stats.sent, stats.failed, stats.dropped), (30, 0, 0));
}

#[test]
fn flush_and_shutdown_keep_their_timeouts_when_the_collector_black_holes() {
    let hanging = Collector::start();
    hanging.set_default_reply(Reply::Hang);
    // A listener nobody accepts on: the kernel completes the handshake and takes the request,
    // and nothing ever answers.
    let hole = TcpListener::bind("127.0.0.1:0").unwrap();
    let hole_url = format!("http://{}/v1/events", hole.local_addr().unwrap());
    let cases = [
        ("accepts, never answers", hanging.url()),
        ("never accepts", hole_url),
    ];
    let timeouts = [Duration::from_millis(100), Duration::from_millis(1_000)];
    let slack = Duration::from_secs(2);

    let rows: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = cases
            .iter()
            .flat_map(|case| timeouts.iter().map(move |timeout| (case, *timeout)))
            .map(|((name, url), timeout)| {
                scope.spawn(move || {
                    let mut config = config_for(url);
                    config.set_timeout_secs(30).unwrap();
                    let client = Client::new(&config);
                    for i in 0..5 {
                        client.track_agent_usage("agent", &format!("op-{i}"), None).unwrap();
                    }
                    let started = Instant::now();
                    assert_eq!(client.flush(timeout), Err(FlushError::Timeout), "{name}");
                    let flush_took = started.elapsed();
                    let stats = client.stats();
                    assert!(stats.enqueued >= completed(&stats), "{stats:?}");
                    assert_eq!((stats.enqueued, stats.sent), (5, 0), "{name}");

                    let started = Instant::now();
                    assert!(!client.shutdown(timeout), "{name}: cannot have finished");
                    let shutdown_took = started.elapsed();
                    for took in [flush_took, shutdown_took] {
                        assert!(took >= timeout, "{name}: returned early, after {took:?}");
                        assert!(took < timeout + slack, "{name}: {took:?} for {timeout:?}");
                    }
                    format!(
                        "    {name:<24} timeout {timeout:>7?}: flush {flush_took:>12?}, shutdown {shutdown_took:>12?}\n"
                    )
                })
            })
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    });
    report(&format!(
        "\n[fault_injection] flush/shutdown against a black hole (30 s request timeout):\n{}",
        rows.concat()
    ));
    drop(hole);
}

#[test]
fn after_a_timed_out_shutdown_the_sender_still_settles_every_event() {
    let collector = Collector::start();
    collector.set_default_reply(Reply::Hang);
    let mut config = config_for(&collector.url());
    config.set_timeout_secs(1).unwrap();
    config.set_batch_size(2).unwrap();
    let client = Client::new(&config);
    for i in 0..7 {
        client
            .track_agent_usage("agent", &format!("op-{i}"), None)
            .unwrap();
    }
    assert!(collector.wait_for_requests(1, WAIT));
    assert!(!client.shutdown(Duration::from_millis(200)));
    // The detached sender gives its request up at the 1 s timeout, then the rest at once.
    let stats = settled(&client);
    assert_eq!(
        (stats.enqueued, stats.failed, stats.sent),
        (7, 7, 0),
        "{stats:?}"
    );
}

#[test]
fn the_counters_add_up_at_every_moment_of_a_mixed_workload() {
    const THREADS: usize = 3;
    const EACH: usize = 4_000;
    const CAPACITY: u64 = 64;
    const BATCH: u64 = 16;
    let collector = Collector::start();
    // Successes, batches refused outright, batches that run out of retries, resets, slowness.
    let mut script = Vec::new();
    for _ in 0..10 {
        script.extend([
            Reply::Status(200),
            Reply::Status(400),
            Reply::Status(500),
            Reply::Status(503),
            Reply::Status(502),
            Reply::CloseMidRequest,
            Reply::Delay(Duration::from_millis(20), 200),
            Reply::Status(200),
        ]);
    }
    collector.script(script);
    let mut config = config_for(&collector.url());
    config.set_queue_capacity(CAPACITY as u32).unwrap();
    config.set_batch_size(BATCH as u32).unwrap();
    config.set_retry_attempts(2).unwrap();
    config.set_retry_initial_delay(Duration::from_millis(1));
    let client = Client::new(&config);
    let done = AtomicBool::new(false);

    let samples = std::thread::scope(|scope| {
        let observer = scope.spawn(|| {
            let mut previous = Stats::default();
            let mut samples = 0u64;
            while !done.load(Ordering::SeqCst) {
                let stats = client.stats();
                assert!(stats.enqueued >= completed(&stats), "{stats:?}");
                for (now, before) in [
                    (stats.enqueued, previous.enqueued),
                    (stats.sent, previous.sent),
                    (stats.dropped, previous.dropped),
                    (stats.failed, previous.failed),
                ] {
                    assert!(
                        now >= before,
                        "a counter went back: {previous:?} -> {stats:?}"
                    );
                }
                previous = stats;
                samples += 1;
            }
            samples
        });
        let trackers: Vec<_> = (0..THREADS)
            .map(|t| {
                let client = &client;
                scope.spawn(move || {
                    for i in 0..EACH {
                        client
                            .track_agent_usage("agent", &format!("t{t}-{i}"), None)
                            .unwrap();
                        // Bursts with short breaks, so the sender both keeps up and falls
                        // behind; now and then a flush that may time out.
                        if i % 50 == 49 {
                            std::thread::sleep(Duration::from_millis(5));
                        }
                        if i % 1_000 == 999 {
                            let _ = client.flush(Duration::from_millis(5));
                        }
                    }
                })
            })
            .collect();
        for tracker in trackers {
            tracker.join().unwrap();
        }
        // Quiet now: what is not settled is in the queue or in the one batch being sent.
        let stats = client.stats();
        assert!(
            stats.enqueued - completed(&stats) <= CAPACITY + BATCH,
            "{stats:?}"
        );
        client.flush(WAIT).unwrap();
        done.store(true, Ordering::SeqCst);
        observer.join().unwrap()
    });

    let stats = client.stats();
    assert_eq!(stats.enqueued, (THREADS * EACH) as u64);
    assert_eq!(stats.enqueued, completed(&stats), "{stats:?}");
    assert!(
        stats.sent > 0 && stats.dropped > 0 && stats.failed > 0,
        "{stats:?}"
    );
    // `sent` is exactly what the collector kept.
    assert_eq!(stats.sent, collector.accepted_events().len() as u64);
    report(&format!(
        "\n[fault_injection] mixed workload, {samples} stats samples, all consistent; final {stats:?}\n"
    ));
}

/// Requests a collector gets in the second after the first one, with `batches` full batches
/// waiting and every answer `reply`. Backoff starts at 200 ms.
fn requests_in_first_second(reply: Reply, batches: usize) -> (usize, Stats) {
    let collector = Collector::start();
    collector.set_default_reply(reply);
    let mut config = config_for(&collector.url());
    config.set_retry_initial_delay(Duration::from_millis(200));
    config.set_batch_size(10).unwrap();
    config.set_queue_capacity(100_000).unwrap();
    let client = Client::new(&config);
    for i in 0..batches * 10 {
        client
            .track_agent_usage("agent", &format!("op-{i}"), None)
            .unwrap();
    }
    assert!(collector.wait_for_requests(1, WAIT));
    std::thread::sleep(Duration::from_secs(1));
    let requests = collector.requests();
    let first = requests[0].received_at;
    let within = requests
        .iter()
        .filter(|r| r.received_at - first < Duration::from_secs(1))
        .count();
    client.shutdown(Duration::from_millis(100));
    (within, client.stats())
}

// The two tests below fail against the current sender: it has no pause between one failed
// batch and the next, and `Retry-After: 0` replaces the backoff with no delay at all. With many
// batches queued, a collector that asks clients to slow down (503 + `Retry-After: 0`, as some
// proxies send) or refuses everything (401 after a key rotation, 404 after a move) gets every
// queued batch at once: hundreds of requests a second from one client, about 1,500 a second
// from one that keeps tracking. A bound of 20 leaves room for any sensible
// pause (200 ms of initial backoff allows about 5).

#[test]
fn a_collector_answering_retry_after_zero_is_not_hammered() {
    let (requests, stats) = requests_in_first_second(Reply::RetryAfter(503, 0), 200);
    report(&format!(
        "\n[fault_injection] always 503 + Retry-After: 0, 200 batches waiting: {requests} \
         requests in the first second ({stats:?})\n"
    ));
    assert!(requests <= 20, "{requests} requests in one second");
}

#[test]
fn a_collector_refusing_every_batch_is_not_hammered() {
    let (requests, stats) = requests_in_first_second(Reply::Status(401), 200);
    report(&format!(
        "\n[fault_injection] always 401, 200 batches waiting: {requests} requests in the \
         first second ({stats:?})\n"
    ));
    assert!(requests <= 20, "{requests} requests in one second");
}
