//! Why the client queues events in a `crossbeam_queue::ArrayQueue`: the same push path over the
//! two standard alternatives, measured side by side (issue #6, docs/performance.md).
//!
//! Every queue holds at most the client's default capacity (8,192) and never blocks a producer.
//! When full, `ArrayQueue::force_push` and the `Mutex<VecDeque>` displace the oldest event, as
//! the client does; `sync_channel` cannot reach its oldest event from the sending side, so
//! `try_send` fails and the new event is dropped instead.
//!
//! The consumer, when there is one, drains whatever is queued one event at a time (as the
//! sender pops a batch) and naps 50 µs when it finds nothing.
//!
//! Medians hide what a lock costs when its holder is preempted, so after criterion's figures
//! this program also times every single push of two producers and prints the tail, one JSON
//! line per queue (`queue_tails/…`, for `benches/report.py`).

use std::collections::VecDeque;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use criterion::{criterion_group, BenchmarkId, Criterion};
use crossbeam_queue::ArrayQueue;

const CAPACITY: usize = 8192;

/// Shaped like the client's queued event: the caller's strings copied into one allocation,
/// their offsets, a kind and a timestamp.
struct QueuedEvent {
    timestamp: f64,
    text: Box<str>,
    ends: [u32; 4],
    kind: u8,
}

impl QueuedEvent {
    fn new(agent_id: &str, operation: &str) -> Self {
        let mut text = String::with_capacity(agent_id.len() + operation.len());
        text.push_str(agent_id);
        let agent_end = text.len() as u32;
        text.push_str(operation);
        let end = text.len() as u32;
        QueuedEvent {
            timestamp: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0.0, |elapsed| elapsed.as_secs_f64()),
            text: text.into_boxed_str(),
            ends: [agent_end, end, end, end],
            kind: 0,
        }
    }
}

trait EventQueue: Sync {
    fn new(capacity: usize) -> Self;
    /// Never blocks; when full, one event (which one depends on the queue) is dropped.
    fn push(&self, event: QueuedEvent);
    /// Pops everything queued; returns how many events there were.
    fn drain(&self) -> usize;
}

impl EventQueue for ArrayQueue<QueuedEvent> {
    fn new(capacity: usize) -> Self {
        ArrayQueue::new(capacity)
    }
    fn push(&self, event: QueuedEvent) {
        drop(self.force_push(event));
    }
    fn drain(&self) -> usize {
        std::iter::from_fn(|| self.pop()).map(consume).count()
    }
}

struct Channel {
    sender: SyncSender<QueuedEvent>,
    // Only the one consumer locks it: the lock is never contended and is taken once per drain.
    receiver: Mutex<Receiver<QueuedEvent>>,
}

impl EventQueue for Channel {
    fn new(capacity: usize) -> Self {
        let (sender, receiver) = sync_channel(capacity);
        Channel {
            sender,
            receiver: Mutex::new(receiver),
        }
    }
    fn push(&self, event: QueuedEvent) {
        drop(self.sender.try_send(event));
    }
    fn drain(&self) -> usize {
        let receiver = self.receiver.lock().expect("receiver lock");
        receiver.try_iter().map(consume).count()
    }
}

struct LockedDeque {
    capacity: usize,
    events: Mutex<VecDeque<QueuedEvent>>,
}

impl EventQueue for LockedDeque {
    fn new(capacity: usize) -> Self {
        LockedDeque {
            capacity,
            events: Mutex::new(VecDeque::with_capacity(capacity)),
        }
    }
    fn push(&self, event: QueuedEvent) {
        let mut events = self.events.lock().expect("queue lock");
        // Freed after unlocking, so that a displaced event costs no time under the lock.
        let displaced = if events.len() == self.capacity {
            events.pop_front()
        } else {
            None
        };
        events.push_back(event);
        drop(events);
        drop(displaced);
    }
    fn drain(&self) -> usize {
        std::iter::from_fn(|| self.events.lock().expect("queue lock").pop_front())
            .map(consume)
            .count()
    }
}

/// What the consumer does with an event: reads it, then frees it, as the sender would.
fn consume(event: QueuedEvent) {
    black_box((event.timestamp, &event.text, event.ends, event.kind));
}

fn push_one(queue: &impl EventQueue) {
    queue.push(QueuedEvent::new(
        black_box("agent-7"),
        black_box("summarize"),
    ));
}

/// Mean time each of `producers` threads spends on `iters` pushes, with a consumer draining
/// meanwhile if `draining`, starting from a queue filled to capacity if not.
fn time_pushes<Q: EventQueue>(iters: u64, producers: usize, draining: bool) -> Duration {
    let queue = Q::new(CAPACITY);
    if !draining {
        for _ in 0..CAPACITY {
            push_one(&queue);
        }
    }
    let stop = AtomicBool::new(false);
    let barrier = Barrier::new(producers);
    let produce = || {
        barrier.wait();
        let start = Instant::now();
        for _ in 0..iters {
            push_one(&queue);
        }
        start.elapsed()
    };
    let total: Duration = std::thread::scope(|scope| {
        if draining {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    if queue.drain() == 0 {
                        std::thread::sleep(Duration::from_micros(50));
                    }
                }
            });
        }
        let helpers: Vec<_> = (1..producers).map(|_| scope.spawn(produce)).collect();
        let mine = produce();
        let total = helpers
            .into_iter()
            .map(|helper| helper.join().expect("producer"))
            .sum::<Duration>()
            + mine;
        stop.store(true, Ordering::Relaxed);
        total
    });
    total / producers as u32
}

fn compare<Q: EventQueue>(c: &mut Criterion, queue_name: &str) {
    let mut group = c.benchmark_group("queue_baselines");
    let scenarios = [
        ("one_producer_full", 1, false),
        ("one_producer_draining", 1, true),
        ("two_producers_draining", 2, true),
    ];
    for (scenario, producers, draining) in scenarios {
        group.bench_function(BenchmarkId::new(queue_name, scenario), |b| {
            b.iter_custom(|iters| time_pushes::<Q>(iters, producers, draining))
        });
    }
    group.finish();
}

fn queue_baselines(c: &mut Criterion) {
    compare::<ArrayQueue<QueuedEvent>>(c, "array_queue");
    compare::<Channel>(c, "sync_channel");
    compare::<LockedDeque>(c, "mutex_vecdeque");
}

/// Two producers push `pushes` events each, with the consumer draining; every push is timed by
/// reading the clock once per push (the gap between two reads is one push and one read).
fn push_latencies<Q: EventQueue>(pushes: usize) -> Vec<u64> {
    let queue = Q::new(CAPACITY);
    let stop = AtomicBool::new(false);
    let barrier = Barrier::new(2);
    let produce = || {
        let mut gaps = Vec::with_capacity(pushes);
        barrier.wait();
        let mut last = Instant::now();
        for _ in 0..pushes {
            push_one(&queue);
            let now = Instant::now();
            gaps.push((now - last).as_nanos() as u64);
            last = now;
        }
        gaps
    };
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                if queue.drain() == 0 {
                    std::thread::sleep(Duration::from_micros(50));
                }
            }
        });
        let other = scope.spawn(produce);
        let mut gaps = produce();
        gaps.extend(other.join().expect("producer"));
        stop.store(true, Ordering::Relaxed);
        gaps
    })
}

fn print_tail<Q: EventQueue>(queue_name: &str, pushes: usize) {
    let mut gaps = push_latencies::<Q>(pushes);
    gaps.sort_unstable();
    let at = |fraction: f64| gaps[((gaps.len() - 1) as f64 * fraction).round() as usize];
    println!(
        "{}",
        serde_json::json!({
            "name": format!("queue_tails/{queue_name}/two_producers_draining"),
            "median_ns": at(0.5),
            "p99_ns": at(0.99),
            "p999_ns": at(0.999),
            "max_ns": at(1.0),
            "calls": gaps.len(),
            "method": "one clock read per push; gap between reads = one push + one read",
        })
    );
}

fn tails() {
    let quick = std::env::var_os("MT_BENCH_QUICK").is_some_and(|value| value != "0");
    let pushes = if quick { 20_000 } else { 200_000 };
    print_tail::<ArrayQueue<QueuedEvent>>("array_queue", pushes);
    print_tail::<Channel>("sync_channel", pushes);
    print_tail::<LockedDeque>("mutex_vecdeque", pushes);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    targets = queue_baselines
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // Only when benchmarking: as a test (`cargo test --benches`) criterion runs each benchmark
    // once, and so should this program.
    if std::env::args().any(|arg| arg == "--bench") {
        tails();
    }
}
