//! A small, real HTTP/1.1 collector on 127.0.0.1 for the quickstart and the integration tests.
//!
//! It records every request (method, path, headers, body) and answers each one from a script of
//! replies (then 200): a status, a status with `Retry-After`, or no answer at all. One thread
//! accepts; each connection gets its own thread, so a hung reply never blocks the next request.
//! Shared by `examples/quickstart.rs` and `tests/*.rs` through `#[path]`, so there is one copy.

#![allow(dead_code)] // Each user needs a different part of it.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
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
    /// Read the request, then never answer (until the collector stops).
    Hang,
}

/// One request as the collector received it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
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
}

#[derive(Default)]
struct State {
    requests: Vec<Request>,
    script: VecDeque<Reply>,
    hung: Vec<TcpStream>,
}

pub struct Collector {
    addr: SocketAddr,
    state: Arc<(Mutex<State>, Condvar)>,
    stopping: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl Collector {
    /// Starts listening on a free loopback port.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new((Mutex::new(State::default()), Condvar::new()));
        let stopping = Arc::new(AtomicBool::new(false));
        let acceptor = {
            let (state, stopping) = (state.clone(), stopping.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stopping.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let state = state.clone();
                    std::thread::spawn(move || serve(stream, &state));
                }
            })
        };
        Collector {
            addr,
            state,
            stopping,
            acceptor: Some(acceptor),
        }
    }

    /// The endpoint URL to configure a client with.
    pub fn url(&self) -> String {
        format!("http://{}/v1/events", self.addr)
    }

    /// Replies for the next requests, in order; after them every request gets 200.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.state.0.lock().unwrap().script.extend(replies);
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

    /// Every event of every batch received so far, in arrival order.
    pub fn events(&self) -> Vec<serde_json::Value> {
        self.requests()
            .iter()
            .flat_map(|request| {
                request.json()["events"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .collect()
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the acceptor so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        self.state.0.lock().unwrap().hung.clear();
    }
}

fn serve(stream: TcpStream, state: &(Mutex<State>, Condvar)) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Some(request) = read_request(&stream) else {
        return;
    };
    let (lock, signal) = state;
    let reply = {
        let mut state = lock.lock().unwrap();
        state.requests.push(request);
        signal.notify_all();
        state.script.pop_front().unwrap_or(Reply::Status(200))
    };
    let (status, extra) = match reply {
        Reply::Status(status) => (status, String::new()),
        Reply::RetryAfter(status, secs) => (status, format!("Retry-After: {secs}\r\n")),
        Reply::Hang => {
            lock.lock().unwrap().hung.push(stream);
            return;
        }
    };
    let response = format!(
        "HTTP/1.1 {status} Scripted\r\nContent-Length: 0\r\nConnection: close\r\n{extra}\r\n"
    );
    let mut stream = stream;
    let _ = stream.write_all(response.as_bytes());
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream);
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
    let length: usize = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body,
        received_at: Instant::now(),
    })
}
