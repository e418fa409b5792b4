//! `kb check`: what a merchant reads before a knowledge base goes live.
//!
//! [`report`] runs the [lint](crate::lint) and the compiler's cross-validation and returns a
//! [`CheckReport`] whose `Display` is the text the command prints: warnings, then the expected
//! precision and share answered at the site's target, then the pairs of entries most often
//! mistaken for each other (the place to add or sharpen phrasings).

use std::fmt;

use crate::compile::{CompileReport, compile};
use crate::kb::KnowledgeBase;
use crate::lint::{Lint, lint};

/// Below this share of direct answers the report suggests more phrasings.
const FEW_ANSWERS: f64 = 0.5;

#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    pub site: String,
    pub language: String,
    pub lints: Vec<Lint>,
    pub quality: CompileReport,
}

impl CheckReport {
    /// Whether the cross-validated precision of direct answers meets the site's target.
    pub fn meets_target(&self) -> bool {
        self.quality.expected_answered > 0.0
            && self.quality.expected_precision >= self.quality.target_precision
    }
}

/// Lints and cross-validates `kb` (this trains the model, so it takes a few seconds).
pub fn report(kb: &KnowledgeBase) -> CheckReport {
    CheckReport {
        site: kb.site.name.clone(),
        language: kb.site.language.clone(),
        lints: lint(kb),
        quality: compile(kb).report,
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = &self.quality;
        let pct = |x: f64| format!("{:.1} %", 100.0 * x);
        writeln!(
            f,
            "Knowledge base \"{}\": {} entries, {} phrasings, language {}",
            self.site, q.entries, q.phrasings, self.language
        )?;
        writeln!(f)?;
        match self.lints.len() {
            0 => writeln!(f, "Lint: no warnings")?,
            n => {
                writeln!(f, "Lint: {n} warning{}", if n == 1 { "" } else { "s" })?;
                for l in &self.lints {
                    writeln!(f, "  {l}")?;
                }
            }
        }
        writeln!(f)?;
        writeln!(
            f,
            "Expected quality (cross-validated on the phrasings, {} folds):",
            crate::calibrate::FOLDS
        )?;
        writeln!(f, "  best entry right               {}", pct(q.accuracy))?;
        writeln!(
            f,
            "  target precision               {}",
            pct(q.target_precision)
        )?;
        writeln!(
            f,
            "  answered directly              {} of questions, {} of those right",
            pct(q.expected_answered),
            pct(q.expected_precision)
        )?;
        writeln!(
            f,
            "  clarified (2-3 choices)        {} of questions, right entry offered in {}",
            pct(q.expected_clarified),
            pct(q.clarify_hit_rate)
        )?;
        writeln!(
            f,
            "  unsure (rephrase or a person)  {}",
            pct(1.0 - q.expected_answered - q.expected_clarified)
        )?;
        writeln!(f, "  confidence threshold           {:.3}", q.threshold)?;
        if q.clarify_threshold <= 1.0 {
            writeln!(
                f,
                "  clarify threshold (2-3 joint)  {:.3}",
                q.clarify_threshold
            )?;
        }
        writeln!(f)?;
        if q.confusions.is_empty() {
            writeln!(f, "No entries were mistaken for each other.")?;
        } else {
            writeln!(
                f,
                "Entries most often mistaken for each other (add distinct phrasings):"
            )?;
            for c in &q.confusions {
                writeln!(
                    f,
                    "  {} <-> {}: {} phrasing{}",
                    c.a,
                    c.b,
                    c.count,
                    if c.count == 1 { "" } else { "s" }
                )?;
            }
        }
        writeln!(f)?;
        if !self.meets_target() {
            write!(
                f,
                "Not ready: direct answers fall short of the target precision; add phrasings to the confused entries."
            )
        } else if q.expected_answered < FEW_ANSWERS {
            write!(
                f,
                "Usable: direct answers meet the target precision, but only {} of questions are answered directly; more phrasings per entry answer more.",
                pct(q.expected_answered)
            )
        } else {
            write!(f, "Ready: direct answers meet the target precision.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{KB, compiled};
    use crate::lint::lint;

    #[test]
    fn the_report_shows_lint_quality_and_confusions() {
        let kb = KnowledgeBase::parse(KB).unwrap();
        let r = CheckReport {
            site: kb.site.name.clone(),
            language: kb.site.language.clone(),
            lints: lint(&kb),
            quality: compiled().report.clone(),
        };
        let text = r.to_string();
        assert!(
            text.starts_with("Knowledge base \"Test shop\": 6 entries, 48 phrasings, language en"),
            "{text}"
        );
        assert!(text.contains("Lint: no warnings"), "{text}");
        assert!(
            text.contains("target precision               90.0 %"),
            "{text}"
        );
        let answered = format!(
            "answered directly              {:.1} %",
            100.0 * r.quality.expected_answered
        );
        assert!(text.contains(&answered), "{text}");
        assert_eq!(
            text.ends_with("meet the target precision."),
            r.meets_target(),
            "{text}"
        );
    }
}
