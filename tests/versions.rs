//! One version, Cargo.toml's: every manifest written by hand says the same, and the ABI baseline
//! is of the SONAME this version gets (`mt_version` and the SONAME are made from it by the crate). (The header's `MT_VERSION_*` are
//! checked by tests/header.rs; the built packages by packaging/test.sh; docs/releasing.md lists
//! every place.)

use std::path::Path;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// The text between `before` and the next `"` on the first line that holds `before`.
fn quoted_after(text: &str, before: &str) -> Option<String> {
    let start = text.find(before)? + before.len();
    let rest = &text[start..];
    Some(rest[..rest.find('"')?].to_owned())
}

#[test]
fn every_manifest_says_the_crate_version() {
    let found = [
        (
            "bindings/python/pyproject.toml",
            quoted_after(&read("bindings/python/pyproject.toml"), "\nversion = \""),
        ),
        (
            "bindings/ruby/lib/mycelium_telemetry/version.rb",
            quoted_after(
                &read("bindings/ruby/lib/mycelium_telemetry/version.rb"),
                "VERSION = \"",
            ),
        ),
    ];
    let mut problems: Vec<String> = found
        .iter()
        .filter(|(_, version)| version.as_deref() != Some(VERSION))
        .map(|(path, version)| format!("{path} says {version:?}"))
        .collect();
    let package: serde_json::Value =
        serde_json::from_str(&read("bindings/node/package.json")).unwrap();
    let lock: serde_json::Value =
        serde_json::from_str(&read("bindings/node/package-lock.json")).unwrap();
    for (path, version) in [
        ("bindings/node/package.json", &package["version"]),
        ("bindings/node/package-lock.json", &lock["version"]),
        (
            "bindings/node/package-lock.json (packages[\"\"])",
            &lock["packages"][""]["version"],
        ),
    ] {
        if version.as_str() != Some(VERSION) {
            problems.push(format!("{path} says {version}"));
        }
    }
    assert!(
        problems.is_empty(),
        "Cargo.toml says {VERSION}; {}",
        problems.join("; ")
    );
}

#[test]
fn the_abi_baseline_is_of_this_versions_soname() {
    let major = VERSION.split('.').next().unwrap();
    let baseline = read("abi/libmycelium_telemetry.abi");
    // The corpus element: <abi-corpus ... soname='libmycelium_telemetry.so.0'>.
    let soname = baseline
        .split("soname='")
        .nth(1)
        .and_then(|rest| rest.split('\'').next());
    assert_eq!(
        soname,
        Some(format!("libmycelium_telemetry.so.{major}").as_str()),
        "abi/libmycelium_telemetry.abi is of another major version: regenerate it (docs/releasing.md)"
    );
}
