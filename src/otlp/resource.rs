//! The resource every OTLP batch describes: which service sent it, with which SDK, on what kind
//! of machine. Only coarse facts: nothing here tells one user or machine from another.

use serde_json::{json, Value};

/// `telemetry.sdk.name`, and the instrumentation scope's name.
pub(super) const SDK_NAME: &str = "mycelium-telemetry";

/// `service.name` when the application did not name itself (`TELEMETRY_APP`).
pub(super) const DEFAULT_SERVICE_NAME: &str = "mycelium-telemetry";

/// The resource attributes, as OTLP JSON `KeyValue`s. `runtime` is what a binding gave
/// `mt_set_runtime` (e.g. `python 3.11.7`); `installation_id` is sent only while the user's
/// recorded choice is on.
pub(super) fn attributes(
    service_name: &str,
    runtime: Option<&str>,
    installation_id: Option<&str>,
) -> Vec<Value> {
    let mut attributes = vec![
        string("service.name", service_name),
        string("telemetry.sdk.name", SDK_NAME),
        string("telemetry.sdk.language", &sdk_language(runtime)),
        string("telemetry.sdk.version", crate::VERSION),
        string("os.type", os_type(std::env::consts::OS)),
        string("host.arch", host_arch(std::env::consts::ARCH)),
    ];
    if let Some(id) = installation_id {
        attributes.push(string("mycelium.installation_id", id));
    }
    attributes
}

pub(super) fn string(key: &str, value: &str) -> Value {
    json!({"key": key, "value": {"stringValue": value}})
}

/// `telemetry.sdk.language` from the runtime a binding named: the semantic conventions' word for
/// the language. Without one the host is C (or Rust calling the crate directly, which may name
/// itself with `set_host_runtime("rust ...")`).
pub(super) fn sdk_language(runtime: Option<&str>) -> String {
    let Some(first) = runtime.and_then(|r| r.split_whitespace().next()) else {
        return "c".to_owned();
    };
    let word = first.to_ascii_lowercase();
    let known = match word.as_str() {
        "node" | "nodejs" => "nodejs",
        "c++" | "cpp" => "cpp",
        // The Go binding reports runtime.Version(), `go1.26.8`; Ruby may be jruby, truffleruby.
        w if w.starts_with("go") && w[2..].starts_with(|c: char| c.is_ascii_digit()) => "go",
        w if w.ends_with("ruby") => "ruby",
        w if w.starts_with("python") || w == "cpython" || w == "pypy" => "python",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_owned();
    }
    let letters: String = word
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '+')
        .collect();
    if letters.is_empty() {
        "c".to_owned()
    } else {
        letters
    }
}

/// `os.type` values of the semantic conventions.
fn os_type(os: &str) -> &str {
    match os {
        "macos" | "ios" => "darwin",
        other => other,
    }
}

/// `host.arch` values of the semantic conventions.
fn host_arch(arch: &str) -> &str {
    match arch {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "arm" => "arm32",
        "powerpc" => "ppc32",
        "powerpc64" => "ppc64",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_language_follows_the_semantic_conventions() {
        for (runtime, language) in [
            (Some("python 3.11.7"), "python"),
            (Some("node 20.20.2"), "nodejs"),
            (Some("go1.26.8"), "go"),
            (Some("ruby 3.1.2"), "ruby"),
            (Some("jruby 9.4"), "ruby"),
            (Some("c++ 17"), "cpp"),
            (Some("rust 1.95"), "rust"),
            (Some("  "), "c"),
            (None, "c"),
        ] {
            assert_eq!(sdk_language(runtime), language, "{runtime:?}");
        }
    }

    #[test]
    fn os_and_arch_use_the_conventions_words() {
        assert_eq!(os_type("macos"), "darwin");
        assert_eq!(os_type("linux"), "linux");
        assert_eq!(host_arch("x86_64"), "amd64");
        assert_eq!(host_arch("aarch64"), "arm64");
    }
}
