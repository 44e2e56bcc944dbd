//! What a real loopback collector receives from a real client: shared by the integration tests
//! that check the wire form of tracked events.

use std::time::Duration;

use mycelium_telemetry::{Client, Config};
use serde_json::Value;

use super::collector::Collector;

/// How long a test waits for a flush.
pub const WAIT: Duration = Duration::from_secs(10);

/// The events a collector receives from a client made from `config` (enabled, salt "s",
/// pointed at the collector) after `track` and a flush.
pub fn received(config: Config, track: impl FnOnce(&Client)) -> Vec<Value> {
    let collector = Collector::start();
    let mut config = config;
    config.set_enabled(true);
    config.set_endpoint(&collector.url()).unwrap();
    config.set_salt("s").unwrap();
    let client = Client::new(&config);
    track(&client);
    client.flush(WAIT).unwrap();
    collector.events()
}
