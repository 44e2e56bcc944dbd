//! The panic boundary every exported function body runs in, and the value each return type
//! falls back to when the body cannot finish.

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

/// Runs the body, turning a panic into the return type's fallback for `MT_ERR_INTERNAL`.
/// `return` inside the body returns from the exported function, as it reads.
macro_rules! ffi_boundary {
    ($($body:tt)*) => {
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| { $($body)* })) {
            Ok(value) => value,
            Err(_) => $crate::ffi::boundary::FfiDefault::from_status(
                $crate::ffi::status::mt_status::MT_ERR_INTERNAL,
            ),
        }
    };
}

/// Unwraps an argument check, or returns its status (converted to the function's return type).
macro_rules! try_arg {
    ($check:expr) => {
        match $check {
            Ok(value) => value,
            Err(status) => return $crate::ffi::boundary::FfiDefault::from_status(status),
        }
    };
}
