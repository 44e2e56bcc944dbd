//! `bindings/contract.json` is the one description of the C ABI that every binding follows. These
//! tests hold it to the Rust source and the header, so that a binding reading it reads the truth:
//! statuses and their messages, every option's setter, environment variable, range and default,
//! and which header function each binding binds (or leaves unbound, with the reason).

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{CStr, OsString};
use std::path::{Path, PathBuf};

use mycelium_telemetry::config::{SettingKind, SETTINGS};
use mycelium_telemetry::ffi;
use mycelium_telemetry::Config;
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn contract() -> Value {
    let text = std::fs::read_to_string(root().join("bindings/contract.json"))
        .expect("bindings/contract.json is readable");
    serde_json::from_str(&text).expect("bindings/contract.json is JSON")
}

fn header() -> String {
    std::fs::read_to_string(root().join("include/mycelium_telemetry.h")).expect("header readable")
}

fn bindings(contract: &Value) -> Vec<String> {
    contract["bindings"]
        .as_array()
        .expect("bindings is a list")
        .iter()
        .map(|name| name.as_str().expect("binding names are strings").to_owned())
        .collect()
}

/// `NAME = number,` lines of one `enum name { ... }` in the header.
fn header_enum(header: &str, enum_name: &str) -> BTreeMap<String, i64> {
    let start = header
        .find(&format!("enum {enum_name}"))
        .unwrap_or_else(|| panic!("enum {enum_name} in the header"));
    let body = &header[start..start + header[start..].find('}').expect("enum ends")];
    body.lines()
        .filter_map(|line| {
            let (name, value) = line.trim().trim_end_matches(',').split_once(" = ")?;
            Some((name.to_owned(), value.parse().ok()?))
        })
        .collect()
}

/// Every function the header declares.
fn header_functions(header: &str) -> BTreeSet<String> {
    header
        .lines()
        .filter(|line| {
            !line.starts_with(' ') && !line.starts_with("typedef") && line.ends_with(");")
        })
        .filter_map(|line| {
            let before_paren = &line[..line.find('(')?];
            let name = before_paren.rsplit([' ', '*']).next()?;
            name.starts_with("mt_").then(|| name.to_owned())
        })
        .collect()
}

/// The text of every source file of one binding (tests excluded: binding a function means the
/// library itself calls it).
fn binding_source(contract: &Value, binding: &str) -> String {
    let mut text = String::new();
    let roots = contract["binding_sources"][binding]
        .as_array()
        .unwrap_or_else(|| panic!("binding_sources names {binding}'s files"));
    for entry in roots {
        let path = root().join(entry.as_str().expect("a path"));
        collect_sources(&path, &mut text);
    }
    assert!(!text.is_empty(), "no source found for {binding}");
    text
}

fn collect_sources(path: &Path, text: &mut String) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .expect("readable folder")
            .map(|entry| entry.expect("folder entry").path())
            .collect();
        entries.sort();
        for entry in entries {
            let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let is_test = name.ends_with("_test.go") || name == "tests" || name == "test";
            let is_source = ["py", "js", "go", "rb", "hpp"]
                .iter()
                .any(|ext| name.ends_with(&format!(".{ext}")));
            if !is_test && (entry.is_dir() || is_source) {
                collect_sources(&entry, text);
            }
        }
    } else {
        text.push_str(&std::fs::read_to_string(path).expect("readable source"));
        text.push('\n');
    }
}

/// Whether `name` occurs in `text` as a whole identifier.
fn mentions(text: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

#[test]
fn statuses_match_the_header_and_mt_status_message() {
    let contract = contract();
    let in_header = header_enum(&header(), "mt_status");
    let policies = contract["status_policy"]
        .as_object()
        .expect("status_policy");
    let mut in_contract = BTreeMap::new();
    for status in contract["statuses"].as_array().expect("statuses") {
        let name = status["name"].as_str().expect("name").to_owned();
        let value = status["value"].as_i64().expect("value");
        let value_c = i32::try_from(value).expect("status fits an int");
        // SAFETY: mt_status_message takes any int and returns a static NUL-terminated string.
        let message = unsafe { CStr::from_ptr(ffi::status::mt_status_message(value_c)) };
        assert_eq!(
            message.to_str().ok(),
            status["message"].as_str(),
            "{name}: the message differs from mt_status_message"
        );
        let policy = status["policy"].as_str().expect("policy");
        assert!(
            policies.contains_key(policy),
            "{name}: unknown policy {policy}"
        );
        for binding in bindings(&contract) {
            assert!(
                status["bindings"][&binding].is_string(),
                "{name}: no behaviour written down for {binding}"
            );
        }
        in_contract.insert(name, value);
    }
    assert_eq!(
        in_contract, in_header,
        "contract statuses differ from the header's mt_status"
    );
    // SAFETY: as above.
    let unknown = unsafe { CStr::from_ptr(ffi::status::mt_status_message(12345)) };
    assert_eq!(
        unknown.to_str().ok(),
        contract["unknown_status"]["message"].as_str()
    );
}

#[test]
fn small_enums_match_the_header() {
    let contract = contract();
    let header = header();
    for (key, enum_name, prefix) in [
        ("value_types", "mt_value_type", "MT_VALUE_"),
        ("error_details", "mt_error_detail", "MT_ERROR_DETAIL_"),
        ("protocols", "mt_protocol", "MT_PROTOCOL_"),
        ("log_levels", "mt_log_level", "MT_LOG_"),
        ("consent_levels", "mt_consent {", "MT_CONSENT_"),
        ("consent_sources", "mt_consent_source", "MT_CONSENT_SOURCE_"),
    ] {
        let from_contract: BTreeMap<String, i64> = contract[key]
            .as_object()
            .expect(key)
            .iter()
            .map(|(name, value)| {
                (
                    format!("{prefix}{}", name.to_uppercase()),
                    value.as_i64().expect("number"),
                )
            })
            .collect();
        assert_eq!(from_contract, header_enum(&header, enum_name), "{key}");
    }
}

/// What `Config::try_from_lookup` makes of the environment with telemetry on and one variable.
fn from_env(variable: &str, value: &str) -> Result<Config, String> {
    let lookup = |name: &str| match name {
        "TELEMETRY_ENABLED" => Some(OsString::from("1")),
        _ if name == variable => Some(OsString::from(value)),
        _ => None,
    };
    Config::try_from_lookup(lookup).map_err(|error| error.to_string())
}

/// The C setter of a numeric option, by name, applied to a fresh config.
fn c_setter_status(setter: &str, value: f64) -> ffi::mt_status {
    let config = ffi::config::mt_config_new();
    // Values are whole numbers within u32 for every u32 setter (checked by the caller).
    let whole = value as u32;
    let status = match setter {
        "mt_config_set_timeout_secs" => ffi::config::mt_config_set_timeout_secs(config, whole),
        "mt_config_set_batch_size" => ffi::config::mt_config_set_batch_size(config, whole),
        "mt_config_set_retry_attempts" => ffi::config::mt_config_set_retry_attempts(config, whole),
        "mt_config_set_retry_backoff" => ffi::config::mt_config_set_retry_backoff(config, value),
        "mt_config_set_flush_interval_ms" => {
            ffi::config::mt_config_set_flush_interval_ms(config, whole)
        }
        "mt_config_set_queue_capacity" => ffi::config::mt_config_set_queue_capacity(config, whole),
        "mt_config_set_spool_max_bytes" => {
            ffi::config_delivery::mt_config_set_spool_max_bytes(config, whole)
        }
        "mt_config_set_spool_max_age_days" => {
            ffi::config_delivery::mt_config_set_spool_max_age_days(config, whole)
        }
        other => panic!("no numeric C setter named {other}: add it to this test"),
    };
    ffi::config::mt_config_free(config);
    status
}

#[test]
fn numeric_options_have_the_range_and_default_the_library_enforces() {
    let contract = contract();
    let defaults = from_env("", "").expect("telemetry on, nothing else set");
    for option in contract["options"].as_array().expect("options") {
        let (Some(min), Some(max)) = (option["min"].as_f64(), option["max"].as_f64()) else {
            continue;
        };
        let setter = option["setter"].as_str().expect("setter");
        let env = option["env"]
            .as_str()
            .expect("numeric options have a variable");
        let step = if option["type"] == "double" {
            0.001
        } else {
            1.0
        };
        let text = |number: f64| {
            if step < 1.0 {
                format!("{number}")
            } else {
                format!("{}", number as i64)
            }
        };
        for inside in [min, max] {
            assert!(
                from_env(env, &text(inside)).is_ok(),
                "{env}={inside} refused"
            );
            assert_eq!(
                c_setter_status(setter, inside),
                ffi::mt_status::MT_OK,
                "{setter}({inside})"
            );
        }
        for outside in [min - step, max + step] {
            let refused = from_env(env, &text(outside)).expect_err(&format!("{env}={outside}"));
            assert!(refused.contains(env), "the refusal names {env}: {refused}");
            if outside >= 0.0 {
                assert_eq!(
                    c_setter_status(setter, outside),
                    ffi::mt_status::MT_ERR_INVALID_CONFIG_VALUE,
                    "{setter}({outside})"
                );
            }
        }
        let default = option["default"].as_f64().expect("numeric default");
        let actual = match setter {
            "mt_config_set_timeout_secs" => defaults.timeout().as_secs_f64(),
            "mt_config_set_batch_size" => f64::from(defaults.batch_size()),
            "mt_config_set_retry_attempts" => f64::from(defaults.retry_attempts()),
            "mt_config_set_retry_backoff" => defaults.retry_backoff(),
            "mt_config_set_flush_interval_ms" => defaults.flush_interval().as_secs_f64() * 1000.0,
            "mt_config_set_queue_capacity" => f64::from(defaults.queue_capacity()),
            "mt_config_set_spool_max_bytes" => f64::from(defaults.spool_max_bytes()),
            "mt_config_set_spool_max_age_days" => f64::from(defaults.spool_max_age_days()),
            other => panic!("no default getter for {other}: add it to this test"),
        };
        assert!(
            (actual - default).abs() < 1e-9,
            "{setter}: default {actual}, contract {default}"
        );
    }
    assert_eq!(
        contract["options"][1]["default"].as_str(),
        Some(defaults.endpoint())
    );
}

#[test]
fn every_config_setter_of_the_header_is_an_option_with_a_name_in_every_binding() {
    let contract = contract();
    let functions = header_functions(&header());
    let options = contract["options"].as_array().expect("options");
    let setters: BTreeSet<&str> = options
        .iter()
        .filter_map(|o| o["setter"].as_str())
        .collect();
    for function in &functions {
        let is_setter = function.starts_with("mt_config_set_")
            || function.starts_with("mt_config_allow_metadata_field");
        if is_setter {
            assert!(
                setters.contains(function.as_str()),
                "{function} is not in options"
            );
        }
    }
    let env_vars: Vec<&str> = SETTINGS.iter().filter_map(|row| row.env_var).collect();
    let sources: BTreeMap<String, String> = bindings(&contract)
        .into_iter()
        .map(|binding| {
            let text = binding_source(&contract, &binding);
            (binding, text)
        })
        .collect();
    for option in options {
        let setter = option["setter"].as_str().expect("setter");
        assert!(functions.contains(setter), "{setter} is not in the header");
        if let Some(env) = option["env"].as_str() {
            assert!(
                env_vars.contains(&env),
                "{setter}: {env} is not a variable the library reads"
            );
        }
        for (binding, text) in &sources {
            let unbound = contract["unbound"][setter]["bindings"].as_array();
            if unbound.is_some_and(|list| list.iter().any(|b| b == binding.as_str())) {
                continue;
            }
            let name = option["names"][binding]
                .as_str()
                .unwrap_or_else(|| panic!("{setter} has no {binding} name"));
            assert!(
                mentions(text, name),
                "{binding} has no option named {name} ({setter})"
            );
        }
    }
    // Every variable the library reads is an option's, or listed as environment-only.
    let mut listed: BTreeSet<&str> = options.iter().filter_map(|o| o["env"].as_str()).collect();
    for entry in contract["environment_only"]
        .as_array()
        .expect("environment_only")
    {
        listed.insert(entry["env"].as_str().expect("env"));
    }
    for env in env_vars {
        assert!(listed.contains(env), "{env} has no option in the contract");
    }
}

#[test]
fn every_header_function_is_bound_or_listed_as_unbound_with_a_reason() {
    let contract = contract();
    let unbound = contract["unbound"].as_object().expect("unbound");
    let mut problems = Vec::new();
    for binding in bindings(&contract) {
        let text = binding_source(&contract, &binding);
        for function in header_functions(&header()) {
            let entry = unbound.get(&function).unwrap_or(&Value::Null);
            let listed = entry["bindings"]
                .as_array()
                .is_some_and(|list| list.iter().any(|b| b == binding.as_str()));
            if listed {
                let reason = entry["reason"].as_str().unwrap_or("");
                if reason.len() < 20 {
                    problems.push(format!(
                        "{function}: give {binding} a reason for leaving it unbound"
                    ));
                }
                if mentions(&text, &function) {
                    problems.push(format!(
                        "{function} is listed as unbound in {binding}, which binds it"
                    ));
                }
            } else if !mentions(&text, &function) {
                problems.push(format!(
                    "{binding} neither binds {function} nor lists it as unbound"
                ));
            }
        }
    }
    for function in unbound.keys() {
        assert!(
            header_functions(&header()).contains(function),
            "unbound {function} is not in the header"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn bindings_that_load_at_run_time_name_the_same_variable_and_files() {
    let contract = contract();
    let library = &contract["library"];
    let env_var = library["env_var"].as_str().expect("env_var");
    let system_names = library["system_names"]["linux"]
        .as_array()
        .expect("system names");
    for binding in library["applies_to"].as_array().expect("applies_to") {
        let binding = binding.as_str().expect("a binding");
        let text = binding_source(&contract, binding);
        assert!(text.contains(env_var), "{binding} does not read {env_var}");
        for name in system_names {
            let name = name.as_str().expect("a file name");
            assert!(text.contains(name), "{binding} does not try {name}");
        }
    }
}

#[test]
fn options_agree_with_the_settings_table() {
    let contract = contract();
    let options = contract["options"].as_array().expect("options");
    for row in SETTINGS {
        let Some(setter) = row.c_setter else {
            let env = row
                .env_var
                .expect("a setting without a C setter has a variable");
            let listed = contract["environment_only"]
                .as_array()
                .expect("environment_only")
                .iter()
                .any(|entry| entry["env"] == env && entry["reason"].is_string());
            assert!(
                listed,
                "{env} has no C setter: list it under environment_only with a reason"
            );
            continue;
        };
        let option = options
            .iter()
            .find(|option| option["setter"] == setter)
            .unwrap_or_else(|| panic!("{setter} is in config::SETTINGS, not in the contract"));
        assert_eq!(option["env"].as_str(), row.env_var, "{setter}: variable");
        let (min, max) = match row.kind {
            SettingKind::WholeNumber { min, max, .. } => {
                (Some(f64::from(min)), Some(f64::from(max)))
            }
            SettingKind::Number { min, max } => (Some(min), Some(max)),
            _ => (None, None),
        };
        assert_eq!(option["min"].as_f64(), min, "{setter}: min");
        assert_eq!(option["max"].as_f64(), max, "{setter}: max");
        if let Ok(default) = row.default.parse::<f64>() {
            assert_eq!(
                option["default"].as_f64(),
                Some(default),
                "{setter}: default"
            );
        }
    }
    // An option the table does not have is one only code can set (the log callback).
    for option in options {
        let in_table = SETTINGS
            .iter()
            .any(|row| row.c_setter == option["setter"].as_str());
        assert!(
            in_table || option["env"].is_null(),
            "{} has a variable but no row in config::SETTINGS",
            option["setter"]
        );
    }
}

#[test]
fn the_string_rules_say_what_every_binding_does() {
    let contract = contract();
    for rule in ["nul_byte", "invalid_utf8"] {
        let entry = &contract["strings"][rule];
        assert!(entry["rule"].is_string(), "strings.{rule} has no rule");
        for binding in bindings(&contract) {
            assert!(
                entry["bindings"][&binding].is_string(),
                "strings.{rule} does not say what {binding} does"
            );
        }
    }
}
