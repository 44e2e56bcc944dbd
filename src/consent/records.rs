//! What a user can look at: the local record (batches kept, never sent, in local mode) and the
//! sent log (the last batches actually uploaded), one pair of files per application under the
//! state folder, each bounded: past [`MAX_RECORD_BYTES`] the oldest batches are dropped.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::private_file;

/// The most a local record or a sent log keeps; older batches are dropped first.
pub const MAX_RECORD_BYTES: u64 = 1 << 20;

/// Which of the two files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    /// Batches kept on this machine in local mode.
    Local,
    /// Batches uploaded while on.
    Sent,
}

/// The file of `kind` for `app` (`None`: no application name) in `folder`.
pub fn record_path(folder: &Path, app: Option<&str>, kind: RecordKind) -> PathBuf {
    let suffix = match kind {
        RecordKind::Local => "local",
        RecordKind::Sent => "sent",
    };
    folder.join(format!("{}.{suffix}.jsonl", super::record_stem(app)))
}

/// Appends one batch as one line to `path` (created with mode 0600 in a folder of mode 0700,
/// never through a link), then, if the file grew past `max_bytes`, drops its oldest lines.
pub fn append_bounded(path: &Path, batch: &[u8], max_bytes: u64) -> io::Result<()> {
    if let Some(folder) = path.parent() {
        private_file::create_folder(folder)?;
    }
    let mut line = Vec::with_capacity(batch.len() + 1);
    line.extend_from_slice(batch);
    line.push(b'\n');
    let mut file = private_file::open_append(path)?;
    // One write per line, so that two writers never interleave inside a batch.
    file.write_all(&line)?;
    if file.metadata()?.len() <= max_bytes {
        return Ok(());
    }
    let mut text = Vec::new();
    private_file::open_read(path)?.read_to_end(&mut text)?;
    let kept = newest_lines(&text, max_bytes);
    super::store::write_atomically(path, kept)
}

/// The longest tail of whole lines of `text` that fits in `max_bytes`.
fn newest_lines(text: &[u8], max_bytes: u64) -> &[u8] {
    let max = usize::try_from(max_bytes).unwrap_or(usize::MAX);
    if text.len() <= max {
        return text;
    }
    let cut = text.len() - max;
    // Start after the first line break at or after the cut, so no line is kept in part.
    match text[cut.saturating_sub(1)..]
        .iter()
        .position(|&b| b == b'\n')
    {
        Some(offset) => &text[cut.saturating_sub(1) + offset + 1..],
        None => &[],
    }
}

/// Reads the file of `kind` for `app`; an absent file is empty. Never through a link.
pub fn read_record(path: &Path) -> io::Result<String> {
    match private_file::open_read(path) {
        Ok(mut file) => {
            let mut text = String::new();
            file.read_to_string(&mut text)?;
            Ok(text)
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(String::new()),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_whole_lines_are_dropped_past_the_bound() {
        let folder = std::env::temp_dir().join(format!(
            "mt-records-{}-{}",
            std::process::id(),
            super::super::random_hex(4).unwrap()
        ));
        let path = record_path(&folder, Some("tool"), RecordKind::Local);
        assert!(path.ends_with("app-tool.local.jsonl"));
        for index in 0..10 {
            append_bounded(&path, format!("batch-{index}-xxxxxxxxxx").as_bytes(), 64).unwrap();
        }
        let text = read_record(&path).unwrap();
        assert!(text.len() <= 64, "{text}");
        assert!(text.ends_with("batch-9-xxxxxxxxxx\n"), "{text}");
        assert!(text.starts_with("batch-"), "whole lines only: {text}");
        assert!(!text.contains("batch-0-"), "{text}");
        std::fs::remove_dir_all(folder).unwrap();
    }

    #[test]
    fn a_line_longer_than_the_bound_leaves_nothing() {
        assert_eq!(newest_lines(b"0123456789\n", 5), b"");
        assert_eq!(newest_lines(b"ab\ncd\nef\n", 6), b"cd\nef\n");
        assert_eq!(newest_lines(b"ab\ncd\nef\n", 7), b"cd\nef\n");
    }
}
