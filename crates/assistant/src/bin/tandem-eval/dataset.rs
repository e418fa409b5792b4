//! Reading `text,label` CSV files and turning a training set into a knowledge base.
//!
//! Each distinct training label becomes an entry whose phrasings are its rows; the label
//! column may be called `label` or `category` (BANKING77's name).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use tandem_assistant::kb::{
    DEFAULT_TARGET_PRECISION, Entry, KnowledgeBase, Phrasing, SafetyLines, Site,
};

pub struct Row {
    pub text: String,
    pub label: String,
}

pub fn read(path: &Path) -> Result<Vec<Row>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let column = |names: &[&str]| headers.iter().position(|h| names.contains(&h.trim()));
    let (Some(text), Some(label)) = (column(&["text"]), column(&["label", "category"])) else {
        bail!(
            "{}: needs a `text` and a `label` (or `category`) column",
            path.display()
        );
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("reading {}", path.display()))?;
        rows.push(Row {
            text: record[text].to_owned(),
            label: record[label].to_owned(),
        });
    }
    Ok(rows)
}

/// One entry per label, in label order, with the rows as phrasings.
pub fn knowledge_base(rows: &[Row], target_precision: Option<f64>) -> KnowledgeBase {
    let mut by_label: BTreeMap<&str, Vec<Phrasing>> = BTreeMap::new();
    for row in rows {
        by_label.entry(&row.label).or_default().push(Phrasing {
            text: row.text.clone(),
            at: None,
        });
    }
    KnowledgeBase {
        site: Site {
            name: "evaluation".into(),
            language: "en".into(),
            greeting: String::new(),
            target_precision: target_precision.unwrap_or(DEFAULT_TARGET_PRECISION),
            safety: SafetyLines::default(),
        },
        entries: by_label
            .into_iter()
            // No title or answer: the figures measure what the phrasings alone teach.
            .map(|(label, phrasings)| Entry {
                id: label.to_owned(),
                title: String::new(),
                phrasings,
                answer: String::new(),
                follow_ups: Vec::new(),
                always_human: false,
                at: None,
            })
            .collect(),
    }
}
