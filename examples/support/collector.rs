//! A small, real HTTP/1.1 collector on 127.0.0.1 for the quickstart and the integration tests.
//!
//! It records every request (method, path, headers, body) and answers each one from a script of
//! replies, then with a default reply (200 unless changed): a status, a status with
//! `Retry-After`, a late answer, no answer at all, a connection dropped mid-request, or a body
//! read slowly. It can be stopped (the port then refuses connections, like a collector that is
//! down) and restarted on the same port. One thread accepts; each connection gets its own
//! thread, so a hung reply never blocks the next request.
//! Shared by `examples/quickstart.rs` and `tests/*.rs` through `#[path]`, so there is one copy.

#![allow(dead_code)] // Each user needs a different part of it.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How the collector answers one request.
#[derive(Clone, Debug)]
pub enum Reply {
    Status(u16),
    /// A status with a `Retry-After: <secs>` header.
    RetryAfter(u16, u64),
    /// Read the request, then never answer (until the collector stops or hangs up).
    Hang,
    /// Read the request, wait, then answer with the status: a slow collector, or a timeout when
    /// the wait is longer than the client's request timeout.
    Delay(Duration, u16),
    /// Read the head and half the body, then drop the connection without answering.
    CloseMidRequest,
    /// Read the body `chunk` bytes at a time with a `pause` before each read, then answer 200:
    /// a collector that is slow to take the upload rather than slow to answer.
    SlowRead {
        chunk: usize,
        pause: Duration,
    },
    /// A status with a JSON body, as an OTLP receiver's `partialSuccess` answer.
    Json(u16, String),
}

impl Reply {
    /// The status this reply sends, if it sends one.
    fn status(&self) -> Option<u16> {
        match *self {
            Reply::Status(status)
            | Reply::RetryAfter(status, _)
            | Reply::Delay(_, status)
            | Reply::Json(status, _) => Some(status),
            Reply::SlowRead { .. } => Some(200),
            Reply::Hang | Reply::CloseMidRequest => None,
        }
    }
}

/// One request as the collector received it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// The whole body, or only what was read before the connection ended.
    pub body: Vec<u8>,
    /// False when the body did not fully arrive: a `CloseMidRequest`, or the client gave up.
    pub complete: bool,
    /// The status the collector answered (or, for `Delay`, will answer); `None` for no answer.
    pub answer: Option<u16>,
    /// When the request line and headers had arrived.
    pub received_at: Instant,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("collector received valid JSON")
    }

    /// True when the collector took a whole batch and answered 2xx (a `Delay` answers even if
    /// the client has given up by then).
    pub fn accepted(&self) -> bool {
        self.complete
            && self
                .answer
                .is_some_and(|status| (200..300).contains(&status))
    }

    fn events(&self) -> Vec<serde_json::Value> {
        self.json()["events"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

struct State {
    requests: Vec<Request>,
    script: VecDeque<Reply>,
    default_reply: Reply,
    hung: Vec<TcpStream>,
}

/// The accepting thread of one listening period (between a start and a stop).
struct Acceptor {
    stopping: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

pub struct Collector {
    addr: SocketAddr,
    state: Arc<(Mutex<State>, Condvar)>,
    acceptor: Mutex<Option<Acceptor>>,
}

impl Collector {
    /// Starts listening on a free loopback port.
    pub fn start() -> Self {
        Self::start_on(0)
    }

    /// Starts listening on this loopback port (0: a free one).
    pub fn start_on(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new((
            Mutex::new(State {
                requests: Vec::new(),
                script: VecDeque::new(),
                default_reply: Reply::Status(200),
                hung: Vec::new(),
            }),
            Condvar::new(),
        ));
        let acceptor = spawn_acceptor(listener, state.clone());
        Collector {
            addr,
            state,
            acceptor: Mutex::new(Some(acceptor)),
        }
    }

    /// The endpoint URL to configure a client with.
    pub fn url(&self) -> String {
        format!("http://{}/v1/events", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Replies for the next requests, in order; after them every request gets the default reply.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.state.0.lock().unwrap().script.extend(replies);
    }

    /// The reply for every request once the script is used up (200 until this is called).
    pub fn set_default_reply(&self, reply: Reply) {
        self.state.0.lock().unwrap().default_reply = reply;
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.0.lock().unwrap().requests.clone()
    }

    /// Waits until at least `count` requests arrived; false if `timeout` passed first.
    pub fn wait_for_requests(&self, count: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let (lock, signal) = &*self.state;
        let mut state = lock.lock().unwrap();
        while state.requests.len() < count {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            state = signal.wait_timeout(state, deadline - now).unwrap().0;
        }
        true
    }

    /// Every event of every complete batch received so far, in arrival order, whatever the
    /// answer (a retried batch appears once per attempt).
    pub fn events(&self) -> Vec<serde_json::Value> {
        self.requests()
            .iter()
            .filter(|request| request.complete)
            .flat_map(Request::events)
            .collect()
    }

    /// The events of the batches answered 2xx, in arrival order: what the collector kept.
    pub fn accepted_events(&self) -> Vec<serde_json::Value> {
        self.requests()
            .iter()
            .filter(|request| request.accepted())
            .flat_map(Request::events)
            .collect()
    }

    /// How many times the collector accepted (answered 2xx to a complete batch) each
    /// `batch_id`, and how many events that batch held: a collector that deduplicates stores a
    /// batch once however often it arrives, so "stored exactly once" is one entry per batch.
    /// Batches without an id are left out.
    pub fn accepted_batch_ids(&self) -> std::collections::BTreeMap<String, (usize, usize)> {
        let mut batches = std::collections::BTreeMap::new();
        for request in self.requests().iter().filter(|request| request.accepted()) {
            let body = request.json();
            let Some(id) = body["batch_id"].as_str() else {
                continue;
            };
            let events = body["events"].as_array().map_or(0, Vec::len);
            let entry = batches.entry(id.to_owned()).or_insert((0, events));
            entry.0 += 1;
        }
        batches
    }

    /// Closes every connection left hanging, as a crashing collector would: the clients see the
    /// connection drop instead of waiting for their timeout.
    pub fn hang_up(&self) {
        let hung = std::mem::take(&mut self.state.0.lock().unwrap().hung);
        for stream in hung {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    /// Stops listening and hangs up: until `restart`, connecting to the port is refused.
    /// Requests already being read or delayed finish on their own threads.
    pub fn stop(&self) {
        if let Some(acceptor) = self.acceptor.lock().unwrap().take() {
            acceptor.stopping.store(true, Ordering::SeqCst);
            // `accept` has no timeout: a connection of our own wakes it to see the flag.
            let _ = TcpStream::connect(self.addr);
            let _ = acceptor.thread.join();
        }
        self.hang_up();
    }

    /// Listens again on the same port, keeping the recorded requests, script and default reply.
    pub fn restart(&self) {
        let mut acceptor = self.acceptor.lock().unwrap();
        if acceptor.is_some() {
            return;
        }
        // The port was ours a moment ago; give a lingering socket a little time to let go.
        let deadline = Instant::now() + Duration::from_secs(5);
        let listener = loop {
            match TcpListener::bind(self.addr) {
                Ok(listener) => break listener,
                Err(error) if Instant::now() >= deadline => {
                    panic!("cannot listen again on {}: {error}", self.addr)
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        };
        *acceptor = Some(spawn_acceptor(listener, self.state.clone()));
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        self.stop();
    }
}

fn spawn_acceptor(listener: TcpListener, state: Arc<(Mutex<State>, Condvar)>) -> Acceptor {
    let stopping = Arc::new(AtomicBool::new(false));
    let flag = stopping.clone();
    let thread = std::thread::spawn(move || {
        for stream in listener.incoming() {
            if flag.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            let state = state.clone();
            std::thread::spawn(move || serve(stream, &state));
        }
        // The listener drops here: from now on the port refuses connections.
    });
    Acceptor { stopping, thread }
}

fn serve(stream: TcpStream, state: &(Mutex<State>, Condvar)) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    // No read-ahead: the body stays in the socket until the reply decides how to read it (or
    // not to: closing with unread data resets the connection, as a crashing server's would).
    let mut reader = BufReader::with_capacity(1, &stream);
    let Some((method, path, headers)) = read_head(&mut reader) else {
        return;
    };
    let received_at = Instant::now();
    let (lock, signal) = state;
    // The reply is chosen before the body is read, because some replies are about reading it.
    let reply = {
        let mut state = lock.lock().unwrap();
        let default = state.default_reply.clone();
        state.script.pop_front().unwrap_or(default)
    };
    let length: usize = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0);
    let body = match reply {
        Reply::CloseMidRequest => read_body(&mut reader, length / 2, length, Duration::ZERO),
        Reply::SlowRead { chunk, pause } => read_body(&mut reader, length, chunk, pause),
        _ => read_body(&mut reader, length, length, Duration::ZERO),
    };
    drop(reader);
    // Short when the collector hangs up on purpose, or when the client gave up while sending.
    let complete = body.len() == length;
    let answer = if complete { reply.status() } else { None };
    {
        let mut state = lock.lock().unwrap();
        state.requests.push(Request {
            method,
            path,
            headers,
            body,
            complete,
            answer,
            received_at,
        });
        signal.notify_all();
        if let Reply::Hang = reply {
            // Kept open so the client keeps waiting, until `hang_up` or `stop`.
            state.hung.push(stream);
            return;
        }
    }
    if !complete {
        // Dropping the socket with unread data resets the connection: no answer at all.
        return;
    }
    let mut extra = String::new();
    let mut content = String::new();
    match reply {
        Reply::Json(_, ref body) => {
            extra = "Content-Type: application/json\r\n".to_owned();
            content = body.clone();
        }
        Reply::Delay(delay, _) => std::thread::sleep(delay),
        Reply::RetryAfter(_, secs) => extra = format!("Retry-After: {secs}\r\n"),
        _ => {}
    }
    let status = reply.status().unwrap_or(200);
    if (300..400).contains(&status) {
        // A real redirect target on this collector: a client that followed it would be seen.
        if let Ok(addr) = stream.local_addr() {
            extra.push_str(&format!("Location: http://{addr}/moved\r\n"));
        }
    }
    let response = format!(
        "HTTP/1.1 {status} Scripted\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{content}",
        content.len()
    );
    let mut stream = stream;
    let _ = stream.write_all(response.as_bytes());
}

type Head = (String, String, Vec<(String, String)>);

fn read_head(reader: &mut impl BufRead) -> Option<Head> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    Some((method, path, headers))
}

/// Reads up to `limit` bytes, at most `chunk` per read, sleeping `pause` before each read.
/// Returns what it got: less than `limit` when the peer closed or the read timed out.
fn read_body(reader: &mut impl Read, limit: usize, chunk: usize, pause: Duration) -> Vec<u8> {
    let mut body = vec![0; limit];
    let mut filled = 0;
    while filled < limit {
        if !pause.is_zero() {
            std::thread::sleep(pause);
        }
        let end = (filled + chunk.max(1)).min(limit);
        match reader.read(&mut body[filled..end]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    body.truncate(filled);
    body
}
