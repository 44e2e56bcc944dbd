//! Every exported C function goes through `ffi_fn!` (src/ffi/macros.rs), which puts its body in
//! the panic boundary: these checks read the sources and the header, so an export written by
//! hand (`#[no_mangle]` anywhere in `src/`, `extern "C" fn name` in `src/ffi/`) fails them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("list src").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

fn sources() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("read a source file");
            (path, text)
        })
        .collect()
}

/// An `extern "C" fn` followed by a name defines a function; followed by `(` it is a pointer type.
fn defines_extern_c_function(line: &str) -> bool {
    let mut rest = line;
    while let Some(at) = rest.find("extern \"C\" fn ") {
        let after = &rest[at + "extern \"C\" fn ".len()..];
        if after.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            return true;
        }
        rest = after;
    }
    false
}

#[test]
fn no_function_is_exported_outside_the_macro() {
    let mut offenders = Vec::new();
    for (path, text) in sources() {
        let is_macro_file = path.ends_with("src/ffi/macros.rs");
        // Outside the C layer an `extern "C" fn` is a callback handed to libc (fork.rs), never
        // an export: only `#[no_mangle]` and `#[export_name]` are looked for there.
        let in_c_layer = path.components().any(|part| part.as_os_str() == "ffi");
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            let exports = code.contains("no_mangle") || code.contains("export_name");
            if (exports || (in_c_layer && defines_extern_c_function(code))) && !is_macro_file {
                offenders.push(format!(
                    "{}:{}: {}",
                    path.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "exported without ffi_fn!: {offenders:#?}"
    );
}

/// The names defined by `ffi_fn!` invocations, checking each holds exactly one function.
fn macro_exports() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (path, text) in sources() {
        let mut current: Option<Vec<String>> = None;
        for line in text.lines() {
            if line == "ffi_fn! {" {
                assert!(current.is_none(), "{}: nested ffi_fn!", path.display());
                current = Some(Vec::new());
            } else if line == "}" {
                if let Some(found) = current.take() {
                    assert_eq!(found.len(), 1, "{}: {found:?}", path.display());
                    assert!(names.insert(found[0].clone()), "{} twice", found[0]);
                }
            } else if let Some(found) = current.as_mut() {
                if let Some(rest) = line.strip_prefix("    fn ") {
                    let name = rest.split('(').next().unwrap_or_default();
                    found.push(name.to_owned());
                }
            }
        }
        assert!(current.is_none(), "{}: unclosed ffi_fn!", path.display());
    }
    names
}

fn header_functions() -> BTreeSet<String> {
    let header = include_str!("../include/mycelium_telemetry.h");
    header
        .lines()
        .filter(|line| !line.starts_with([' ', '*', '#', '/', '}']) && !line.starts_with("typedef"))
        .filter_map(|line| {
            let before_paren = line.split('(').next()?;
            let name = before_paren.rsplit([' ', '*']).next()?;
            (line.contains('(') && name.starts_with("mt_")).then(|| name.to_owned())
        })
        .collect()
}

#[test]
fn every_header_function_is_an_ffi_fn_and_the_other_way_round() {
    let exported = macro_exports();
    let declared = header_functions();
    assert!(declared.len() >= 30, "header parse found only {declared:?}");
    assert_eq!(exported, declared);
}

#[test]
fn the_checks_recognise_a_hand_written_export() {
    assert!(defines_extern_c_function("pub extern \"C\" fn mt_x() {}"));
    assert!(defines_extern_c_function(
        "pub unsafe extern \"C\" fn mt_y(a: i32) {}"
    ));
    assert!(!defines_extern_c_function(
        "Option<unsafe extern \"C\" fn(c_int, *const c_char)>"
    ));
}
