//! `GET /` on a real collector process (SQLite) over loopback: the dashboard token (Bearer or
//! Basic, a Basic challenge on 401, the same for `/api/summary`), the page with its headers over
//! stored events, and 503 with `Retry-After` when storage fails. The page's content is checked in
//! a browser by collector/tests/browser.

mod support;

use support::{agent_usage, batch, get, post_json, sqlite_collector, system_info};

fn get_with(url: &str, authorization: &str) -> minreq::Response {
    minreq::get(url)
        .with_header("Authorization", authorization)
        .send()
        .unwrap()
}

#[test]
fn the_page_and_the_summary_need_the_dashboard_token_as_bearer_or_basic() {
    let (_dir, _path, collector) = sqlite_collector(&["--dashboard-token", "look"]);
    for route in ["/", "/api/summary"] {
        let url = format!("{}{route}", collector.url);
        let anonymous = minreq::get(&url).send().unwrap();
        assert_eq!(anonymous.status_code, 401, "{route}");
        let challenge = anonymous.headers.get("www-authenticate").unwrap();
        assert!(
            challenge.starts_with("Basic realm="),
            "{route}: {challenge}"
        );
        for wrong in ["Bearer looks", "Basic bG9vaw==", "Basic YWRtaW46TE9PSw=="] {
            assert_eq!(get_with(&url, wrong).status_code, 401, "{route} {wrong}");
        }
        // "Bearer look", and Basic "admin:look".
        for right in ["Bearer look", "Basic YWRtaW46bG9vaw=="] {
            assert_eq!(get_with(&url, right).status_code, 200, "{route} {right}");
        }
    }
}

#[test]
fn the_page_shows_stored_events_with_its_headers() {
    let (_dir, _path, collector) = sqlite_collector(&[]);
    let mut events = vec![system_info(
        "Linux",
        "0.2.0",
        "<img src=x onerror=alert(1)>",
    )];
    events.extend([
        agent_usage("<script>alert(1)</script>"),
        agent_usage("summarize"),
    ]);
    assert_eq!(post_json(&collector.events_url(), &batch(events)).0, 200);
    let response = minreq::get(format!("{}/", collector.url)).send().unwrap();
    assert_eq!(response.status_code, 200);
    let header = |name: &str| response.headers.get(name).map(String::as_str);
    assert_eq!(header("content-type"), Some("text/html; charset=utf-8"));
    assert!(header("content-security-policy")
        .unwrap()
        .starts_with("default-src 'none'"));
    assert_eq!(header("cache-control"), Some("no-store"));
    let page = response.as_str().unwrap();
    assert!(page.contains("<dd id=\"events-total\">3</dd>"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains("<script>") && !page.contains("<img"));
}

#[test]
fn a_failing_storage_gets_503_with_retry_after_on_the_page() {
    let (_dir, path, collector) = sqlite_collector(&[]);
    assert_eq!(get(&format!("{}/", collector.url)).0, 200);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("DROP TABLE events")
        .unwrap();
    let response = minreq::get(format!("{}/", collector.url)).send().unwrap();
    assert_eq!(response.status_code, 503);
    assert_eq!(
        response.headers.get("retry-after").map(String::as_str),
        Some("5")
    );
}
