//! The body as the client sent it, bounded: at most 1 MiB on the wire and 8 MiB once gunzipped.
//! The gzip stream is read through a limit, so a gzip bomb costs 8 MiB and a `413`, never more.

use std::io::Read;

use flate2::read::GzDecoder;

pub const MAX_COMPRESSED_BYTES: usize = 1024 * 1024;
pub const MAX_DECOMPRESSED_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    /// Over a size bound: `413`.
    TooLarge,
    /// A `Content-Encoding` other than gzip or identity: `415`.
    UnsupportedEncoding,
    /// Not a gzip stream although it said so: `400`.
    BadGzip,
}

/// The decoded body of a request sent with `encoding` (the `Content-Encoding` header).
pub fn decode_body(encoding: Option<&str>, body: &[u8]) -> Result<Vec<u8>, BodyError> {
    if body.len() > MAX_COMPRESSED_BYTES {
        return Err(BodyError::TooLarge);
    }
    match encoding.map(str::trim) {
        None | Some("") | Some("identity") => Ok(body.to_vec()),
        Some(name) if name.eq_ignore_ascii_case("gzip") => gunzip(body),
        Some(_) => Err(BodyError::UnsupportedEncoding),
    }
}

fn gunzip(body: &[u8]) -> Result<Vec<u8>, BodyError> {
    let mut out = Vec::with_capacity(body.len().saturating_mul(4).min(MAX_DECOMPRESSED_BYTES));
    // One byte more than allowed tells "exactly at the bound" from "over it".
    let mut limited = GzDecoder::new(body).take(MAX_DECOMPRESSED_BYTES as u64 + 1);
    limited
        .read_to_end(&mut out)
        .map_err(|_| BodyError::BadGzip)?;
    if out.len() > MAX_DECOMPRESSED_BYTES {
        return Err(BodyError::TooLarge);
    }
    Ok(out)
}
