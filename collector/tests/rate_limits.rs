//! `429` with `Retry-After` past the per-address and the per-token rates, on a real collector.

mod support;

use support::{agent_usage, batch, post, sqlite_collector};

#[test]
fn past_the_rate_429_with_retry_after() {
    let (_dir, _path, collector) = sqlite_collector(&["--rate-per-address", "2"]);
    let url = collector.events_url();
    let statuses: Vec<(i32, Option<String>)> = (0..8)
        .map(|_| {
            let body = batch(vec![agent_usage("x")]).to_string();
            let (status, _, response) = post(&url, body.as_bytes(), &[]);
            (status, response.headers.get("retry-after").cloned())
        })
        .collect();
    // A burst of twice the rate passes, then 429 with a Retry-After in whole seconds.
    assert!(
        statuses[..4].iter().all(|(status, _)| *status == 200),
        "{statuses:?}"
    );
    let limited: Vec<_> = statuses
        .iter()
        .filter(|(status, _)| *status == 429)
        .collect();
    assert!(!limited.is_empty(), "{statuses:?}");
    for (_, retry_after) in limited {
        let seconds: u64 = retry_after.as_deref().unwrap().parse().unwrap();
        assert!((1..=60).contains(&seconds));
    }
}

#[test]
fn past_the_token_rate_429_whatever_the_address() {
    let (_dir, _path, collector) = sqlite_collector(&[
        "--ingest-token",
        "shared",
        "--rate-per-token",
        "1",
        "--rate-per-address",
        "0",
    ]);
    let statuses: Vec<i32> = (0..5)
        .map(|_| {
            let body = batch(vec![agent_usage("x")]).to_string();
            let auth = [("Authorization", "Bearer shared")];
            post(&collector.events_url(), body.as_bytes(), &auth).0
        })
        .collect();
    assert_eq!(&statuses[..2], &[200, 200], "{statuses:?}");
    assert!(statuses[2..].contains(&429), "{statuses:?}");
}
