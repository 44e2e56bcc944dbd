//! Stand-in crate root from the dashboard branch: the collector branch's lib.rs replaces it and
//! keeps the line below.

pub mod dashboard;
