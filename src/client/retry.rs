//! The retry policy: how many times a batch is tried again and how long to wait before each
//! try, with jitter so that many clients failing together do not retry together.

use std::time::Duration;

use crate::config::Config;
use crate::transport::MAX_RETRY_AFTER;

/// Retries and delays, fixed when the client is created.
#[derive(Clone, Copy, Debug)]
pub(super) struct RetryPolicy {
    /// Retries after the first attempt.
    attempts: u32,
    /// Factor between successive delays.
    factor: f64,
    /// Delay before the first retry.
    initial_delay: Duration,
}

impl RetryPolicy {
    pub(super) fn from_config(config: &Config) -> Self {
        RetryPolicy {
            attempts: config.retry_attempts(),
            factor: config.retry_backoff(),
            initial_delay: config.retry_initial_delay(),
        }
    }

    /// Whether a batch that has been retried `retries` times may be tried again.
    pub(super) fn may_retry(&self, retries: u32) -> bool {
        retries < self.attempts
    }

    /// `initial × factor^(attempt-1)`, scaled by a random factor in [0.5, 1], at most
    /// [`MAX_RETRY_AFTER`].
    pub(super) fn delay(&self, attempt: u32, jitter: &mut Jitter) -> Duration {
        let exponent = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
        let scale = self.factor.powi(exponent) * jitter.next_factor();
        self.initial_delay
            .mul_f64(scale.min(1e6))
            .min(MAX_RETRY_AFTER)
    }

    /// The wait before retry number `attempt`, given what the collector asked for: `Retry-After`
    /// can lengthen the wait, never shorten it below the backoff, so `Retry-After: 0` cannot
    /// turn retries into a hot loop.
    pub(super) fn delay_honouring(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        jitter: &mut Jitter,
    ) -> Duration {
        let backoff = self.delay(attempt, jitter);
        retry_after.map_or(backoff, |asked| asked.max(backoff))
    }
}

/// xorshift64*, seeded from the OS: only spreads retries, so it need not be cryptographic.
pub(super) struct Jitter(u64);

impl Jitter {
    pub(super) fn new() -> Self {
        let mut seed = [0u8; 8];
        let _ = crate::sys::fill_random(&mut seed);
        Jitter(u64::from_le_bytes(seed) | 1)
    }

    /// Uniform in [0.5, 1].
    fn next_factor(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let unit = (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64;
        0.5 + unit / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            attempts: 3,
            factor: 2.0,
            initial_delay: Duration::from_secs(1),
        }
    }

    #[test]
    fn jitter_stays_in_range() {
        let mut jitter = Jitter::new();
        for _ in 0..10_000 {
            let factor = jitter.next_factor();
            assert!((0.5..=1.0).contains(&factor), "{factor}");
        }
    }

    #[test]
    fn delays_grow_by_the_factor_and_stop_at_the_cap() {
        let mut jitter = Jitter::new();
        let policy = policy();
        for attempt in 1..=4u32 {
            let full = Duration::from_secs(1 << (attempt - 1));
            let delay = policy.delay(attempt, &mut jitter);
            assert!(delay >= full / 2 && delay <= full, "{attempt}: {delay:?}");
        }
        assert_eq!(policy.delay(1000, &mut jitter), MAX_RETRY_AFTER);
    }

    #[test]
    fn retry_after_lengthens_but_never_shortens() {
        let mut jitter = Jitter::new();
        let policy = policy();
        let zero = policy.delay_honouring(1, Some(Duration::ZERO), &mut jitter);
        assert!(zero >= Duration::from_millis(500), "{zero:?}");
        let long = policy.delay_honouring(1, Some(Duration::from_secs(30)), &mut jitter);
        assert_eq!(long, Duration::from_secs(30));
    }

    #[test]
    fn attempts_are_counted_after_the_first() {
        let policy = policy();
        assert!(policy.may_retry(2));
        assert!(!policy.may_retry(3));
    }
}
