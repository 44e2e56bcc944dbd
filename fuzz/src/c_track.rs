//! `c_track`: arbitrary bytes through the exported C functions, NULL pointers and invalid UTF-8
//! included.
//!
//! Input: fields separated by 0xFF, a byte that never occurs in UTF-8, so a field can still hold
//! any invalid sequence, and a NUL, which ends the C string early. The first field is a script
//! of up to `MAX_OPERATIONS` operations (tracking, flush, stats, a new client from a fuzzed
//! config, shutdown) on one of: an enabled local-only client, a disabled one, the shut-down
//! global one, NULL, or the client the script created. The other fields are the strings the
//! operations pass, taken in turn.
//!
//! Every status must be the one the header documents for those arguments (never
//! `MT_ERR_INTERNAL`), the counters must add up, and every accepted event must be written
//! exactly as the public anonymizer renders it.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

use mycelium_telemetry::anonymize::is_secret_key;
use mycelium_telemetry::ffi::client::{
    mt_client, mt_client_is_enabled, mt_client_new, mt_client_stats, mt_flush, mt_global,
    mt_global_shutdown, mt_shutdown, mt_stats, mt_track_agent_usage, mt_track_error,
    mt_track_performance, mt_track_system_info,
};
use mycelium_telemetry::ffi::config::{
    mt_config, mt_config_allow_metadata_key, mt_config_free, mt_config_new,
    mt_config_set_batch_size, mt_config_set_debug, mt_config_set_enabled, mt_config_set_endpoint,
    mt_config_set_flush_interval_ms, mt_config_set_log_callback, mt_config_set_output_file,
    mt_config_set_queue_capacity, mt_config_set_retry_attempts, mt_config_set_retry_backoff,
    mt_config_set_salt, mt_config_set_salt_file, mt_config_set_timeout_secs,
};
use mycelium_telemetry::ffi::mt_status::{self, *};

use crate::wire::{acceptable_object, LocalOutput, Tracked, SALT};

const SEPARATOR: u8 = 0xFF;
const MAX_OPERATIONS: usize = 16;
/// Local-only flushes finish in microseconds; this only bounds a hang.
const FLUSH_TIMEOUT_MS: u32 = 10_000;
/// `mt_config_allow_metadata_key` admits at most this many keys per config.
const MAX_EXTRA_KEYS: usize = 32;

/// Metric values a byte can name, since eight random bytes are rarely one of them.
const SPECIAL_VALUES: [f64; 8] = [
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    0.0,
    -0.0,
    f64::MAX,
    f64::MIN_POSITIVE,
    5e-324,
];

/// A client pointer kept in a static. The header documents `mt_client` as usable from any
/// thread.
#[derive(Clone, Copy)]
struct ClientPtr(*mut mt_client);
// SAFETY: see above; the pointers are only passed to `mt_*` functions.
unsafe impl Send for ClientPtr {}

struct Fixture {
    enabled: ClientPtr,
    disabled: ClientPtr,
    shut_down: ClientPtr,
    output: LocalOutput,
    /// Set while an input is being checked: if a check panicked (replayed on stable Rust), the
    /// next input starts by clearing what it left.
    interrupted: bool,
}

fn fixture() -> MutexGuard<'static, Fixture> {
    static FIXTURE: OnceLock<Mutex<Fixture>> = OnceLock::new();
    FIXTURE
        .get_or_init(|| {
            let output = LocalOutput::new("c_track", Vec::new());
            let config = mt_config_new();
            assert_eq!(mt_config_set_enabled(config, true), MT_OK);
            set_local_only(config, &output);
            // Only the flush at the end of each input sends, so each input is checked alone.
            assert_eq!(mt_config_set_flush_interval_ms(config, 3_600_000), MT_OK);
            assert_eq!(mt_config_set_batch_size(config, 1000), MT_OK);
            let enabled = mt_client_new(config);
            mt_config_free(config);

            let config = mt_config_new();
            let disabled = mt_client_new(config);
            mt_config_free(config);

            // Shut down before first use: the global client is then never configured from the
            // environment, and stays a valid pointer that refuses every call.
            mt_global_shutdown(0);
            let shut_down = mt_global();

            assert!(!enabled.is_null() && !disabled.is_null() && !shut_down.is_null());
            assert!(mt_client_is_enabled(enabled));
            assert!(!mt_client_is_enabled(disabled) && !mt_client_is_enabled(shut_down));
            Mutex::new(Fixture {
                enabled: ClientPtr(enabled),
                disabled: ClientPtr(disabled),
                shut_down: ClientPtr(shut_down),
                output,
                interrupted: false,
            })
        })
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Whatever else a config says, its client hashes with `SALT`, writes to `output` and never
/// opens a socket or the salt file, and its warnings go to `LOG`.
fn set_local_only(config: *mut mt_config, output: &LocalOutput) {
    let salt = c_string(SALT.as_bytes());
    let path = c_string(output.path().as_os_str().as_encoded_bytes());
    assert_eq!(mt_config_set_salt(config, salt.as_ptr().cast()), MT_OK);
    assert_eq!(
        mt_config_set_output_file(config, path.as_ptr().cast()),
        MT_OK
    );
    let sink = std::ptr::addr_of!(LOG).cast_mut().cast::<c_void>();
    assert_eq!(
        mt_config_set_log_callback(config, Some(record_log), sink),
        MT_OK
    );
}

fn c_string(bytes: &[u8]) -> Vec<u8> {
    let mut buffer = bytes.to_vec();
    buffer.push(0);
    buffer
}

/// What the library logged through `record_log` that it must not have.
struct LogSink {
    bad_message: AtomicBool,
    leaked_salt: AtomicBool,
}

static LOG: LogSink = LogSink {
    bad_message: AtomicBool::new(false),
    leaked_salt: AtomicBool::new(false),
};

/// The header promises one UTF-8 line at a documented level, never holding the salt.
unsafe extern "C" fn record_log(level: c_int, message: *const c_char, user_data: *mut c_void) {
    // SAFETY: registered only by `set_local_only`, with a pointer to the static `LOG`.
    let sink = unsafe { &*user_data.cast::<LogSink>() };
    // SAFETY: the header promises a NUL-terminated string, valid during the call.
    let text = (!message.is_null()).then(|| unsafe { CStr::from_ptr(message) }.to_str());
    match text {
        Some(Ok(text)) if (1..=4).contains(&level) && !text.contains('\n') => {
            if text.contains(SALT) {
                sink.leaked_salt.store(true, Ordering::SeqCst);
            }
        }
        _ => sink.bad_message.store(true, Ordering::SeqCst),
    }
}

/// One string argument: NULL, or bytes of which C sees those before the first NUL.
struct CArg(Option<Vec<u8>>);

impl CArg {
    fn ptr(&self) -> *const c_char {
        self.0
            .as_ref()
            .map_or(std::ptr::null(), |buffer| buffer.as_ptr().cast())
    }

    fn is_null(&self) -> bool {
        self.0.is_none()
    }

    /// The text C sees: `None` for NULL, `Some(Err)` when it is not UTF-8.
    fn text(&self) -> Option<Result<&str, std::str::Utf8Error>> {
        let buffer = self.0.as_ref()?;
        let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
        Some(std::str::from_utf8(&buffer[..end]))
    }

    fn is_invalid_utf8(&self) -> bool {
        matches!(self.text(), Some(Err(_)))
    }

    fn is_empty(&self) -> bool {
        matches!(self.text(), Some(Ok("")))
    }

    /// A required argument a call accepted.
    fn accepted(&self) -> String {
        self.accepted_optional().expect("accepted, so not NULL")
    }

    /// An optional argument a call accepted.
    fn accepted_optional(&self) -> Option<String> {
        self.text()
            .map(|text| text.expect("accepted, so UTF-8").to_owned())
    }
}

/// The input, read as a script of operations and the strings they pass.
struct Script<'a> {
    operations: &'a [u8],
    strings: Vec<&'a [u8]>,
    next_string: usize,
}

impl<'a> Script<'a> {
    fn new(data: &'a [u8]) -> Self {
        let mut fields = data.split(|&b| b == SEPARATOR);
        let operations = fields.next().unwrap_or_default();
        Script {
            operations,
            strings: fields.collect(),
            next_string: 0,
        }
    }

    fn has_more(&self) -> bool {
        !self.operations.is_empty()
    }

    /// The next script byte; zeros once the script is used up.
    fn byte(&mut self) -> u8 {
        match self.operations.split_first() {
            Some((&byte, rest)) => {
                self.operations = rest;
                byte
            }
            None => 0,
        }
    }

    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        std::array::from_fn(|_| self.byte())
    }

    /// Mostly small numbers, where the documented ranges have their edges.
    fn number(&mut self) -> u32 {
        match self.byte() {
            small @ 0..=0x7F => u32::from(small),
            _ => u32::from_le_bytes(self.bytes()),
        }
    }

    fn float(&mut self) -> f64 {
        let pick = usize::from(self.byte());
        SPECIAL_VALUES
            .get(pick)
            .copied()
            .unwrap_or_else(|| f64::from_le_bytes(self.bytes()))
    }

    /// Which string arguments of the next call are NULL, one bit each; half the calls have none.
    fn null_mask(&mut self) -> u8 {
        let mask = self.byte();
        if mask & 0x80 != 0 {
            mask
        } else {
            0
        }
    }

    fn string(&mut self, null: bool) -> CArg {
        if null {
            return CArg(None);
        }
        let bytes = match self.strings.len() {
            0 => &[][..],
            len => self.strings[self.next_string % len],
        };
        self.next_string += 1;
        CArg(Some(c_string(bytes)))
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// Enabled: the fixture's client, or the one the script created.
    Collecting {
        created: bool,
    },
    Disabled,
    ShutDown,
    Null,
}

/// A client the script created, with its own output file.
struct Created {
    client: ClientPtr,
    enabled: bool,
    output: LocalOutput,
    accepted: u64,
}

struct Session<'f> {
    fixture: &'f mut Fixture,
    enqueued_before: u64,
    accepted: u64,
    created: Option<Created>,
    verified: usize,
}

/// Checks one input; returns how many written events were verified.
pub fn check(data: &[u8]) -> usize {
    let mut fixture = fixture();
    if fixture.interrupted {
        let _ = mt_flush(fixture.enabled.0, FLUSH_TIMEOUT_MS);
        fixture.output.discard();
    }
    fixture.interrupted = true;
    LOG.bad_message.store(false, Ordering::SeqCst);
    LOG.leaked_salt.store(false, Ordering::SeqCst);

    let mut session = Session {
        enqueued_before: stats_of(fixture.enabled.0).enqueued,
        fixture: &mut fixture,
        accepted: 0,
        created: None,
        verified: 0,
    };
    let mut script = Script::new(data);
    for _ in 0..MAX_OPERATIONS {
        if !script.has_more() {
            break;
        }
        session.run_one(&mut script);
    }
    let verified = session.finish();

    assert!(
        !LOG.bad_message.load(Ordering::SeqCst),
        "malformed log call"
    );
    let input_holds_salt = data.windows(SALT.len()).any(|w| w == SALT.as_bytes());
    assert!(
        input_holds_salt || !LOG.leaked_salt.load(Ordering::SeqCst),
        "the salt was logged"
    );
    fixture.interrupted = false;
    verified
}

fn stats_of(client: *const mt_client) -> mt_stats {
    let mut stats = mt_stats::default();
    assert_eq!(mt_client_stats(client, &mut stats), MT_OK);
    stats
}

impl Session<'_> {
    fn run_one(&mut self, script: &mut Script) {
        match script.byte() % 9 {
            0 => self.agent_usage(script),
            1 => self.performance(script),
            2 => self.error(script),
            3 => self.system_info(script),
            4 => self.flush(script),
            5 => self.stats(script),
            6 => {
                let (client, kind) = self.target(script.byte());
                let collecting = matches!(kind, Kind::Collecting { .. });
                assert_eq!(mt_client_is_enabled(client), collecting, "{kind:?}");
            }
            7 => self.new_client(script),
            _ => {
                let timeout = u32::from(script.byte() % 8);
                if !self.finish_created(timeout) {
                    mt_shutdown(std::ptr::null_mut(), timeout);
                }
            }
        }
    }

    fn target(&self, choice: u8) -> (*mut mt_client, Kind) {
        match (choice % 5, &self.created) {
            (1, _) => (self.fixture.disabled.0, Kind::Disabled),
            (2, _) => (self.fixture.shut_down.0, Kind::ShutDown),
            (3, _) => (std::ptr::null_mut(), Kind::Null),
            (4, Some(created)) if created.enabled => {
                (created.client.0, Kind::Collecting { created: true })
            }
            (4, Some(created)) => (created.client.0, Kind::Disabled),
            _ => (self.fixture.enabled.0, Kind::Collecting { created: false }),
        }
    }

    /// Checks a track call's status against the header, and keeps what an enabled client
    /// accepted.
    fn settle(
        &mut self,
        call: &str,
        kind: Kind,
        status: mt_status,
        expected: mt_status,
        event: impl FnOnce() -> Tracked,
    ) {
        assert_eq!(status, expected, "{call} on {kind:?}");
        if status != MT_OK {
            return;
        }
        match kind {
            Kind::Collecting { created: false } => {
                self.accepted += 1;
                self.fixture.output.record(event());
            }
            Kind::Collecting { created: true } => {
                let created = self.created.as_mut().expect("a created client");
                created.accepted += 1;
                created.output.record(event());
            }
            _ => {}
        }
    }

    fn agent_usage(&mut self, script: &mut Script) {
        let (client, kind) = self.target(script.byte());
        let nulls = script.null_mask();
        let agent_id = script.string(nulls & 1 != 0);
        let operation = script.string(nulls & 2 != 0);
        let metadata = script.string(nulls & 4 != 0);
        let call = "mt_track_agent_usage";
        let status = mt_track_agent_usage(client, agent_id.ptr(), operation.ptr(), metadata.ptr());
        let expected = expected_track_status(kind, &[&agent_id, &operation], &[], &metadata, None);
        self.settle(call, kind, status, expected, || Tracked::AgentUsage {
            agent_id: agent_id.accepted(),
            operation: operation.accepted(),
            metadata: metadata.accepted_optional(),
        });
    }

    fn performance(&mut self, script: &mut Script) {
        let (client, kind) = self.target(script.byte());
        let nulls = script.null_mask();
        let value = script.float();
        let metric_name = script.string(nulls & 1 != 0);
        let unit = script.string(nulls & 2 != 0);
        let tags = script.string(nulls & 4 != 0);
        let call = "mt_track_performance";
        let status = mt_track_performance(client, metric_name.ptr(), value, unit.ptr(), tags.ptr());
        let expected = expected_track_status(kind, &[&metric_name], &[&unit], &tags, Some(value));
        self.settle(call, kind, status, expected, || Tracked::Performance {
            metric_name: metric_name.accepted(),
            value,
            unit: unit.accepted_optional(),
            tags: tags.accepted_optional(),
        });
    }

    fn error(&mut self, script: &mut Script) {
        let (client, kind) = self.target(script.byte());
        let nulls = script.null_mask();
        let error_type = script.string(nulls & 1 != 0);
        let error_message = script.string(nulls & 2 != 0);
        let stack_trace = script.string(nulls & 4 != 0);
        let context = script.string(nulls & 8 != 0);
        let call = "mt_track_error";
        let status = mt_track_error(
            client,
            error_type.ptr(),
            error_message.ptr(),
            stack_trace.ptr(),
            context.ptr(),
        );
        let required = [&error_type, &error_message];
        let expected = expected_track_status(kind, &required, &[&stack_trace], &context, None);
        self.settle(call, kind, status, expected, || Tracked::Error {
            error_type: error_type.accepted(),
            error_message: error_message.accepted(),
            stack_trace: stack_trace.accepted_optional(),
            context: context.accepted_optional(),
        });
    }

    fn system_info(&mut self, script: &mut Script) {
        let (client, kind) = self.target(script.byte());
        let call = "mt_track_system_info";
        let status = mt_track_system_info(client);
        let expected = expected_track_status(kind, &[], &[], &CArg(None), None);
        self.settle(call, kind, status, expected, || Tracked::SystemInfo);
    }

    fn flush(&mut self, script: &mut Script) {
        let (client, kind) = self.target(script.byte());
        let status = mt_flush(client, u32::from(script.byte() % 4));
        let allowed: &[mt_status] = match kind {
            Kind::Null => &[MT_ERR_NULL_ARGUMENT],
            Kind::ShutDown => &[MT_ERR_SHUT_DOWN],
            Kind::Disabled => &[MT_OK],
            Kind::Collecting { .. } => &[MT_OK, MT_ERR_TIMEOUT],
        };
        assert!(allowed.contains(&status), "flush on {kind:?}: {status:?}");
    }

    fn stats(&mut self, script: &mut Script) {
        let (client, kind) = self.target(script.byte());
        let untouched = mt_stats {
            enqueued: u64::MAX,
            sent: u64::MAX,
            dropped: u64::MAX,
            failed: u64::MAX,
            retries: u64::MAX,
            batches_sent: u64::MAX,
        };
        let mut out = untouched;
        let null_out = script.byte() & 1 != 0;
        let out_ptr: *mut mt_stats = if null_out {
            std::ptr::null_mut()
        } else {
            &mut out
        };
        let status = mt_client_stats(client, out_ptr);
        if kind == Kind::Null || null_out {
            assert_eq!(status, MT_ERR_NULL_ARGUMENT);
            assert_eq!(out, untouched, "written on failure");
            return;
        }
        assert_eq!(status, MT_OK);
        let completed = out.sent + out.dropped + out.failed;
        match kind {
            Kind::Disabled | Kind::ShutDown => assert_eq!(out, mt_stats::default()),
            Kind::Collecting { created: false } => {
                assert_eq!(out.enqueued, self.enqueued_before + self.accepted);
                assert_eq!((out.dropped, out.failed), (0, 0), "{out:?}");
                assert!(completed <= out.enqueued, "{out:?}");
            }
            Kind::Collecting { created: true } => {
                let accepted = self.created.as_ref().map_or(0, |c| c.accepted);
                assert_eq!(out.enqueued, accepted);
                assert!(completed <= out.enqueued, "{out:?}");
            }
            Kind::Null => unreachable!(),
        }
    }

    /// A client from a config built with fuzzed settings, each status checked, then made
    /// local-only. It replaces the one the script created before.
    fn new_client(&mut self, script: &mut Script) {
        self.finish_created(u32::from(script.byte() % 8));
        let flags = script.byte();
        if flags & 1 != 0 {
            refuse_null_config(script);
        }
        let config = mt_config_new();
        assert!(!config.is_null());
        let enabled = flags & 2 != 0;
        assert_eq!(mt_config_set_enabled(config, enabled), MT_OK);

        let url = script.string(flags & 4 != 0);
        let status = mt_config_set_endpoint(config, url.ptr());
        let allowed: &[mt_status] = match url.text() {
            None => &[MT_ERR_NULL_ARGUMENT],
            Some(Err(_)) => &[MT_ERR_INVALID_UTF8],
            Some(Ok(_)) => &[MT_OK, MT_ERR_INVALID_CONFIG_VALUE],
        };
        assert!(allowed.contains(&status), "endpoint: {status:?}");

        let in_range = |ok: bool| {
            if ok {
                MT_OK
            } else {
                MT_ERR_INVALID_CONFIG_VALUE
            }
        };
        let n = script.number();
        assert_eq!(
            mt_config_set_timeout_secs(config, n),
            in_range((1..=30).contains(&n))
        );
        let n = script.number();
        assert_eq!(
            mt_config_set_batch_size(config, n),
            in_range((1..=1000).contains(&n))
        );
        let n = script.number();
        assert_eq!(mt_config_set_retry_attempts(config, n), in_range(n <= 10));
        let n = script.number();
        assert_eq!(
            mt_config_set_flush_interval_ms(config, n),
            in_range((10..=3_600_000).contains(&n))
        );
        let n = script.number();
        assert_eq!(
            mt_config_set_queue_capacity(config, n),
            in_range((1..=1_000_000).contains(&n))
        );
        let factor = script.float();
        assert_eq!(
            mt_config_set_retry_backoff(config, factor),
            in_range((1.0..=10.0).contains(&factor))
        );

        // Salt, salt file and output file refuse only an empty text; all three are replaced
        // by `set_local_only` below, so the fuzzed ones are never used.
        type TextSetter = extern "C" fn(*mut mt_config, *const c_char) -> mt_status;
        let text_setters: [TextSetter; 3] = [
            mt_config_set_salt,
            mt_config_set_salt_file,
            mt_config_set_output_file,
        ];
        for (bit, setter) in text_setters.into_iter().enumerate() {
            let text = script.string(flags & (8 << bit) != 0);
            assert_eq!(setter(config, text.ptr()), expected_text_setting(&text));
        }

        let mut extra_keys: Vec<String> = Vec::new();
        for _ in 0..script.byte() % 4 {
            let key = script.string(false);
            let status = mt_config_allow_metadata_key(config, key.ptr());
            let expected = match key.text() {
                Some(Err(_)) => MT_ERR_INVALID_UTF8,
                Some(Ok(key)) if !well_formed_key(key) || is_secret_key(key) => {
                    MT_ERR_INVALID_CONFIG_VALUE
                }
                Some(Ok(key)) if extra_keys.iter().any(|k| k == key) => MT_OK,
                Some(Ok(_)) if extra_keys.len() >= MAX_EXTRA_KEYS => MT_ERR_INVALID_CONFIG_VALUE,
                Some(Ok(key)) => {
                    extra_keys.push(key.to_owned());
                    MT_OK
                }
                None => unreachable!("never NULL"),
            };
            assert_eq!(status, expected, "allow_metadata_key({:?})", key.text());
        }
        assert_eq!(mt_config_set_debug(config, flags & 64 != 0), MT_OK);
        assert_eq!(
            mt_config_set_log_callback(config, None, std::ptr::null_mut()),
            MT_OK
        );

        let output = LocalOutput::new("c_track-created", extra_keys);
        set_local_only(config, &output);
        let client = mt_client_new(config);
        mt_config_free(config);
        assert!(!client.is_null());
        assert_eq!(mt_client_is_enabled(client), enabled);
        self.created = Some(Created {
            client: ClientPtr(client),
            enabled,
            output,
            accepted: 0,
        });
    }

    /// Flushes, checks and shuts down the client the script created, if any.
    fn finish_created(&mut self, shutdown_timeout_ms: u32) -> bool {
        let Some(mut created) = self.created.take() else {
            return false;
        };
        let client = created.client.0;
        assert_eq!(mt_flush(client, FLUSH_TIMEOUT_MS), MT_OK);
        let stats = stats_of(client);
        if created.enabled {
            assert_eq!(stats.enqueued, created.accepted, "{stats:?}");
            assert_eq!(stats.failed, 0, "{stats:?}");
            assert_eq!(stats.sent + stats.dropped, stats.enqueued, "{stats:?}");
            // A small queue may have displaced events; which ones depends on timing.
            self.verified += if stats.dropped == 0 {
                created.output.verify_all_sent()
            } else {
                created.output.verify_invariants_only(stats.sent)
            };
        } else {
            assert_eq!(stats, mt_stats::default());
        }
        mt_shutdown(client, shutdown_timeout_ms);
        true
    }

    /// Flushes and checks the fixture's client after the script ran.
    fn finish(mut self) -> usize {
        self.finish_created(0);
        let enabled = self.fixture.enabled.0;
        assert_eq!(mt_flush(enabled, FLUSH_TIMEOUT_MS), MT_OK);
        let stats = stats_of(enabled);
        assert_eq!(stats.enqueued, self.enqueued_before + self.accepted);
        assert_eq!((stats.dropped, stats.failed), (0, 0), "{stats:?}");
        assert_eq!(stats.sent, stats.enqueued, "{stats:?}");
        self.verified + self.fixture.output.verify_all_sent()
    }
}

/// The status a track call owes: a NULL client or required string first, then the client's
/// state, then UTF-8 (of every string given), the metric value, and whether the JSON is one
/// acceptable object.
fn expected_track_status(
    kind: Kind,
    required: &[&CArg],
    optional: &[&CArg],
    json: &CArg,
    value: Option<f64>,
) -> mt_status {
    if kind == Kind::Null || required.iter().any(|arg| arg.is_null()) {
        return MT_ERR_NULL_ARGUMENT;
    }
    match kind {
        Kind::ShutDown => return MT_ERR_SHUT_DOWN,
        Kind::Disabled => return MT_OK,
        _ => {}
    }
    let mut strings = required.iter().chain(optional).chain([&json]);
    if strings.any(|arg| arg.is_invalid_utf8()) {
        return MT_ERR_INVALID_UTF8;
    }
    if value.is_some_and(|value| !value.is_finite()) {
        return MT_ERR_INVALID_ARGUMENT;
    }
    match json.text() {
        Some(Ok(text)) if acceptable_object(text).is_none() => MT_ERR_INVALID_JSON,
        _ => MT_OK,
    }
}

fn expected_text_setting(text: &CArg) -> mt_status {
    match text.text() {
        None => MT_ERR_NULL_ARGUMENT,
        Some(Err(_)) => MT_ERR_INVALID_UTF8,
        Some(Ok(_)) if text.is_empty() => MT_ERR_INVALID_CONFIG_VALUE,
        Some(Ok(_)) => MT_OK,
    }
}

/// The header's rule: 1 to 64 bytes of `A-Z a-z 0-9 _ . -`.
fn well_formed_key(key: &str) -> bool {
    (1..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// Every setter, given a NULL config, refuses it before reading anything else.
fn refuse_null_config(script: &mut Script) {
    let config = std::ptr::null_mut();
    let text = script.string(false);
    let number = script.number();
    let statuses = [
        mt_config_set_enabled(config, true),
        mt_config_set_endpoint(config, text.ptr()),
        mt_config_set_timeout_secs(config, number),
        mt_config_set_batch_size(config, number),
        mt_config_set_retry_attempts(config, number),
        mt_config_set_retry_backoff(config, script.float()),
        mt_config_set_salt(config, text.ptr()),
        mt_config_set_salt_file(config, text.ptr()),
        mt_config_set_flush_interval_ms(config, number),
        mt_config_set_queue_capacity(config, number),
        mt_config_set_log_callback(config, Some(record_log), std::ptr::null_mut()),
        mt_config_allow_metadata_key(config, text.ptr()),
        mt_config_set_output_file(config, text.ptr()),
        mt_config_set_debug(config, true),
    ];
    for (index, status) in statuses.into_iter().enumerate() {
        assert_eq!(
            status, MT_ERR_NULL_ARGUMENT,
            "setter #{index} with NULL config"
        );
    }
    mt_config_free(config);
}
