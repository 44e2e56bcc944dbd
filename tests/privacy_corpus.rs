//! Runs the synthetic privacy corpus (tests/privacy/corpus.jsonl, made by generate_corpus.py)
//! through the scrubber and prints a table per category: cases, leaks, over-redactions.
//! Any leak fails the test; over-redactions are reported as a rate and bounded.

use std::collections::BTreeMap;
use std::io::Write;

use mycelium_telemetry::anonymize::{Identity, Scrubber};
use serde_json::Value;

#[derive(Default)]
struct Tally {
    cases: usize,
    leaks: usize,
    over_redactions: usize,
}

fn strings(case: &Value, key: &str) -> Vec<String> {
    case[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_corpus_leaks_nothing() {
    let corpus = include_str!("privacy/corpus.jsonl");
    let scrubber = Scrubber::new(Identity::new(
        Some("quinn".into()),
        Some("/srv/staff/quinn".into()),
        Some("quinn-ws.lab.example".into()),
    ));
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut leaks = Vec::new();
    let mut over_redactions = Vec::new();
    for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("corpus line is JSON");
        let category = case["category"].as_str().unwrap();
        let group = category.split(':').next().unwrap().to_owned();
        let input = case["input"].as_str().unwrap();
        let output = scrubber.scrub(input);
        let tally = tallies.entry(group).or_default();
        tally.cases += 1;
        let leaked: Vec<String> = strings(&case, "must_not_contain")
            .into_iter()
            .filter(|secret| output.contains(secret.as_str()))
            .collect();
        if !leaked.is_empty() {
            tally.leaks += 1;
            leaks.push(format!(
                "[{category}] {input:?} -> {output:?} leaks {leaked:?}"
            ));
        }
        let lost: Vec<String> = strings(&case, "must_contain")
            .into_iter()
            .filter(|kept| !output.contains(kept.as_str()))
            .collect();
        if !lost.is_empty() {
            tally.over_redactions += 1;
            over_redactions.push(format!(
                "[{category}] {input:?} -> {output:?} lost {lost:?}"
            ));
        }
    }

    let total_cases: usize = tallies.values().map(|t| t.cases).sum();
    let mut report = String::from("\nprivacy corpus\n");
    report.push_str(&format!(
        "{:<18} {:>6} {:>6} {:>16}\n",
        "category", "cases", "leaks", "over-redactions"
    ));
    for (category, tally) in &tallies {
        report.push_str(&format!(
            "{category:<18} {:>6} {:>6} {:>16}\n",
            tally.cases, tally.leaks, tally.over_redactions
        ));
    }
    let over_rate = over_redactions.len() as f64 / total_cases as f64;
    report.push_str(&format!(
        "{:<18} {total_cases:>6} {:>6} {:>16}   (over-redaction rate {:.1}%)\n",
        "total",
        leaks.len(),
        over_redactions.len(),
        over_rate * 100.0
    ));
    for line in leaks.iter().chain(&over_redactions) {
        report.push_str(&format!("  {line}\n"));
    }
    // Written straight to the stream so the table shows even when the test passes.
    let _ = std::io::stderr().write_all(report.as_bytes());

    assert!(
        total_cases >= 300,
        "the corpus must hold at least 300 cases"
    );
    assert!(leaks.is_empty(), "{} cases leak", leaks.len());
    assert!(
        over_rate <= 0.05,
        "over-redaction rate {:.1}% above 5%",
        over_rate * 100.0
    );
}
