//! The settings of how batches reach the collector beyond its URL: a private collector's ingest
//! token.

use super::{Config, ConfigError, Setting};
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
}
