//! Gives the shared library a SONAME carrying the major version (`libmycelium_telemetry.so.0`),
//! so that programs linked against it keep working across compatible upgrades.

fn main() {
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" {
        let major = env!("CARGO_PKG_VERSION_MAJOR");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libmycelium_telemetry.so.{major}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
