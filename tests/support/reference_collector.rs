//! The reference collector (`collector/`, the workspace member `mycelium-collector`) as a
//! program for root-crate tests: in-memory SQLite, `--print-stored` lines collected, its own
//! `/metrics` counters read over HTTP. Cargo only builds a package's own binaries for its tests
//! (`CARGO_BIN_EXE_*` does not cross packages), so the binary is built here once per test run.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::Value;

/// `target/reference_collector/debug/mycelium-collector`, built (or found up to date) once per
/// test run, where `build_reference_collector` in `.ci/lib.sh` builds it for the C and binding
/// tests. A target directory of its own: built next to this crate's tests, the library would be
/// rebuilt each time one build or the other runs (the root crate's dev-dependencies change
/// the features of shared dependencies).
pub fn binary() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
            let target = root.join("target/reference_collector");
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args(["build", "--quiet", "-p", "mycelium-collector"])
                .args(["--bin", "mycelium-collector", "--target-dir"])
                .arg(&target)
                .current_dir(root)
                .status()
                .expect("running cargo to build mycelium-collector");
            assert!(status.success(), "cargo build -p mycelium-collector failed");
            target.join("debug/mycelium-collector")
        })
        .clone()
}

/// A port nothing listens on now: the collector "down" until [`ReferenceCollector::start_on`].
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub struct ReferenceCollector {
    child: Child,
    port: u16,
    stored: Arc<Mutex<Vec<Value>>>,
}

impl ReferenceCollector {
    /// Starts it on 127.0.0.1:`port` (0: any free port) with no rate limits, and waits for its
    /// `listening on` line.
    pub fn start_on(port: u16) -> ReferenceCollector {
        let mut child = Command::new(binary())
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--storage", "sqlite::memory:", "--print-stored"])
            .args(["--rate-per-address", "0", "--rate-per-token", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting mycelium-collector");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().expect("collector output").unwrap();
        let address = first
            .rsplit_once("http://")
            .unwrap_or_else(|| panic!("not a listening line: {first}"))
            .1;
        let port = address.rsplit_once(':').unwrap().1.parse().unwrap();
        let stored = Arc::new(Mutex::new(Vec::new()));
        let sink = stored.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                sink.lock()
                    .unwrap()
                    .push(serde_json::from_str(&line).unwrap());
            }
        });
        ReferenceCollector {
            child,
            port,
            stored,
        }
    }

    pub fn url(&self) -> String {
        endpoint(self.port)
    }

    /// The batches it stored, as it printed them.
    pub fn stored(&self) -> Vec<Value> {
        self.stored.lock().unwrap().clone()
    }

    /// Waits until `count` batches were printed (they are printed once stored).
    pub fn wait_stored(&self, count: usize, timeout: Duration) -> Vec<Value> {
        let deadline = Instant::now() + timeout;
        while self.stored.lock().unwrap().len() < count && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        self.stored()
    }

    /// A counter of its `/metrics` page (0 when it was never counted).
    pub fn metric(&self, name: &str) -> u64 {
        let url = format!("http://127.0.0.1:{}/metrics", self.port);
        let page = minreq::get(url).with_timeout(10).send().unwrap();
        assert_eq!(page.status_code, 200);
        page.as_str()
            .unwrap()
            .lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
            .map_or(0, |value| value.trim().parse::<f64>().unwrap() as u64)
    }
}

pub fn endpoint(port: u16) -> String {
    format!("http://127.0.0.1:{port}/v1/events")
}

impl Drop for ReferenceCollector {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
