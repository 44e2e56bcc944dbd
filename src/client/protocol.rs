//! The sender's one protocol hook: which transport a client posts with, and the body a batch
//! is sent as. Wire format 1.0 goes as the sender built it; OTLP re-encodes that batch
//! (`crate::otlp`), so both carry exactly the same scrubbed fields.

use std::borrow::Cow;

use super::shared::Shared;
use crate::config::Config;
use crate::consent::records;
use crate::otlp::{Encoder, Protocol};
use crate::transport::Transport;

/// The transport of a client made from `config`: the protocol's, or the output file.
pub(super) fn transport_for(config: &Config) -> Transport {
    let output_file = config.output_file().map(|path| path.as_path());
    match config.protocol() {
        Protocol::Mycelium => {
            Transport::new(config.endpoint(), config.private_roots(), output_file)
        }
        Protocol::Otlp => Transport::otlp(
            config.endpoint(),
            config.otlp_headers(),
            config.private_roots(),
            output_file,
        ),
    }
}

/// The OTLP encoder, for a client that speaks OTLP. `service.name` is the application's name.
pub(super) fn encoder_for(config: &Config) -> Option<Encoder> {
    (config.protocol() == Protocol::Otlp).then(|| Encoder::new(config.app_name()))
}

/// The warning for a batch whose `partialSuccess` named rejected records. The Collector's own
/// `errorMessage` is not repeated: it may quote the records.
pub(super) fn partly_rejected_warning(rejected: u64) -> String {
    format!(
        "the collector rejected {rejected} log record(s) of a batch (OTLP partial success); \
         they were counted as failed and not retried"
    )
}

impl Shared {
    /// `wire` (a wire-format 1.0 batch) as this client sends it; `None` if it could not be
    /// encoded (a bug: the sender built it).
    pub(super) fn encode_for_protocol<'a>(&self, wire: &'a [u8]) -> Option<Cow<'a, [u8]>> {
        match &self.encoder {
            None => Some(Cow::Borrowed(wire)),
            Some(encoder) => {
                let runtime = crate::event::host_runtime();
                encoder.encode(wire, runtime.as_deref()).map(Cow::Owned)
            }
        }
    }

    /// Keeps a delivered batch in the sent log, in wire format 1.0 whatever the protocol, so the
    /// user can see what left. A failure here loses nothing that was sent.
    pub(super) fn keep_sent(&self, wire: &[u8]) {
        if let (Some(path), true) = (&self.sent_log, self.transport.is_network()) {
            let _ = records::append_bounded(path, wire, records::MAX_RECORD_BYTES);
        }
    }
}
