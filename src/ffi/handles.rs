//! Conversions between C pointers and Rust values, each with its NULL and UTF-8 check, so that no
//! exported function casts a pointer by hand.

use std::ffi::{c_char, CStr, CString};

use super::status::mt_status;

/// An opaque C type and the Rust value its pointers point to.
pub(crate) trait Handle {
    type Target;
}

/// Moves `value` to the heap and hands ownership to C.
pub(crate) fn into_handle<H: Handle>(value: H::Target) -> *mut H {
    Box::into_raw(Box::new(value)).cast()
}

/// Borrows the value behind a handle. NULL → `MT_ERR_NULL_ARGUMENT`.
///
/// # Safety
/// `ptr` is NULL or came from [`into_handle`] for the same `H` (or points to a live `H::Target`)
/// and is not freed during `'a`.
pub(crate) unsafe fn borrow<'a, H: Handle>(ptr: *const H) -> Result<&'a H::Target, mt_status> {
    // SAFETY: the caller guarantees a non-NULL `ptr` points to a live `H::Target`.
    unsafe { ptr.cast::<H::Target>().as_ref() }.ok_or(mt_status::MT_ERR_NULL_ARGUMENT)
}

/// Borrows the value behind a handle for writing. NULL → `MT_ERR_NULL_ARGUMENT`.
///
/// # Safety
/// As [`borrow`], and no other reference to the value exists during `'a`.
pub(crate) unsafe fn borrow_mut<'a, H: Handle>(
    ptr: *mut H,
) -> Result<&'a mut H::Target, mt_status> {
    // SAFETY: the caller guarantees a non-NULL `ptr` points to a live, unaliased `H::Target`.
    unsafe { ptr.cast::<H::Target>().as_mut() }.ok_or(mt_status::MT_ERR_NULL_ARGUMENT)
}

/// Takes ownership back from C. NULL → `None`.
///
/// # Safety
/// `ptr` is NULL or came from [`into_handle`] for the same `H` and is not used again.
pub(crate) unsafe fn take<H: Handle>(ptr: *mut H) -> Option<Box<H::Target>> {
    // SAFETY: the caller guarantees a non-NULL `ptr` is an unfreed `Box<H::Target>` from into_handle.
    (!ptr.is_null()).then(|| unsafe { Box::from_raw(ptr.cast::<H::Target>()) })
}

/// A required C string as UTF-8. NULL → `MT_ERR_NULL_ARGUMENT`, bad bytes → `MT_ERR_INVALID_UTF8`.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that lives and does not change during `'a`.
pub(crate) unsafe fn required_str<'a>(ptr: *const c_char) -> Result<&'a str, mt_status> {
    // SAFETY: forwarded from the caller.
    unsafe { optional_str(ptr) }?.ok_or(mt_status::MT_ERR_NULL_ARGUMENT)
}

/// An optional C string as UTF-8: NULL → `None`, bad bytes → `MT_ERR_INVALID_UTF8`.
///
/// # Safety
/// As [`required_str`].
pub(crate) unsafe fn optional_str<'a>(ptr: *const c_char) -> Result<Option<&'a str>, mt_status> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL, and the caller guarantees it is NUL-terminated and alive during 'a.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes
        .to_str()
        .map(Some)
        .map_err(|_| mt_status::MT_ERR_INVALID_UTF8)
}

/// Only checks that a required pointer is not NULL (its contents are read later, if at all).
pub(crate) fn non_null<T>(ptr: *const T) -> Result<(), mt_status> {
    if ptr.is_null() {
        Err(mt_status::MT_ERR_NULL_ARGUMENT)
    } else {
        Ok(())
    }
}

/// Hands a string to C; the caller frees it with `mt_string_free`. Text produced from C strings
/// holds no NUL byte, but if one ever appears the string is cut there rather than lost.
pub(crate) fn string_to_c(text: String) -> *mut c_char {
    let c_string = CString::new(text).unwrap_or_else(|error| {
        let cut = error.nul_position();
        let mut bytes = error.into_vec();
        bytes.truncate(cut);
        CString::new(bytes).unwrap_or_default()
    });
    c_string.into_raw()
}
