//! Masking payment card numbers before any text leaves the browser or is stored.
//!
//! A card number is 13 to 19 digits, written together or in groups separated by single spaces
//! or dashes, that passes the Luhn check. [`mask_card_numbers`] replaces each with `•••• 4242`
//! (its last four digits), which is what a support agent needs to tell cards apart. The
//! scanner collects runs of digit groups, then looks inside each run for the longest
//! Luhn-valid window of whole groups, so a card followed by its security code
//! ("4242 4242 4242 4242 123") is still caught. Runs that start with `+` are phone numbers.

use std::borrow::Cow;

const MIN_DIGITS: usize = 13;
const MAX_DIGITS: usize = 19;

/// `text` with every card number replaced by `•••• ` and its last four digits.
pub fn mask_card_numbers(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0;
    for run in digit_runs(text) {
        let mut i = 0;
        while i < run.len() {
            match card_window(text, &run[i..]) {
                Some(len) => {
                    let (start, end) = (run[i].start, run[i + len - 1].end);
                    let digits: String = text[start..end]
                        .chars()
                        .filter(char::is_ascii_digit)
                        .collect();
                    out.push_str(&text[copied..start]);
                    out.push_str("•••• ");
                    out.push_str(&digits[digits.len() - 4..]);
                    copied = end;
                    i += len;
                }
                None => i += 1,
            }
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// A maximal group of ASCII digits, as a byte range.
#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
}

/// Runs of digit groups joined by one space or dash, not glued to letters or other digits.
fn digit_runs(text: &str) -> Vec<Vec<Group>> {
    let bytes = text.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || is_word_char(text[..i].chars().next_back()) {
            i += 1;
            continue;
        }
        let phone = i > 0 && bytes[i - 1] == b'+';
        let mut run = Vec::new();
        loop {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            run.push(Group { start, end: i });
            let joined = i + 1 < bytes.len()
                && (bytes[i] == b' ' || bytes[i] == b'-')
                && bytes[i + 1].is_ascii_digit();
            if !joined {
                break;
            }
            i += 1;
        }
        let glued = is_word_char(text[i..].chars().next());
        if !phone && !glued {
            runs.push(run);
        }
    }
    runs
}

/// Digits touching a letter or digit are part of a code (a tracking id), not a card number.
fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// How many groups from the start of `groups` form the longest card number, if any do.
fn card_window(text: &str, groups: &[Group]) -> Option<usize> {
    let mut digits = String::new();
    let mut best = None;
    for (n, g) in groups.iter().enumerate() {
        digits.push_str(&text[g.start..g.end]);
        if digits.len() > MAX_DIGITS {
            break;
        }
        if digits.len() >= MIN_DIGITS && luhn_valid(&digits) {
            best = Some(n + 1);
        }
    }
    best
}

/// The Luhn checksum used by every card network.
fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_network_test_cards_in_every_common_layout() {
        for (card, last4) in [
            ("4242 4242 4242 4242", "4242"),
            ("4111-1111-1111-1111", "1111"),
            ("5555555555554444", "4444"),
            ("3782 822463 10005", "0005"),
            ("6011 1111 1111 1117", "1117"),
            ("3056 9300 0902 0004", "0004"),
            ("6205500000000000004", "0004"),
            ("4000 0566 5566 5556", "5556"),
        ] {
            let text = format!("my card is {card}, thanks");
            assert_eq!(
                mask_card_numbers(&text),
                format!("my card is •••• {last4}, thanks"),
                "{card}"
            );
        }
    }

    #[test]
    fn masks_every_card_in_a_message_and_keeps_the_rest() {
        assert_eq!(
            mask_card_numbers("Charged twice: 4242424242424242 and 5555 5555 5555 4444."),
            "Charged twice: •••• 4242 and •••• 4444."
        );
    }

    #[test]
    fn a_security_code_after_the_number_does_not_hide_it() {
        assert_eq!(
            mask_card_numbers("4242 4242 4242 4242 123 exp 12/29"),
            "•••• 4242 123 exp 12/29"
        );
    }

    #[test]
    fn numbers_that_fail_luhn_stay() {
        for text in [
            "4242 4242 4242 4241",
            "1234567890123",
            "5555-5555-5555-5555",
        ] {
            assert_eq!(mask_card_numbers(text), text);
        }
    }

    #[test]
    fn order_numbers_phone_numbers_and_dates_stay() {
        for text in [
            "Order #100234567 has not arrived",
            "order 2024-11-000123",
            "Call me on +46 70 123 45 67 or +49 151 2345 6789",
            "+4242424242424242",
            "030 1234 5678",
            "I ordered on 2024-11-22 at 14:05",
            "tracking ABC4242424242424242",
            "parcel 4242424242424242XY",
            "Bestellnummer Ä4242424242424242",
        ] {
            assert!(
                matches!(mask_card_numbers(text), Cow::Borrowed(_)),
                "{text}"
            );
        }
    }

    #[test]
    fn text_without_cards_is_not_copied() {
        assert!(matches!(
            mask_card_numbers("Where is my parcel? Order 12345"),
            Cow::Borrowed(_)
        ));
    }
}
