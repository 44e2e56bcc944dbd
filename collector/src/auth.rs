//! Who may send and how often. Tokens are compared as SHA-256 digests in constant time, so
//! neither a token's bytes nor its length leak through timing. Rates are token buckets per
//! token and per client address; the address lives only in this in-memory table (never stored)
//! and an idle entry is forgotten within a minute.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use axum::http::HeaderMap;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A set of accepted tokens; empty means open.
pub struct Tokens(Vec<[u8; 32]>);

impl Tokens {
    pub fn new(tokens: &[String]) -> Self {
        Tokens(
            tokens
                .iter()
                .filter(|t| !t.is_empty())
                .map(|t| digest(t))
                .collect(),
        )
    }

    pub fn is_open(&self) -> bool {
        self.0.is_empty()
    }

    /// The bearer token of `headers` if it is one of these (or `Some("")` when open); `None` for
    /// a missing or wrong token.
    pub fn check<'h>(&self, headers: &'h HeaderMap) -> Option<&'h str> {
        let given = bearer(headers);
        if self.is_open() {
            return Some(given.unwrap_or(""));
        }
        let given = given?;
        let hashed = digest(given);
        // Every token is compared, found or not: the time does not say which one matched.
        let matched = self.0.iter().fold(subtle::Choice::from(0), |found, token| {
            found | token.ct_eq(&hashed)
        });
        bool::from(matched).then_some(given)
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Token buckets: `rate` requests per second, bursts of up to twice that.
pub struct RateLimiter {
    rate: f64,
    buckets: Mutex<Buckets>,
}

#[derive(Default)]
struct Buckets {
    by_key: HashMap<Key, (f64, Instant)>,
    last_sweep: Option<Instant>,
}

#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Address(IpAddr),
    Token([u8; 32]),
}

impl Key {
    pub fn token(token: &str) -> Self {
        Key::Token(digest(token))
    }
}

impl RateLimiter {
    /// `rate` 0 allows everything.
    pub fn new(rate: u32) -> Self {
        RateLimiter {
            rate: f64::from(rate),
            buckets: Mutex::new(Buckets::default()),
        }
    }

    /// Takes one request from `key`'s bucket: `Ok` if allowed, else `Err(seconds)` until one is.
    pub fn take(&self, key: Key) -> Result<(), u64> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let now = Instant::now();
        let capacity = self.rate * 2.0;
        let mut buckets = self.buckets.lock().expect("rate lock");
        let sweep_due = buckets
            .last_sweep
            .is_none_or(|last| now.duration_since(last).as_secs() >= 60);
        if sweep_due {
            // Full buckets carry no information: forget them (and the addresses with them).
            let rate = self.rate;
            buckets.by_key.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < capacity
            });
            buckets.last_sweep = Some(now);
        }
        let (tokens, at) = buckets.by_key.entry(key).or_insert((capacity, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate).min(capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.rate).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_checked() {
        let tokens = Tokens::new(&["alpha".into(), "beta".into()]);
        let mut headers = HeaderMap::new();
        assert_eq!(tokens.check(&headers), None);
        headers.insert("authorization", "Bearer beta".parse().unwrap());
        assert_eq!(tokens.check(&headers), Some("beta"));
        headers.insert("authorization", "Bearer gamma".parse().unwrap());
        assert_eq!(tokens.check(&headers), None);
        headers.insert("authorization", "Basic beta".parse().unwrap());
        assert_eq!(tokens.check(&headers), None);
        assert_eq!(Tokens::new(&[]).check(&HeaderMap::new()), Some(""));
    }

    #[test]
    fn bursts_then_limits() {
        let limiter = RateLimiter::new(5);
        let key = || Key::Address("127.0.0.1".parse().unwrap());
        for _ in 0..10 {
            assert_eq!(limiter.take(key()), Ok(()));
        }
        assert_eq!(limiter.take(key()), Err(1));
        assert_eq!(limiter.take(Key::token("other")), Ok(()));
        assert_eq!(RateLimiter::new(0).take(key()), Ok(()));
    }
}
