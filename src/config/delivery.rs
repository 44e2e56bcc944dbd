//! The settings of how batches reach the collector beyond its URL: a private collector's ingest
//! token, and the bounds of the offline spool that keeps what could not be delivered.

use super::{check_range, Config, ConfigError, Setting};
use crate::transport::Token;

impl Config {
    /// A private collector's ingest token, sent with every request to the endpoint as
    /// `Authorization: Bearer <token>`; `None` clears it. 1 to 4096 visible ASCII characters.
    /// It is never logged and never written to a file.
    pub fn set_token(&mut self, token: Option<&str>) -> Result<(), ConfigError> {
        self.token = match token {
            None => None,
            Some(text) => Some(Token::parse(text).ok_or(ConfigError {
                setting: Setting::Token,
            })?),
        };
        Ok(())
    }

    /// Whether an ingest token is set (the token itself is never handed out).
    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    pub(crate) fn token(&self) -> Option<&Token> {
        self.token.as_ref()
    }

    /// The most the offline spool of this application keeps, in bytes (default 5 MiB); the
    /// oldest batches are removed first. 0 turns the spool off.
    pub fn set_spool_max_bytes(&mut self, bytes: u32) -> Result<(), ConfigError> {
        self.spool_max_bytes = check_range(bytes, Setting::SpoolMaxBytes)?;
        Ok(())
    }

    /// How long a spooled batch is kept, in days (default 7); older ones are removed unsent.
    /// 0 turns the spool off.
    pub fn set_spool_max_age_days(&mut self, days: u32) -> Result<(), ConfigError> {
        self.spool_max_age_days = check_range(days, Setting::SpoolMaxAgeDays)?;
        Ok(())
    }

    pub fn spool_max_bytes(&self) -> u32 {
        self.spool_max_bytes
    }

    pub fn spool_max_age_days(&self) -> u32 {
        self.spool_max_age_days
    }
}
