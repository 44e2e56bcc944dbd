//! The only way to export a function: `ffi_fn!` emits the whole `#[no_mangle] pub extern "C"`
//! function with its body inside the panic boundary, so no export can skip the boundary or the
//! fallback value of its return type. `tests/ffi_exports.rs` checks that no `extern "C" fn` in
//! `src/ffi/` is written any other way, and `tests/header.rs` shows cbindgen each invocation as
//! the plain function it expands to.

use super::status::mt_status;

/// What an exported function returns when its arguments are refused or its body panics.
pub(crate) trait FfiDefault {
    fn from_status(status: mt_status) -> Self;
}

impl FfiDefault for mt_status {
    fn from_status(status: mt_status) -> Self {
        status
    }
}

impl<T> FfiDefault for *mut T {
    fn from_status(_: mt_status) -> Self {
        std::ptr::null_mut()
    }
}

impl<T> FfiDefault for *const T {
    fn from_status(_: mt_status) -> Self {
        std::ptr::null()
    }
}

impl FfiDefault for bool {
    fn from_status(_: mt_status) -> Self {
        false
    }
}

impl FfiDefault for () {
    fn from_status(_: mt_status) -> Self {}
}

/// Exports one C function. Write it as a plain `fn` (doc comment, name, arguments, return type,
/// body) inside `ffi_fn! { ... }`, one function per invocation. The body runs in
/// `catch_unwind`: a panic returns the return type's [`FfiDefault`] for `MT_ERR_INTERNAL`
/// (`MT_ERR_INTERNAL`, NULL, false or nothing) and never unwinds into C. `return` inside the body
/// returns from the exported function, as it reads.
macro_rules! ffi_fn {
    (
        $(#[$attr:meta])*
        fn $name:ident($($arg:ident: $arg_type:ty),* $(,)?) -> $ret:ty $body:block
    ) => {
        $(#[$attr])*
        #[no_mangle]
        pub extern "C" fn $name($($arg: $arg_type),*) -> $ret {
            let body = ::std::panic::AssertUnwindSafe(|| -> $ret { $body });
            match ::std::panic::catch_unwind(body) {
                Ok(value) => value,
                Err(_) => $crate::ffi::macros::FfiDefault::from_status(
                    $crate::ffi::status::mt_status::MT_ERR_INTERNAL,
                ),
            }
        }
    };
    (
        $(#[$attr:meta])*
        fn $name:ident($($arg:ident: $arg_type:ty),* $(,)?) $body:block
    ) => {
        ffi_fn! {
            $(#[$attr])*
            fn $name($($arg: $arg_type),*) -> () $body
        }
    };
}

/// Unwraps an argument check, or returns its status (converted to the function's return type).
macro_rules! try_arg {
    ($check:expr) => {
        match $check {
            Ok(value) => value,
            Err(status) => return $crate::ffi::macros::FfiDefault::from_status(status),
        }
    };
}
