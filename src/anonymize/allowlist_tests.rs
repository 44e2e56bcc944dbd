use super::*;
use serde_json::json;

fn filtered(allowlist: &Allowlist, fields: Value) -> Value {
    let fields = fields.as_object().cloned().unwrap_or_default();
    Value::Object(allowlist.filter(&fields, &mut Memo::default()))
}

fn field(key: &str, value_type: ValueType) -> AllowedField {
    AllowedField {
        key: key.to_owned(),
        value_type,
    }
}

#[test]
fn built_in_keys_keep_right_typed_values() {
    let fields = json!({
        "duration_ms": 12.5, "success": true, "retry_count": 2, "cache_hit": false,
        "result_count": 0, "status_code": 404,
    });
    assert_eq!(
        filtered(&Allowlist::new(Vec::new()), fields.clone()),
        fields
    );
    // JSON has one number type: a whole number written with a fraction is still whole.
    let floats = json!({"retry_count": 3.0, "status_code": 200.0, "duration_ms": 0});
    assert_eq!(
        filtered(&Allowlist::new(Vec::new()), floats.clone()),
        floats
    );
}

#[test]
fn wrong_typed_values_are_dropped_not_coerced_or_scrubbed() {
    let allowlist = Allowlist::new(Vec::new());
    let wrong = [
        ("duration_ms", json!("41")),
        (
            "duration_ms",
            json!("took 41 ms, token ghp_0123456789abcdefghijABCDEFGHIJ012345"),
        ),
        ("duration_ms", json!(-1)),
        ("duration_ms", json!(true)),
        ("duration_ms", json!(null)),
        ("duration_ms", json!([41])),
        ("success", json!("true")),
        ("success", json!(1)),
        ("success", json!(null)),
        ("cache_hit", json!("yes")),
        ("retry_count", json!(2.5)),
        ("retry_count", json!(-2)),
        ("retry_count", json!("2")),
        ("result_count", json!(1e300)),
        ("result_count", json!({"n": 1})),
        ("status_code", json!(99)),
        ("status_code", json!(600)),
        ("status_code", json!(200.5)),
        ("status_code", json!("200")),
        ("status_code", json!("HTTP 200 for alice@example.com")),
    ];
    for (key, value) in wrong {
        let out = filtered(&allowlist, json!({ key: value.clone() }));
        assert_eq!(out, json!({}), "{key} = {value} must be dropped");
    }
    for code in [100, 599] {
        let out = filtered(&allowlist, json!({"status_code": code}));
        assert_eq!(out, json!({"status_code": code}));
    }
}

#[test]
fn unknown_keys_and_nested_values_are_dropped() {
    let metadata = json!({
        "duration_ms": 12.5, "success": true, "result_count": {"nested": 1},
        "prompt": "write my essay", "code": "fn main() {}", "user_email": "a@b.co"
    });
    assert_eq!(
        filtered(&Allowlist::new(Vec::new()), metadata),
        json!({"duration_ms": 12.5, "success": true})
    );
}

#[test]
fn host_fields_have_their_own_types() {
    let allowlist = Allowlist::new(vec![
        field("model", ValueType::Any),
        field("streamed", ValueType::Boolean),
        field("output_count", ValueType::NonNegativeInteger),
        field("cost_usd", ValueType::NonNegativeNumber),
        field("upstream_status", ValueType::HttpStatusCode),
    ]);
    let right = json!({"model": "m-7", "streamed": false, "output_count": 17, "cost_usd": 0.25,
                       "upstream_status": 503});
    assert_eq!(filtered(&allowlist, right.clone()), right);
    let wrong = json!({"streamed": "no", "output_count": -1, "cost_usd": "0.25",
                       "upstream_status": 42, "model": ["m"]});
    assert_eq!(filtered(&allowlist, wrong), json!({}));
    // Any: strings are scrubbed and bounded like names; other scalars pass.
    let any = filtered(&allowlist, json!({"model": "mail alice@example.com"}));
    assert_eq!(any, json!({"model": "mail <email>"}));
    let long = filtered(&allowlist, json!({"model": "m".repeat(1000)}));
    assert!(long["model"].as_str().unwrap().len() <= limits::MAX_NAME_BYTES);
    assert_eq!(
        filtered(&allowlist, json!({"model": null})),
        json!({"model": null})
    );
}

#[test]
fn built_in_types_cannot_be_loosened_and_secret_keys_never_pass() {
    let allowlist = Allowlist::new(vec![
        field("duration_ms", ValueType::Any),
        field("auth_mode", ValueType::Any),
        field("api_token", ValueType::Boolean),
    ]);
    let out = filtered(
        &allowlist,
        json!({"duration_ms": "slow", "auth_mode": "x", "api_token": true, "success": true}),
    );
    assert_eq!(out, json!({"success": true}));
    assert_eq!(
        built_in_type("status_code"),
        Some(ValueType::HttpStatusCode)
    );
    assert_eq!(built_in_type("model"), None);
    assert_eq!(
        METADATA_ALLOWLIST,
        BUILT_IN_FIELDS
            .iter()
            .map(|(key, _)| *key)
            .collect::<Vec<_>>()
    );
}

#[test]
fn at_most_max_fields_leave() {
    let extra: Vec<AllowedField> = (0..40)
        .map(|i| field(&format!("k{i}"), ValueType::NonNegativeInteger))
        .collect();
    let allowlist = Allowlist::new(extra);
    let many: Map<String, Value> = (0..40).map(|i| (format!("k{i}"), json!(i))).collect();
    let out = allowlist.filter(&many, &mut Memo::default());
    assert_eq!(out.len(), limits::MAX_FIELDS);
}

#[test]
fn secret_looking_keys_in_any_case_or_spelling() {
    for key in [
        "password",
        "DB_PASSWORD",
        "api-key",
        "Api_Key",
        "x-auth-token",
        "SessionID",
    ] {
        assert!(is_secret_key(key), "{key}");
    }
    for key in ["duration_ms", "model_name", "status_code", "pass", ""] {
        assert!(!is_secret_key(key), "{key}");
    }
}

#[test]
fn identifier_like_tags_are_hashed_and_other_tags_scrubbed() {
    let hash = |_: &mut Memo, text: &str| format!("hash({text})");
    let tags = json!({"session_id": "abc", "user": "bob", "agent": "coder", "model": "m1",
                      "count_id": 7, "nested": {"x": 1}, "note": "by alice@example.com",
                      "api_token": "t"});
    let out = filter_tags(tags.as_object().unwrap(), &mut Memo::default(), hash);
    assert_eq!(
        Value::Object(out),
        json!({"session_id": "hash(abc)", "user": "hash(bob)", "agent": "hash(coder)",
               "count_id": "hash(7)", "model": "m1", "note": "by <email>"})
    );
}

#[test]
fn tag_names_must_be_plain_bounded_words() {
    let hash = |_: &mut Memo, text: &str| text.to_owned();
    let odd = json!({"https://user:pass@example.com/u": "x", "me@example.com": 1,
                     "k".repeat(limits::MAX_NAME_BYTES + 1): 2,
                     "k".repeat(limits::MAX_NAME_BYTES): 3, "region": "eu"});
    let out = filter_tags(odd.as_object().unwrap(), &mut Memo::default(), hash);
    assert_eq!(
        Value::Object(out),
        json!({"k".repeat(limits::MAX_NAME_BYTES): 3, "region": "eu"}),
        "tags named with personal data or secrets, or too long, are dropped"
    );
}

/// The sender filters the text without building a map: it must leave exactly what filtering
/// the parsed map leaves, written the same way.
#[test]
fn filtering_the_text_equals_filtering_the_parsed_map() {
    let mut extra: Vec<AllowedField> = (0..40)
        .map(|i| field(&format!("k{i:02}"), ValueType::Any))
        .collect();
    extra.push(field("note", ValueType::Any));
    extra.push(field("tab\tkey", ValueType::Boolean));
    let allowlist = Allowlist::new(extra);
    let many: String = (0..40)
        .rev()
        .map(|i| format!("\"k{i:02}\": {i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let texts = [
        r#"{"duration_ms": 41, "success": true, "retry_count": 0, "result_count": 12, "user": "alice"}"#.to_owned(),
        r#"{"retry_count": 1, "retry_count": "x", "success": false, "success": true}"#.to_owned(),
        r#"{"status_code": 99, "status_code": 503, "deep": {"a": [1, {"b": null}]}}"#.to_owned(),
        r#"{"note": "mail bob@example.com", "n\u006fte": "from /home/ann/x", "tab\tkey": true}"#.to_owned(),
        r#"{"duration_ms": -1, "cache_hit": "yes", "password": "hunter2"}"#.to_owned(),
        "{}".to_owned(),
        format!("{{{many}}}"),
    ];
    for text in &texts {
        let parsed: Map<String, Value> = serde_json::from_str(text).unwrap();
        let expected = allowlist.filter(&parsed, &mut Memo::default());
        let fields = allowlist.filter_text(text, &mut Memo::default()).unwrap();
        let got: Vec<(String, Value)> = fields
            .into_iter()
            .map(|(key, value)| (key.into_owned(), value))
            .collect();
        let expected: Vec<(String, Value)> = expected.into_iter().collect();
        assert_eq!(got, expected, "{text}");
    }
    for not_an_object in ["[1]", "3", "{\"a\": }", "{} x"] {
        assert!(allowlist
            .filter_text(not_an_object, &mut Memo::default())
            .is_none());
    }
}
