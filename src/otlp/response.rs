//! What an OTLP/HTTP answer means: which statuses are worth retrying, and how many records a
//! `partialSuccess` says were rejected.

use serde_json::Value;

/// The statuses the OTLP/HTTP specification says to retry (with `Retry-After` honoured); every
/// other 4xx and 5xx drops the batch.
pub fn is_retryable_status(status: i32) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// `partialSuccess.rejectedLogRecords` of a JSON `ExportLogsServiceResponse`: 0 when the body is
/// empty, not JSON (a protobuf answer), or has no rejections. The count is an int64, so a decimal
/// string in OTLP JSON; a plain number is accepted too.
pub fn rejected_log_records(body: &[u8]) -> u64 {
    let Ok(answer) = serde_json::from_slice::<Value>(body) else {
        return 0;
    };
    let count = &answer["partialSuccess"]["rejectedLogRecords"];
    count
        .as_u64()
        .or_else(|| count.as_str().and_then(|text| text.trim().parse().ok()))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_only_what_the_specification_names() {
        for status in [429, 502, 503, 504] {
            assert!(is_retryable_status(status), "{status}");
        }
        for status in [200, 400, 401, 403, 404, 413, 500, 501, 505] {
            assert!(!is_retryable_status(status), "{status}");
        }
    }

    #[test]
    fn reads_partial_success() {
        let rejected = br#"{"partialSuccess":{"rejectedLogRecords":"3","errorMessage":"x"}}"#;
        assert_eq!(rejected_log_records(rejected), 3);
        assert_eq!(
            rejected_log_records(br#"{"partialSuccess":{"rejectedLogRecords":2}}"#),
            2
        );
        assert_eq!(rejected_log_records(br#"{"partialSuccess":{}}"#), 0);
        assert_eq!(rejected_log_records(b"{}"), 0);
        assert_eq!(rejected_log_records(b""), 0);
        assert_eq!(rejected_log_records(&[0x0a, 0x00]), 0);
    }
}
