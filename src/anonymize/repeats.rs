//! The last few long texts scrubbed on this thread, and what they became.
//!
//! An application stuck in an error loop sends the same message and stack trace again and
//! again; scrubbing each copy anew is most of what the sender would spend on them. Names are
//! remembered by [`Memo`](super::Memo); this remembers messages and traces, a handful at a
//! time, compared byte for byte (no hash to collide). The output depends only on the text and
//! the bound, since the scrubber's identity is fixed for the process.

use std::cell::RefCell;

/// How many texts are remembered per thread: enough for a loop alternating a few errors.
const SLOTS: usize = 8;
/// Longer texts are not remembered, so that the memory stays small: at most `SLOTS` times
/// this plus the outputs, which are bounded by the caller's limit.
const MAX_TEXT_BYTES: usize = 4096;

struct Slot {
    text: Box<str>,
    max_bytes: usize,
    scrubbed: String,
}

#[derive(Default)]
struct Recent {
    slots: Vec<Slot>,
    /// The slot the next new text replaces, round robin.
    next: usize,
}

thread_local! {
    static RECENT: RefCell<Recent> = RefCell::new(Recent::default());
}

/// `compute()` for `(text, max_bytes)`, or the remembered result of an earlier identical call
/// on this thread.
pub(crate) fn remembered(text: &str, max_bytes: usize, compute: impl FnOnce() -> String) -> String {
    if text.len() > MAX_TEXT_BYTES {
        return compute();
    }
    let known = RECENT.with(|recent| {
        recent
            .borrow()
            .slots
            .iter()
            .find(|slot| slot.max_bytes == max_bytes && *slot.text == *text)
            .map(|slot| slot.scrubbed.clone())
    });
    if let Some(known) = known {
        return known;
    }
    let scrubbed = compute();
    RECENT.with(|recent| {
        let mut recent = recent.borrow_mut();
        let slot = Slot {
            text: text.into(),
            max_bytes,
            scrubbed: scrubbed.clone(),
        };
        if recent.slots.len() < SLOTS {
            recent.slots.push(slot);
        } else {
            let next = recent.next;
            recent.slots[next] = slot;
        }
        recent.next = (recent.next + 1) % SLOTS;
    });
    scrubbed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_give_the_first_result_and_the_memory_stays_bounded() {
        let mut computed = 0;
        for round in 0..3 {
            for i in 0..SLOTS {
                let text = format!("error {i} at /home/ann/app.py");
                let result = remembered(&text, 1024, || {
                    computed += 1;
                    format!("scrubbed {i}")
                });
                assert_eq!(result, format!("scrubbed {i}"), "round {round}");
            }
        }
        assert_eq!(computed, SLOTS, "each text is scrubbed once while it fits");
        // A different bound is a different result.
        assert_eq!(
            remembered("error 0 at /home/ann/app.py", 8, || "x".into()),
            "x"
        );
        remembered("one more", 1024, String::new);
        RECENT.with(|recent| assert_eq!(recent.borrow().slots.len(), SLOTS));
        let long = "y".repeat(MAX_TEXT_BYTES + 1);
        let mut calls = 0;
        for _ in 0..2 {
            remembered(&long, 1024, || {
                calls += 1;
                String::new()
            });
        }
        assert_eq!(calls, 2, "long texts are not remembered");
    }
}
