//! The committed header must be exactly what cbindgen generates, and its version macros must
//! match Cargo.toml. `MT_UPDATE_HEADER=1 cargo test --test header` rewrites it.

use std::path::Path;

fn generate() -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let config = cbindgen::Config::from_file(Path::new(root).join("cbindgen.toml"))
        .expect("cbindgen.toml parses");
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_config(config)
        .with_crate(root)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut out);
    String::from_utf8(out).expect("header is UTF-8")
}

#[test]
fn committed_header_matches_a_fresh_generation() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/mycelium_telemetry.h");
    let fresh = generate();
    if std::env::var_os("MT_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &fresh).expect("write header");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "include/mycelium_telemetry.h is stale: run `MT_UPDATE_HEADER=1 cargo test --test header`"
    );
}

#[test]
fn version_macros_match_cargo_toml() {
    let header = generate();
    for (name, value) in [
        ("MT_VERSION_MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
        ("MT_VERSION_MINOR", env!("CARGO_PKG_VERSION_MINOR")),
        ("MT_VERSION_PATCH", env!("CARGO_PKG_VERSION_PATCH")),
    ] {
        let line = format!("#define {name} {value}\n");
        assert!(header.contains(&line), "header lacks `{}`", line.trim());
    }
}

#[test]
fn every_exported_function_is_documented_in_the_header() {
    let header = generate();
    let lines: Vec<&str> = header.lines().collect();
    let mut functions = 0;
    for (index, line) in lines.iter().enumerate() {
        let is_declaration = !line.starts_with([' ', '*', '#', '/', '}'])
            && !line.starts_with("typedef")
            && line.contains("mt_")
            && line.trim_end().ends_with(");");
        if !is_declaration {
            continue;
        }
        functions += 1;
        let previous = lines[..index].iter().rev().find(|l| !l.trim().is_empty());
        assert!(
            previous.is_some_and(|l| l.trim_start().starts_with("*/")),
            "no doc comment above `{line}`"
        );
    }
    assert!(functions >= 30, "found only {functions} functions");
}
