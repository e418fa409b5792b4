//! Finding a text in stored text, in any case, on both databases. PostgreSQL's `LOWER` folds
//! every alphabet, so a `LIKE` of both sides lowered does; SQLite's `LOWER` folds ASCII
//! letters only (a German agent's "überweisung" would miss the shopper's "Überweisung"), so
//! there a case-sensitive `GLOB` gets a pattern that lists each letter's cases: `*[üÜ][bB]…*`.

use super::Backend;

/// The condition that `column` contains the text whose pattern ([`pattern`]) is bound as
/// `param`.
pub fn contains(backend: Backend, column: &str, param: &str) -> String {
    match backend {
        Backend::Postgres => format!("LOWER({column}) LIKE LOWER({param}) ESCAPE '\\'"),
        Backend::Sqlite => format!("{column} GLOB {param}"),
    }
}

/// The pattern [`contains`] matches `text` anywhere with.
pub fn pattern(backend: Backend, text: &str) -> String {
    match backend {
        Backend::Postgres => like_pattern(text),
        Backend::Sqlite => glob_pattern(text),
    }
}

/// A `LIKE` pattern (escaped with `\`) that finds `text` anywhere.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A `GLOB` pattern that finds `text` anywhere in any case: each letter a set of its cases
/// (where a case is one character: "ß" stays itself), `*`, `?` and `[` each a set of one.
fn glob_pattern(text: &str) -> String {
    let mut pattern = String::from("*");
    for c in text.chars() {
        let mut cases = vec![c];
        for other in [single(c.to_lowercase()), single(c.to_uppercase())]
            .into_iter()
            .flatten()
        {
            if !cases.contains(&other) {
                cases.push(other);
            }
        }
        if cases.len() > 1 || matches!(c, '*' | '?' | '[') {
            pattern.push('[');
            pattern.extend(cases);
            pattern.push(']');
        } else {
            pattern.push(c);
        }
    }
    pattern.push('*');
    pattern
}

/// The one character a case mapping gives, if it gives one.
fn single(mut mapped: impl Iterator<Item = char>) -> Option<char> {
    let first = mapped.next()?;
    mapped.next().is_none().then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_its_wildcards() {
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn glob_patterns_list_each_letters_cases_and_escape_wildcards() {
        assert_eq!(glob_pattern("Über 5"), "*[Üü][bB][eE][rR] 5*");
        assert_eq!(glob_pattern("a*?[b]"), "*[aA][*][?][[][bB]]*");
        assert_eq!(glob_pattern("ß"), "*ß*", "its capital is two letters");
    }
}
