//! Masking payment card numbers before any text leaves the browser or is stored.
//!
//! A card number is 13 to 19 digits, written together or in groups, that passes the Luhn
//! check. [`mask_card_numbers`] replaces each with `•••• 4242` (its last four digits), which
//! is what a support agent needs to tell cards apart. Groups are joined by one hyphen or up
//! to three spaces (no-break and ideographic ones too, not tabs or line breaks); digits may
//! be ASCII, Arabic-Indic, Eastern Arabic-Indic or full-width, as shoppers' keyboards type
//! them.
//! The scanner collects runs of digit groups, then masks every group that is part of some
//! Luhn-valid window of whole groups: a card followed by its security code
//! ("4242 4242 4242 4242 123") or after another number ("order 1001 4242 4242 4242 4242")
//! is caught whole, and when in doubt more is masked, never less. A run that starts with `+`
//! is a phone number (its country code is no card's start, but a card may follow it), and a
//! 15-digit number that starts as IMEIs do is a phone's serial number.

use std::borrow::Cow;

const MIN_DIGITS: usize = 13;
const MAX_DIGITS: usize = 19;

/// `text` with every card number replaced by `•••• ` and its last four digits.
pub fn mask_card_numbers(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0;
    for run in digit_runs(text) {
        for span in card_spans(&run) {
            let groups = &run[span];
            let (start, end) = (groups[0].start, groups[groups.len() - 1].end);
            let digits: String = groups.iter().map(|g| g.digits.as_str()).collect();
            out.push_str(&text[copied..start]);
            out.push_str("•••• ");
            out.push_str(&digits[digits.len() - 4..]);
            copied = end;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// A maximal group of digits: its byte range and its digits in ASCII.
#[derive(Debug, Clone)]
struct Group {
    start: usize,
    end: usize,
    digits: String,
}

/// A digit's value, in the scripts shoppers type numbers in: ASCII, Arabic-Indic,
/// Eastern Arabic-Indic (Persian, Urdu) and full-width (East Asian keyboards).
fn digit(c: char) -> Option<char> {
    let zero = match c {
        '0'..='9' => return Some(c),
        '\u{660}'..='\u{669}' => '\u{660}',
        '\u{6F0}'..='\u{6F9}' => '\u{6F0}',
        '\u{FF10}'..='\u{FF19}' => '\u{FF10}',
        _ => return None,
    };
    char::from_digit(u32::from(c) - u32::from(zero), 10)
}

/// Whether `c` is a hyphen between two groups of one number (full-width too).
fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{FF0D}')
}

/// The length in bytes of the joiner at the start of `rest`, if a digit follows it: one
/// hyphen, or up to three spaces of any kind (no-break, thin and ideographic ones too). Not a
/// tab or a line break: numbers listed one per line are not one number, and a card after a
/// phone number on the line before must not be dropped with it. Not a dot, a slash or a
/// spaced dash: dates and ranges ("09.12.2025 - 15.12.2025") are written with those.
fn joiner(rest: &str) -> Option<usize> {
    let first = rest.chars().next()?;
    let len = if is_hyphen(first) {
        first.len_utf8()
    } else {
        let spaces = rest
            .chars()
            .take(3)
            .take_while(|c| c.is_whitespace() && !c.is_control());
        spaces.map(char::len_utf8).sum()
    };
    let then = rest[len..].chars().next();
    (len > 0 && then.and_then(digit).is_some()).then_some(len)
}

/// Runs of digit groups joined as [`joiner`] says, not glued to letters or other digits.
fn digit_runs(text: &str) -> Vec<Vec<Group>> {
    let mut runs = Vec::new();
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        let before = text[..i].chars().next_back();
        if digit(c).is_none() || is_word_char(before) {
            i += c.len_utf8();
            continue;
        }
        let phone = before == Some('+');
        let mut run = Vec::new();
        loop {
            let start = i;
            let mut digits = String::new();
            while let Some(d) = text[i..].chars().next().filter(|&c| digit(c).is_some()) {
                digits.extend(digit(d));
                i += d.len_utf8();
            }
            run.push(Group {
                start,
                end: i,
                digits,
            });
            match joiner(&text[i..]) {
                Some(len) => i += len,
                None => break,
            }
        }
        let glued = is_word_char(text[i..].chars().next());
        // A phone number's country code is no card's first digits, but a card may follow the
        // number on the same line.
        if phone {
            run.remove(0);
        }
        if !glued && !run.is_empty() {
            runs.push(run);
        }
    }
    runs
}

/// Digits touching an ASCII letter or digit are part of a code (a tracking id, an order
/// reference), not a card number. Other scripts' letters do not count: Chinese, Japanese and
/// Thai are written without spaces between words, and Korean glues particles to numbers.
fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric())
}

/// A phone's serial number (IMEI: 15 digits that pass the Luhn check too), which a shop's
/// agent needs to see: one starting as IMEIs do (0, 33, 35, 4, 7, 8, 9), where no card of 15
/// digits does (UATP 1, enRoute and JCB 2 and 1, Diners 30, 36, 38, 39, American Express 34
/// and 37, Maestro 5 and 6).
fn is_imei(digits: &str) -> bool {
    digits.len() == 15
        && ["0", "33", "35", "4", "7", "8", "9"]
            .iter()
            .any(|p| digits.starts_with(p))
}

/// The stretches of `groups` to mask: each group in some window of whole groups that is a
/// card number, neighbouring ones together.
fn card_spans(groups: &[Group]) -> Vec<std::ops::Range<usize>> {
    let mut masked = vec![false; groups.len()];
    for start in 0..groups.len() {
        let mut digits = String::new();
        for (end, g) in groups.iter().enumerate().skip(start) {
            digits.push_str(&g.digits);
            if digits.len() > MAX_DIGITS {
                break;
            }
            if digits.len() >= MIN_DIGITS && luhn_valid(&digits) && !is_imei(&digits) {
                masked[start..=end].fill(true);
            }
        }
    }
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, _) in masked.iter().enumerate().filter(|(_, m)| **m) {
        match spans.last_mut() {
            Some(span) if span.end == i => span.end = i + 1,
            _ => spans.push(i..i + 1),
        }
    }
    spans
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
            "closed 09.12.2025 - 15.12.2025",
            "Call 020 7946 0958 - 020 7946 0959",
            "tracking ABC4242424242424242",
            "parcel 4242424242424242XY",
            "Bestellnummer DE4242424242424242",
            "IMEI 490154203237518",
            "IMEI: 35-209900-176148-1",
            "Orders:\n100234567\n100234560",
            "Orders:\t100234567\t100234560",
        ] {
            assert!(
                matches!(mask_card_numbers(text), Cow::Borrowed(_)),
                "{text}"
            );
        }
    }

    #[test]
    fn a_card_on_the_line_after_a_phone_number_or_before_a_word_is_masked() {
        for (text, masked) in [
            (
                "Call me on +46 70 123 45 67\n4242 4242 4242 4242",
                "Call me on +46 70 123 45 67\n•••• 4242",
            ),
            (
                "Card: 4242 4242 4242 4242\n2nd try failed too",
                "Card: •••• 4242\n2nd try failed too",
            ),
            (
                "Card: 4242 4242 4242 4242\n\n3D Secure keeps failing",
                "Card: •••• 4242\n\n3D Secure keeps failing",
            ),
        ] {
            assert_eq!(mask_card_numbers(text), masked, "{text}");
        }
    }

    #[test]
    fn a_card_after_another_number_is_masked_whole() {
        for text in [
            "order 1000007 4000 0566 5566 5556",
            "order 1001 4000 0566 5566 5556",
        ] {
            let masked = mask_card_numbers(text);
            assert!(masked.ends_with("•••• 5556"), "{masked}");
            assert!(!masked.contains("0566"), "{masked}");
        }
    }

    #[test]
    fn other_scripts_and_spaces_are_caught() {
        for text in [
            "٤٢٤٢ ٤٢٤٢ ٤٢٤٢ ٤٢٤٢",
            "۴۲۴۲۴۲۴۲۴۲۴۲۴۲۴۲",
            "４２４２　４２４２　４２４２　４２４２",
            "４２４２－４２４２－４２４２－４２４２",
            "4242\u{a0}4242\u{a0}4242\u{a0}4242",
            "4242  4242  4242  4242",
            "4242\u{2007}4242\u{2007}4242\u{2007}4242",
        ] {
            assert_eq!(
                mask_card_numbers(&format!("card {text} please")),
                "card •••• 4242 please",
                "{text}"
            );
        }
        // Written without spaces between words, as Chinese and Japanese are.
        assert_eq!(
            mask_card_numbers("カード番号は４２４２４２４２４２４２４２４２です"),
            "カード番号は•••• 4242です"
        );
        assert_eq!(
            mask_card_numbers("我的卡号是4242424242424242"),
            "我的卡号是•••• 4242"
        );
        // Thai has no spaces either; Korean glues particles to numbers.
        assert_eq!(mask_card_numbers("บัตร4242424242424242ค่ะ"), "บัตร•••• 4242ค่ะ");
        assert_eq!(
            mask_card_numbers("카드 4242424242424242로 결제했어요"),
            "카드 •••• 4242로 결제했어요"
        );
    }

    #[test]
    fn a_card_after_a_phone_number_on_the_same_line_is_masked() {
        assert_eq!(
            mask_card_numbers("+49 170 1234560 4242 4242 4242 4242"),
            "+49 170 1234560 •••• 4242"
        );
    }

    #[test]
    fn fifteen_digit_cards_are_still_cards() {
        assert_eq!(mask_card_numbers("378282246310005"), "•••• 0005");
        // A Diners Club number may have 15 digits too.
        assert_eq!(mask_card_numbers("360000000000004"), "•••• 0004");
    }

    #[test]
    fn text_without_cards_is_not_copied() {
        assert!(matches!(
            mask_card_numbers("Where is my parcel? Order 12345"),
            Cow::Borrowed(_)
        ));
    }
}
