//! The committed header must be exactly what cbindgen generates, and its version macros must
//! match Cargo.toml. `MT_UPDATE_HEADER=1 cargo test --test header` rewrites it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// cbindgen reads source files and does not expand macros, so it would see no exported function
/// inside `ffi_fn! { ... }`. This writes a copy of `src/` in which each invocation is the plain
/// function it expands to (`#[no_mangle] pub extern "C" fn`, same doc comment and signature),
/// which is what cbindgen then reads. The body is kept; cbindgen ignores it.
fn sources_as_cbindgen_sees_them() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // One folder per call: the tests of this file run in parallel.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let name = format!("mt-header-src-{}-{call}", std::process::id());
    let copy = std::env::temp_dir().join(name);
    let _ = std::fs::remove_dir_all(&copy);
    copy_tree(&root.join("src"), &copy);
    copy.join("lib.rs")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy's folder");
    for entry in std::fs::read_dir(from).expect("read src") {
        let path = entry.expect("list src").path();
        let target = to.join(path.file_name().expect("a file name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let text = std::fs::read_to_string(&path).expect("read a source file");
            std::fs::write(&target, expand_ffi_fn(&text)).expect("write the copy");
        }
    }
}

/// `ffi_fn! {` at the start of a line opens an invocation and `}` at the start of a line closes
/// it (the form `src/ffi/macros.rs` asks for, checked by `tests/ffi_exports.rs`).
fn expand_ffi_fn(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for line in text.lines() {
        if !inside && line == "ffi_fn! {" {
            inside = true;
            continue;
        }
        if inside && line == "}" {
            inside = false;
            continue;
        }
        let line = if inside {
            line.strip_prefix("    ").unwrap_or(line)
        } else {
            line
        };
        if inside && line.starts_with("fn mt_") {
            out.push_str("#[no_mangle]\npub extern \"C\" ");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn generate() -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let config = cbindgen::Config::from_file(Path::new(root).join("cbindgen.toml"))
        .expect("cbindgen.toml parses");
    let lib = sources_as_cbindgen_sees_them();
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_config(config)
        .with_src(&lib)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut out);
    let _ = std::fs::remove_dir_all(lib.parent().expect("the copy's folder"));
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
