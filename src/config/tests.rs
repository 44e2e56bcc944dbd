use super::*;
use std::collections::HashMap;
use std::ffi::OsString;

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).map(OsString::from)
}

#[test]
fn disabled_unless_opted_in() {
    let config = Config::try_from_lookup(lookup(&[])).unwrap();
    assert!(!config.enabled());
    for no in ["false", "0", "no", "off", "", "enable", "2"] {
        let config = Config::try_from_lookup(lookup(&[("TELEMETRY_ENABLED", no)])).unwrap();
        assert!(!config.enabled(), "{no:?} must not enable");
    }
    for yes in ["true", "TRUE", "1", "yes", "Yes", "on", "ON", " true "] {
        let config = Config::try_from_lookup(lookup(&[("TELEMETRY_ENABLED", yes)])).unwrap();
        assert!(config.enabled(), "{yes:?} must enable");
    }
}

#[test]
fn do_not_track_always_wins() {
    for dnt in ["1", "true", "yes", "anything"] {
        let config = Config::try_from_lookup(lookup(&[
            ("TELEMETRY_ENABLED", "true"),
            ("DO_NOT_TRACK", dnt),
        ]))
        .unwrap();
        assert!(!config.enabled(), "DO_NOT_TRACK={dnt:?} must disable");
    }
    for not_set in ["", "0"] {
        let config = Config::try_from_lookup(lookup(&[
            ("TELEMETRY_ENABLED", "true"),
            ("DO_NOT_TRACK", not_set),
        ]))
        .unwrap();
        assert!(
            config.enabled(),
            "DO_NOT_TRACK={not_set:?} must not disable"
        );
    }
}

#[test]
fn nothing_else_is_read_when_disabled() {
    // An invalid value in a variable that is never read cannot disable or warn.
    let read = std::cell::RefCell::new(Vec::new());
    let config = Config::try_from_lookup(|name: &str| {
        read.borrow_mut().push(name.to_owned());
        (name == "TELEMETRY_ENABLED").then(|| OsString::from("no"))
    })
    .unwrap();
    assert!(!config.enabled());
    assert_eq!(*read.borrow(), ["DO_NOT_TRACK", "TELEMETRY_ENABLED"]);
}

#[test]
fn unset_only_what_finds_the_recorded_choice_is_read() {
    let read = std::cell::RefCell::new(Vec::new());
    let config = Config::try_from_lookup(|name: &str| {
        read.borrow_mut().push(name.to_owned());
        None
    })
    .unwrap();
    assert!(!config.enabled());
    assert_eq!(
        *read.borrow(),
        [
            "DO_NOT_TRACK",
            "TELEMETRY_ENABLED",
            "TELEMETRY_APP",
            "TELEMETRY_CONSENT_FILE",
            "TELEMETRY_CONSENT_FILE",
            "XDG_CONFIG_HOME",
            "HOME"
        ]
    );
}

#[test]
fn a_recorded_on_makes_the_environment_settings_count() {
    let folder = std::env::temp_dir().join(format!(
        "mt-config-consent-{}-{}",
        std::process::id(),
        crate::consent::random_hex(4).unwrap()
    ));
    let path = folder.join("telemetry_consent.json");
    let mut file = crate::consent::ConsentFile::default();
    file.set(
        Some("tool"),
        crate::consent::Consent::On,
        std::time::SystemTime::now(),
    );
    file.save(&path).unwrap();
    let path_text = path.to_string_lossy().into_owned();
    let vars = [
        ("TELEMETRY_CONSENT_FILE", path_text.as_str()),
        ("TELEMETRY_BATCH_SIZE", "7"),
    ];
    // Another application has no choice recorded: nothing else is read.
    let other = Config::try_from_lookup(lookup(&[vars[0], vars[1], ("TELEMETRY_APP", "x")]));
    assert_eq!(other.unwrap().batch_size(), DEFAULT_BATCH_SIZE);
    let config =
        Config::try_from_lookup(lookup(&[vars[0], vars[1], ("TELEMETRY_APP", "tool")])).unwrap();
    assert_eq!(config.batch_size(), 7);
    assert_eq!(config.app_name(), Some("tool"));
    assert!(
        !config.enabled(),
        "the host flag is not set: the recorded choice decides"
    );
    assert!(Config::try_from_lookup(lookup(&[("TELEMETRY_APP", "../x")])).is_err());
    std::fs::remove_dir_all(folder).unwrap();
}

#[test]
fn defaults_match_the_python_module() {
    let config = Config::try_from_lookup(lookup(&[("TELEMETRY_ENABLED", "1")])).unwrap();
    assert_eq!(config.endpoint(), "https://mycelium-telemetry.sornsen.io");
    assert_eq!(config.timeout(), Duration::from_secs(5));
    assert_eq!(config.batch_size(), 100);
    assert_eq!(config.retry_attempts(), 3);
    assert_eq!(config.retry_backoff(), 2.0);
    assert_eq!(config.flush_interval(), Duration::from_millis(5000));
    assert_eq!(config.queue_capacity(), 8192);
    assert!(config.salt().is_none());
}

#[test]
fn ranges_are_enforced_at_both_ends() {
    let cases: &[(&str, &str, &str, &str)] = &[
        ("TELEMETRY_TIMEOUT", "1", "30", "0"),
        ("TELEMETRY_TIMEOUT", "1", "30", "31"),
        ("TELEMETRY_BATCH_SIZE", "1", "1000", "0"),
        ("TELEMETRY_BATCH_SIZE", "1", "1000", "1001"),
        ("TELEMETRY_RETRY_ATTEMPTS", "0", "10", "11"),
        ("TELEMETRY_RETRY_ATTEMPTS", "0", "10", "-1"),
        ("TELEMETRY_RETRY_BACKOFF", "1.0", "10.0", "0.99"),
        ("TELEMETRY_RETRY_BACKOFF", "1.0", "10.0", "10.5"),
        ("TELEMETRY_RETRY_BACKOFF", "1.0", "10.0", "NaN"),
        ("TELEMETRY_FLUSH_INTERVAL_MS", "10", "3600000", "9"),
        ("TELEMETRY_QUEUE_CAPACITY", "1", "1000000", "0"),
        ("TELEMETRY_QUEUE_CAPACITY", "1", "1000000", "1000001"),
        ("TELEMETRY_TIMEOUT", "1", "30", "five"),
    ];
    for (var, low, high, bad) in cases {
        for good in [low, high] {
            let config =
                Config::try_from_lookup(lookup(&[("TELEMETRY_ENABLED", "1"), (var, good)]))
                    .unwrap();
            assert!(config.enabled(), "{var}={good} is valid");
        }
        let error = Config::try_from_lookup(lookup(&[("TELEMETRY_ENABLED", "1"), (var, bad)]))
            .err()
            .unwrap_or_else(|| panic!("{var}={bad} must be refused"));
        assert_eq!(error.setting.env_var(), *var);
    }
}

#[test]
fn invalid_value_disables_with_one_warning_naming_variable_and_range() {
    let lines = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    let logger = Logger::custom(Arc::new(move |_, line: &str| {
        sink.lock().unwrap().push(line.to_owned())
    }));
    let config = Config::from_lookup_or_warn(
        lookup(&[
            ("TELEMETRY_ENABLED", "1"),
            ("TELEMETRY_BATCH_SIZE", "5000"),
            ("TELEMETRY_TIMEOUT", "99"),
        ]),
        &logger,
    );
    assert!(!config.enabled());
    let lines = lines.lock().unwrap();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("TELEMETRY_") && lines[0].contains(" to "));
}

#[test]
fn endpoint_scheme_and_loopback_rules() {
    let mut config = Config::new();
    let accepted = [
        ("example.com", "https://example.com"),
        ("example.com/v1/events", "https://example.com/v1/events"),
        ("HTTPS://example.com:8443/x", "https://example.com:8443/x"),
        ("http://127.0.0.1:8080/c", "http://127.0.0.1:8080/c"),
        ("http://127.5.6.7", "http://127.5.6.7"),
        ("http://localhost:9/", "http://localhost:9/"),
        ("http://LOCALHOST", "http://LOCALHOST"),
        ("http://[::1]:9000/ingest", "http://[::1]:9000/ingest"),
    ];
    for (input, normalized) in accepted {
        config.set_endpoint(input).unwrap();
        assert_eq!(config.endpoint(), normalized);
    }
    let refused = [
        "http://example.com",
        "http://10.0.0.1/x",
        "http://128.0.0.1",
        "http://localhost.evil.com",
        "ftp://example.com",
        "https://user:pass@example.com",
        "https://token@example.com",
        "https://",
        "https://example.com:0",
        "https://example.com:99999",
        "https://exa mple.com",
        "",
    ];
    for input in refused {
        let before = config.endpoint().to_owned();
        assert!(
            config.set_endpoint(input).is_err(),
            "{input:?} must be refused"
        );
        assert_eq!(config.endpoint(), before, "a refused value changes nothing");
    }
}

#[test]
fn warning_never_contains_the_value() {
    let error = Config::try_from_lookup(lookup(&[
        ("TELEMETRY_ENABLED", "1"),
        ("TELEMETRY_ENDPOINT", "http://hunter2@example.com"),
    ]))
    .err()
    .unwrap();
    assert!(!error.to_string().contains("hunter2"));
    assert!(error.to_string().contains("TELEMETRY_ENDPOINT"));
}

#[test]
fn salt_settings() {
    let config = Config::try_from_lookup(lookup(&[
        ("TELEMETRY_ENABLED", "1"),
        ("TELEMETRY_SALT", "pepper"),
        ("TELEMETRY_SALT_FILE", "/tmp/x/salt"),
    ]))
    .unwrap();
    assert_eq!(config.salt(), Some("pepper"));
    assert_eq!(config.salt_file(), Some(&PathBuf::from("/tmp/x/salt")));
    assert!(!format!("{config:?}").contains("pepper"));
    assert!(Config::new().set_salt("").is_err());
}

#[test]
fn debug_and_local_only_output() {
    let config = Config::try_from_lookup(lookup(&[
        ("TELEMETRY_ENABLED", "1"),
        ("TELEMETRY_DEBUG", "1"),
        ("TELEMETRY_OUTPUT", "file:/tmp/mt-batches.jsonl"),
    ]))
    .unwrap();
    assert!(config.debug());
    assert_eq!(
        config.output_file(),
        Some(&PathBuf::from("/tmp/mt-batches.jsonl"))
    );
    for bad in ["file:", "ftp:/x", "stdout"] {
        let error = Config::try_from_lookup(lookup(&[
            ("TELEMETRY_ENABLED", "1"),
            ("TELEMETRY_OUTPUT", bad),
        ]))
        .err();
        assert_eq!(error.map(|e| e.setting), Some(Setting::Output), "{bad}");
    }
    let http = Config::try_from_lookup(lookup(&[
        ("TELEMETRY_ENABLED", "1"),
        ("TELEMETRY_OUTPUT", "http"),
    ]))
    .unwrap();
    assert_eq!(http.output_file(), None);
}

#[test]
fn the_metadata_allowlist_can_grow_but_not_with_secrets() {
    let mut config = Config::new();
    config.allow_metadata_key("model_name").unwrap();
    config.allow_metadata_key("model_name").unwrap();
    let keys: Vec<&str> = config
        .extra_metadata_fields()
        .iter()
        .map(|field| field.key.as_str())
        .collect();
    assert_eq!(keys, ["model_name"]);
    for bad in [
        "",
        "api_token",
        "user_password",
        "SessionId",
        "has space",
        &"k".repeat(65),
    ] {
        assert!(config.allow_metadata_key(bad).is_err(), "{bad:?}");
    }
    for i in 1..MAX_EXTRA_METADATA_KEYS {
        config.allow_metadata_key(&format!("k{i}")).unwrap();
    }
    assert!(config.allow_metadata_key("one_too_many").is_err());
}

#[test]
fn typed_fields_keep_built_in_types_and_replace_their_own() {
    let mut config = Config::new();
    config
        .allow_metadata_field("chunks", ValueType::NonNegativeInteger)
        .unwrap();
    config
        .allow_metadata_field("chunks", ValueType::Boolean)
        .unwrap();
    assert_eq!(
        config.extra_metadata_fields(),
        [AllowedField {
            key: "chunks".into(),
            value_type: ValueType::Boolean
        }]
    );
    // A built-in key: its own type or Any (the legacy call) is accepted and changes nothing.
    config.allow_metadata_key("duration_ms").unwrap();
    config
        .allow_metadata_field("status_code", ValueType::HttpStatusCode)
        .unwrap();
    let loosen = config.allow_metadata_field("duration_ms", ValueType::Boolean);
    assert_eq!(loosen.err().map(|e| e.setting), Some(Setting::MetadataKey));
    assert_eq!(config.extra_metadata_fields().len(), 1);
    assert!(config
        .allow_metadata_field("refresh_token", ValueType::Boolean)
        .is_err());
}

#[test]
fn error_detail_from_the_environment() {
    let read = |value: &str| {
        Config::try_from_lookup(lookup(&[
            ("TELEMETRY_ENABLED", "1"),
            ("TELEMETRY_ERROR_DETAIL", value),
        ]))
    };
    assert_eq!(
        Config::try_from_lookup(lookup(&[("TELEMETRY_ENABLED", "1")]))
            .unwrap()
            .error_detail(),
        ErrorDetail::Full
    );
    for (text, detail) in [
        ("full", ErrorDetail::Full),
        ("frames", ErrorDetail::Frames),
        (" Type ", ErrorDetail::Type),
        ("", ErrorDetail::Full),
    ] {
        assert_eq!(read(text).unwrap().error_detail(), detail, "{text:?}");
    }
    let error = read("minimal").err().unwrap();
    assert_eq!(error.setting, Setting::ErrorDetail);
    assert!(error.to_string().contains("TELEMETRY_ERROR_DETAIL"));
    assert!(error.to_string().contains("full, frames or type"));
    // Like every other setting: an invalid value disables telemetry with one warning.
    let lines = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    let logger = Logger::custom(Arc::new(move |_, line: &str| {
        sink.lock().unwrap().push(line.to_owned())
    }));
    let config = Config::from_lookup_or_warn(
        lookup(&[
            ("TELEMETRY_ENABLED", "1"),
            ("TELEMETRY_ERROR_DETAIL", "none"),
        ]),
        &logger,
    );
    assert!(!config.enabled());
    assert_eq!(lines.lock().unwrap().len(), 1);
}
