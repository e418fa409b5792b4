//! Splitting a merchant's answer into plain text and links, so no UI ever renders HTML.
//!
//! Answers are plain text with Markdown-style links `[text](https://...)`. [`segments`] returns
//! the pieces in order; a widget renders [`Segment::Text`] as text nodes and
//! [`Segment::Link`] as an anchor whose `href` is guaranteed to be `http://` or `https://`.
//! Anything that looks like a link but is not one (a `javascript:` target, a relative path, an
//! unclosed bracket) stays literal text; the [lint](crate::lint) reports such links.

use serde::Serialize;

/// A piece of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Segment<'a> {
    Text { text: &'a str },
    Link { text: &'a str, url: &'a str },
}

/// The answer's text and links, in order; adjacent text is never split.
pub fn segments(answer: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut search = 0;
    while let Some(found) = answer[search..].find('[') {
        let open = search + found;
        match link_at(answer, open) {
            Some((text, url, end)) if is_web_url(url) => {
                if open > text_start {
                    out.push(Segment::Text {
                        text: &answer[text_start..open],
                    });
                }
                out.push(Segment::Link { text, url });
                text_start = end;
                search = end;
            }
            _ => search = open + 1,
        }
    }
    if text_start < answer.len() {
        out.push(Segment::Text {
            text: &answer[text_start..],
        });
    }
    out
}

/// The targets of every `[text](target)` in `answer`, whatever their scheme (for the lint).
pub fn link_targets(answer: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(found) = answer[search..].find('[') {
        let open = search + found;
        match link_at(answer, open) {
            Some((_, url, end)) => {
                out.push(url);
                search = end;
            }
            None => search = open + 1,
        }
    }
    out
}

/// What looks like a link but does not parse as one (`[text](target)` with empty text, or with
/// spaces or parentheses in the target): the widget shows it as typed. For the lint.
pub fn broken_links(answer: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut reported = 0;
    for (i, _) in answer.match_indices("](") {
        let open = answer[..i].rfind('[');
        let parses = open.is_some_and(|o| link_at(answer, o).is_some_and(|(_, _, end)| end > i));
        // Inside what was reported already ("[a](b c)](d)" is one mistake, not two).
        let start = open.unwrap_or(i);
        if !parses && start >= reported {
            let end = answer[i..].find(')').map_or(answer.len(), |e| i + e + 1);
            out.push(&answer[start..end]);
            reported = end;
        }
    }
    out
}

/// Whether a link target may be rendered: an absolute `http(s)://` URL with a host.
pub fn is_web_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
}

/// Parses `[text](target)` starting at the `[` at byte `open`: link text, target, end offset.
/// Text may not contain brackets and targets may not contain spaces or parentheses, which
/// keeps the grammar unambiguous.
fn link_at(s: &str, open: usize) -> Option<(&str, &str, usize)> {
    let close = open + s[open..].find(']')?;
    let text = &s[open + 1..close];
    if text.is_empty() || text.contains('[') || !s[close + 1..].starts_with('(') {
        return None;
    }
    let target_start = close + 2;
    let target_end = target_start + s[target_start..].find(')')?;
    let target = &s[target_start..target_end];
    if target.is_empty() || target.contains(char::is_whitespace) || target.contains('(') {
        return None;
    }
    Some((text, target, target_end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_text_and_web_links() {
        let answer = "See [our returns page](https://acme.example/returns) or [email](http://acme.example/c).";
        assert_eq!(
            segments(answer),
            [
                Segment::Text { text: "See " },
                Segment::Link {
                    text: "our returns page",
                    url: "https://acme.example/returns"
                },
                Segment::Text { text: " or " },
                Segment::Link {
                    text: "email",
                    url: "http://acme.example/c"
                },
                Segment::Text { text: "." },
            ]
        );
    }

    #[test]
    fn other_schemes_and_broken_links_stay_literal_text() {
        for answer in [
            "Click [here](javascript:alert(1)) now",
            "Mail [us](mailto:help@acme.example)",
            "A [relative](/returns) link",
            "Brackets [like this] and (this)",
            "Unclosed [link](https://acme.example",
            "<b>not html</b> [x](https:///nohost)",
        ] {
            assert_eq!(
                segments(answer),
                [Segment::Text { text: answer }],
                "{answer}"
            );
        }
    }

    #[test]
    fn broken_links_are_the_link_shapes_that_stay_text() {
        assert_eq!(
            broken_links(
                "[ok](https://a.example) [](https://b.example) [wiki](https://w.example/A_(b)) \
                 [my page](https://c.example/my page) [x] (https://d.example)"
            ),
            [
                "[](https://b.example)",
                "[wiki](https://w.example/A_(b)",
                "[my page](https://c.example/my page)",
            ]
        );
        assert_eq!(
            broken_links("See [a](https://a.example) and [b](/b)."),
            [] as [&str; 0]
        );
        assert_eq!(broken_links("[a](b c)](d)"), ["[a](b c)"]);
    }

    #[test]
    fn link_targets_include_the_ones_that_are_not_rendered() {
        assert_eq!(
            link_targets("[a](https://a.example) [b](ftp://b.example) [c](/c)"),
            ["https://a.example", "ftp://b.example", "/c"]
        );
    }
}
