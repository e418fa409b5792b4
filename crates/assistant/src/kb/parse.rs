//! Reading a knowledge base from TOML, collecting every error instead of stopping at the first.
//!
//! The TOML parser recovers from syntax errors and keeps the span of every key and value;
//! [`Reader`] then walks that tree by hand (rather than through serde, which stops at the
//! first mismatch), records each problem with its position and the entry it belongs to, and
//! keeps going. Checks that need the whole file (duplicate ids, follow-ups that point nowhere)
//! run last.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{
    DEFAULT_TARGET_PRECISION, Entry, KbError, KbErrors, KnowledgeBase, Phrasing, Pos, SafetyLines,
    Site,
};

pub(super) fn parse(src: &str) -> Result<KnowledgeBase, KbErrors> {
    let (doc, syntax_errors) = DeTable::parse_recoverable(src);
    let mut r = Reader {
        src,
        errors: Vec::new(),
        follow_ups: Vec::new(),
        unreadable_ids: Vec::new(),
    };
    for e in &syntax_errors {
        r.error(e.span().unwrap_or(0..0), None, e.message());
    }
    let root = doc.get_ref();
    r.unknown_keys(root, &["site", "safety", "entry"], None);
    let site = r.site(root, doc.span());
    // Entry tables are counted as written: one dropped for a bad id is already reported.
    let (written, entries) = match root.get("entry") {
        Some(value) => match value.get_ref() {
            DeValue::Array(items) => (
                items.len(),
                items.iter().filter_map(|item| r.entry(item)).collect(),
            ),
            _ => {
                r.error(
                    value.span(),
                    None,
                    "`entry` must be a list of [[entry]] tables",
                );
                (0, Vec::new())
            }
        },
        None => (0, Vec::new()),
    };
    if written < 2 && syntax_errors.is_empty() {
        r.error(
            doc.span(),
            None,
            "a knowledge base needs at least two [[entry]] tables",
        );
    }
    r.cross_check(&entries);
    if r.errors.is_empty() {
        Ok(KnowledgeBase { site, entries })
    } else {
        r.errors.sort_by_key(|e| e.at);
        Err(KbErrors(r.errors))
    }
}

type Table<'a> = DeTable<'a>;

struct Reader<'s> {
    src: &'s str,
    errors: Vec<KbError>,
    /// Every follow-up with the entry it is in and where it is written, checked once all ids
    /// are known.
    follow_ups: Vec<(Option<String>, String, Pos)>,
    /// Ids already reported as malformed: a follow-up naming one is not reported again.
    unreadable_ids: Vec<String>,
}

impl Reader<'_> {
    fn pos(&self, span: &Range<usize>) -> Pos {
        Pos::of_offset(self.src, span.start)
    }

    fn error(&mut self, span: Range<usize>, entry: Option<&str>, message: impl Into<String>) {
        self.errors.push(KbError {
            at: self.pos(&span),
            entry: entry.map(str::to_owned),
            message: message.into(),
        });
    }

    fn unknown_keys(&mut self, table: &Table, known: &[&str], entry: Option<&str>) {
        for key in table.keys() {
            if !known.contains(&key.get_ref().as_ref()) {
                let expected = known.join("`, `");
                self.error(
                    key.span(),
                    entry,
                    format!("unknown key `{}` (expected `{expected}`)", key.get_ref()),
                );
            }
        }
    }

    /// A required or optional table nested under `key`.
    fn table<'t>(&mut self, parent: &'t Table<'t>, key: &str) -> Option<&'t Spanned<DeValue<'t>>> {
        let value = parent.get(key)?;
        if matches!(value.get_ref(), DeValue::Table(_)) {
            Some(value)
        } else {
            self.error(
                value.span(),
                None,
                format!("`{key}` must be a table ([{key}])"),
            );
            None
        }
    }

    fn site(&mut self, root: &Table, doc_span: Range<usize>) -> Site {
        let mut site = Site {
            name: String::new(),
            language: "en".into(),
            greeting: String::new(),
            target_precision: DEFAULT_TARGET_PRECISION,
            safety: SafetyLines::default(),
        };
        if let Some(DeValue::Table(t)) = self.table(root, "safety").map(Spanned::get_ref) {
            self.unknown_keys(t, &["self_harm", "fraud", "legal"], None);
            let lines = &mut site.safety;
            for (key, line) in [
                ("self_harm", &mut lines.self_harm),
                ("fraud", &mut lines.fraud),
                ("legal", &mut lines.legal),
            ] {
                if let Some((text, _)) = self.string(t, key, None) {
                    *line = text;
                }
            }
        }
        let Some(value) = self.table(root, "site") else {
            self.error(doc_span, None, "missing [site] table (name and greeting)");
            return site;
        };
        let DeValue::Table(t) = value.get_ref() else {
            unreachable!("checked by table()")
        };
        self.unknown_keys(
            t,
            &["name", "language", "greeting", "target_precision"],
            None,
        );
        site.name = self.required_string(t, value.span(), "name", None);
        site.greeting = self.required_string(t, value.span(), "greeting", None);
        if let Some((language, span)) = self.string(t, "language", None) {
            if language.is_empty()
                || !language
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                self.error(span, None, format!("`language` must be a language tag like \"en\" or \"de-CH\", not {language:?}"));
            } else {
                site.language = language;
            }
        }
        if let Some(v) = t.get("target_precision") {
            match v.get_ref() {
                DeValue::Float(f) => match f.as_str().parse::<f64>() {
                    Ok(p) if (0.5..1.0).contains(&p) => site.target_precision = p,
                    _ => self.error(
                        v.span(),
                        None,
                        "`target_precision` must be at least 0.5 and below 1.0",
                    ),
                },
                _ => self.error(
                    v.span(),
                    None,
                    "`target_precision` must be a number like 0.95",
                ),
            }
        }
        site
    }

    fn entry(&mut self, item: &Spanned<DeValue>) -> Option<Entry> {
        let span = item.span();
        let DeValue::Table(t) = item.get_ref() else {
            self.error(span, None, "each entry must be a table ([[entry]])");
            return None;
        };
        let id = self.entry_id(t, span.clone());
        let id_ref = id.as_deref();
        self.unknown_keys(
            t,
            &[
                "id",
                "title",
                "phrasings",
                "answer",
                "follow_ups",
                "handoff",
            ],
            id_ref,
        );
        let title = self.required_string(t, span.clone(), "title", id_ref);
        let answer = self.required_string(t, span.clone(), "answer", id_ref);
        let phrasings = match t.get("phrasings") {
            Some(_) => self
                .strings(t, "phrasings", id_ref)
                .into_iter()
                .map(|(text, span)| Phrasing {
                    text,
                    at: Some(self.pos(&span)),
                })
                .collect(),
            None => {
                self.error(
                    span.clone(),
                    id_ref,
                    "missing `phrasings`: the ways shoppers ask about this topic",
                );
                Vec::new()
            }
        };
        for p in &phrasings {
            if p.text.trim().is_empty() {
                let at = p.at.expect("parsed phrasings have positions");
                self.errors.push(KbError {
                    at,
                    entry: id.clone(),
                    message: "empty phrasing".into(),
                });
            }
        }
        let mut follow_ups = Vec::new();
        for (f, span) in self.strings(t, "follow_ups", id_ref) {
            let at = self.pos(&span);
            self.follow_ups.push((id.clone(), f.clone(), at));
            follow_ups.push(f);
        }
        let always_human = match self.string(t, "handoff", id_ref) {
            Some((mode, span)) => match mode.as_str() {
                "always" => true,
                "never" => false,
                _ => {
                    self.error(
                        span,
                        id_ref,
                        format!("`handoff` must be \"always\" or \"never\", not {mode:?}"),
                    );
                    false
                }
            },
            None => false,
        };
        Some(Entry {
            id: id?,
            title,
            phrasings,
            answer,
            follow_ups,
            always_human,
            at: Some(self.pos(&span)),
        })
    }

    fn entry_id(&mut self, t: &Table, span: Range<usize>) -> Option<String> {
        let Some((id, id_span)) = self.string(t, "id", None) else {
            if !t.contains_key("id") {
                self.error(span, None, "missing `id`");
            }
            return None;
        };
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        {
            self.error(
                id_span,
                None,
                format!("entry id {id:?} may only use lowercase letters, digits, `-` and `_`"),
            );
            self.unreadable_ids.push(id);
            return None;
        }
        Some(id)
    }

    fn required_string(
        &mut self,
        t: &Table,
        span: Range<usize>,
        key: &str,
        entry: Option<&str>,
    ) -> String {
        match self.string(t, key, entry) {
            Some((s, value_span)) if s.trim().is_empty() => {
                self.error(value_span, entry, format!("`{key}` must not be empty"));
                s
            }
            Some((s, _)) => s,
            None => {
                if !t.contains_key(key) {
                    self.error(span, entry, format!("missing `{key}`"));
                }
                String::new()
            }
        }
    }

    /// An optional string; a value of another type is reported and ignored.
    fn string(
        &mut self,
        t: &Table,
        key: &str,
        entry: Option<&str>,
    ) -> Option<(String, Range<usize>)> {
        let v = t.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some((s.to_string(), v.span())),
            other => {
                self.error(
                    v.span(),
                    entry,
                    format!("`{key}` must be a string, found {}", kind(other)),
                );
                None
            }
        }
    }

    /// An optional list of strings; items of another type are reported and skipped.
    fn strings(
        &mut self,
        t: &Table,
        key: &str,
        entry: Option<&str>,
    ) -> Vec<(String, Range<usize>)> {
        let Some(v) = t.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.error(
                v.span(),
                entry,
                format!(
                    "`{key}` must be a list of strings, found {}",
                    kind(v.get_ref())
                ),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push((s.to_string(), item.span())),
                other => self.error(
                    item.span(),
                    entry,
                    format!("`{key}` must list strings, found {}", kind(other)),
                ),
            }
        }
        out
    }

    fn cross_check(&mut self, entries: &[Entry]) {
        let mut first: BTreeMap<&str, Pos> = BTreeMap::new();
        for e in entries {
            let at = e.at.expect("parsed entries have positions");
            if let Some(earlier) = first.insert(&e.id, at) {
                self.errors.push(KbError {
                    at,
                    entry: Some(e.id.clone()),
                    message: format!("duplicate entry id (first used at line {})", earlier.line),
                });
            }
        }
        for (entry, f, at) in std::mem::take(&mut self.follow_ups) {
            let message = if entry.as_ref() == Some(&f) {
                format!("follow-up {f:?} is the entry itself")
            } else if !first.contains_key(f.as_str()) && !self.unreadable_ids.contains(&f) {
                format!("follow-up {f:?} is not the id of any entry")
            } else {
                continue;
            };
            self.errors.push(KbError { at, entry, message });
        }
    }
}

fn kind(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use crate::kb::{KbErrors, KnowledgeBase};

    const GOOD: &str = r#"
[site]
name = "Acme"
language = "de"
greeting = "Hallo!"
target_precision = 0.97

[safety]
fraud = "Bitte keine Kartennummern eingeben."

[[entry]]
id = "shipping"
title = "Versand"
phrasings = ["Wie lange dauert der Versand?", "Wann kommt mein Paket?"]
answer = "2 bis 4 Werktage. [Details](https://acme.example/versand)"
follow_ups = ["returns"]

[[entry]]
id = "returns"
title = "Rücksendung"
phrasings = ["Wie schicke ich etwas zurück?"]
answer = "30 Tage Rückgaberecht."
handoff = "never"

[[entry]]
id = "chargeback"
title = "Rückbuchung"
phrasings = ["Ich will eine Rückbuchung"]
answer = "Ein Mitarbeiter übernimmt."
handoff = "always"
"#;

    fn errors(src: &str) -> KbErrors {
        KnowledgeBase::parse(src).expect_err("the source is broken")
    }

    #[test]
    fn reads_site_safety_and_entries() {
        let kb = KnowledgeBase::parse(GOOD).unwrap();
        assert_eq!(kb.site.language, "de");
        assert_eq!(kb.site.target_precision, 0.97);
        assert_eq!(kb.site.safety.fraud, "Bitte keine Kartennummern eingeben.");
        assert!(
            kb.site.safety.legal.contains("person"),
            "unset lines keep their default"
        );
        let ids: Vec<_> = kb.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["shipping", "returns", "chargeback"]);
        assert_eq!(kb.entries[0].phrasings[1].text, "Wann kommt mein Paket?");
        assert_eq!(kb.entries[0].phrasings[1].at.unwrap().line, 14);
        assert_eq!(kb.entries[0].follow_ups, ["returns"]);
        assert!(kb.entries[2].always_human && !kb.entries[1].always_human);
    }

    #[test]
    fn reports_every_error_with_line_column_and_entry() {
        let src = GOOD
            .replace("target_precision = 0.97", "target_precision = 1.5")
            .replace("title = \"Versand\"\n", "")
            .replace("handoff = \"never\"", "handoff = \"sometimes\"")
            .replace("follow_ups = [\"returns\"]", "follow_ups = [\"retour\"]")
            .replace("answer = \"30 Tage Rückgaberecht.\"", "answer = 30");
        let e = errors(&src);
        let text = e.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert_eq!(
            lines[0],
            "line 6, column 20: `target_precision` must be at least 0.5 and below 1.0"
        );
        assert!(
            lines[1].starts_with("line 11, column 1 (entry \"shipping\"): missing `title`"),
            "{text}"
        );
        assert!(
            lines[2].starts_with("line 15, column 15 (entry \"shipping\"): follow-up \"retour\""),
            "{text}"
        );
        assert_eq!(
            lines[3],
            "line 21, column 10 (entry \"returns\"): `answer` must be a string, found an integer"
        );
        assert!(
            lines[4].contains("(entry \"returns\"): `handoff` must be \"always\" or \"never\""),
            "{text}"
        );
    }

    #[test]
    fn syntax_errors_do_not_hide_the_others() {
        let src = GOOD
            .replace("greeting = \"Hallo!\"", "greeting = \"Hallo!")
            .replace("id = \"returns\"", "id = \"Returns!\"");
        let e = errors(&src);
        assert!(
            e.0.iter().any(|e| e.at.line == 5),
            "syntax error on line 5: {e}"
        );
        assert!(
            e.0.iter().any(|e| e.message.contains("\"Returns!\"")),
            "{e}"
        );
    }

    #[test]
    fn duplicate_ids_unknown_keys_and_missing_site_are_reported() {
        let src = GOOD
            .replace("[site]", "[sight]")
            .replace("id = \"returns\"", "id = \"shipping\"")
            .replace("handoff = \"always\"", "handof = \"always\"");
        let text = errors(&src).to_string();
        assert!(text.contains("unknown key `sight`"), "{text}");
        assert!(text.contains("missing [site] table"), "{text}");
        assert!(
            text.contains("(entry \"shipping\"): duplicate entry id (first used at line 11)"),
            "{text}"
        );
        assert!(
            text.contains("(entry \"chargeback\"): unknown key `handof`"),
            "{text}"
        );
    }

    #[test]
    fn a_bad_id_is_reported_once_not_again_by_what_refers_to_it() {
        // Two entries, one with a malformed id that the other's follow-up names: the only
        // problem is the id; "needs two entries" and "not the id of any entry" would send
        // the merchant after problems the file does not have.
        let src = "[site]\nname = \"A\"\ngreeting = \"Hi\"\n\
                   [[entry]]\nid = \"a\"\ntitle = \"A\"\nphrasings = [\"a\"]\nanswer = \"A\"\nfollow_ups = [\"Sizes\"]\n\
                   [[entry]]\nid = \"Sizes\"\ntitle = \"S\"\nphrasings = [\"s\"]\nanswer = \"S\"\n";
        let e = errors(src);
        assert_eq!(e.0.len(), 1, "{e}");
        assert_eq!(
            e.to_string(),
            "line 11, column 6: entry id \"Sizes\" may only use lowercase letters, digits, `-` and `_`"
        );
    }

    #[test]
    fn a_single_entry_is_not_enough() {
        let src = "[site]\nname = \"A\"\ngreeting = \"Hi\"\n[[entry]]\nid = \"a\"\ntitle = \"A\"\nphrasings = [\"a\"]\nanswer = \"A\"\n";
        assert!(
            errors(src)
                .to_string()
                .contains("at least two [[entry]] tables")
        );
    }
}
