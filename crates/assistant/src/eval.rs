//! Scoring the assistant on a labelled test set (the arithmetic behind `tandem-eval`).
//!
//! The binary runs every test query through the assistant and records an [`Outcome`];
//! [`Metrics::of`] turns the outcomes into the figures reported in `BENCHMARKS.md`. A query
//! without a label is one the knowledge base does not cover: answering it is always wrong,
//! and the out-of-scope figures measure how well confidence tells such queries apart.

use serde::Serialize;

use crate::calibrate::{Scored, aurc, coverage_at_precision};

/// What the shopper would have seen for one query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    Answered,
    Clarified,
    /// The assistant said it was unsure (a handoff if it happens twice in a row).
    Unsure,
    HandedOver,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The right entry, or `None` for a query the knowledge base does not cover.
    pub label: Option<usize>,
    /// The most probable entry and its probability.
    pub predicted: usize,
    pub confidence: f32,
    pub route: Route,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    pub queries: usize,
    pub covered: usize,
    /// Share of covered queries whose most probable entry is right.
    pub top1_accuracy: f64,
    pub answered: f64,
    pub clarified: f64,
    pub unsure: f64,
    pub handed_over: f64,
    /// Share of direct answers that were right (an answer to an uncovered query is wrong).
    pub answered_precision: f64,
    /// Largest share of all queries answerable at 95 % and 99 % precision, most confident first.
    pub answered_at_95: f64,
    pub answered_at_99: f64,
    pub aurc: f64,
    /// How well confidence ranks covered above uncovered queries (only with uncovered queries).
    pub oos_auroc: Option<f64>,
    /// Share of uncovered queries not answered directly.
    pub oos_recall: Option<f64>,
}

impl Metrics {
    pub fn of(outcomes: &[Outcome]) -> Metrics {
        let n = outcomes.len().max(1) as f64;
        let share = |route: Route| outcomes.iter().filter(|o| o.route == route).count() as f64 / n;
        let right = |o: &Outcome| o.label == Some(o.predicted);
        let covered: Vec<&Outcome> = outcomes.iter().filter(|o| o.label.is_some()).collect();
        let uncovered: Vec<&Outcome> = outcomes.iter().filter(|o| o.label.is_none()).collect();
        let answered: Vec<&Outcome> = outcomes
            .iter()
            .filter(|o| o.route == Route::Answered)
            .collect();
        let scored: Vec<Scored> = outcomes.iter().map(|o| (o.confidence, right(o))).collect();
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        Metrics {
            queries: outcomes.len(),
            covered: covered.len(),
            top1_accuracy: ratio(covered.iter().filter(|o| right(o)).count(), covered.len()),
            answered: share(Route::Answered),
            clarified: share(Route::Clarified),
            unsure: share(Route::Unsure),
            handed_over: share(Route::HandedOver),
            answered_precision: ratio(answered.iter().filter(|o| right(o)).count(), answered.len()),
            answered_at_95: coverage_at_precision(&scored, 0.95),
            answered_at_99: coverage_at_precision(&scored, 0.99),
            aurc: aurc(&scored),
            oos_auroc: (!uncovered.is_empty() && !covered.is_empty()).then(|| {
                let pos: Vec<f32> = covered.iter().map(|o| o.confidence).collect();
                let neg: Vec<f32> = uncovered.iter().map(|o| o.confidence).collect();
                auroc(&pos, &neg)
            }),
            oos_recall: (!uncovered.is_empty()).then(|| {
                ratio(
                    uncovered
                        .iter()
                        .filter(|o| o.route != Route::Answered)
                        .count(),
                    uncovered.len(),
                )
            }),
        }
    }
}

/// The probability that a random positive scores above a random negative (ties count half).
pub fn auroc(positives: &[f32], negatives: &[f32]) -> f64 {
    let mut all: Vec<(f32, bool)> = positives
        .iter()
        .map(|&s| (s, true))
        .chain(negatives.iter().map(|&s| (s, false)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Mann-Whitney U with average ranks for ties.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < all.len() {
        let j = all[i..].iter().take_while(|x| x.0 == all[i].0).count() + i;
        let average_rank = (i + 1 + j) as f64 / 2.0;
        rank_sum += average_rank * all[i..j].iter().filter(|x| x.1).count() as f64;
        i = j;
    }
    let (p, q) = (positives.len() as f64, negatives.len() as f64);
    (rank_sum - p * (p + 1.0) / 2.0) / (p * q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(label: Option<usize>, predicted: usize, confidence: f32, route: Route) -> Outcome {
        Outcome {
            label,
            predicted,
            confidence,
            route,
        }
    }

    #[test]
    fn auroc_is_one_when_separated_half_when_tied() {
        assert_eq!(auroc(&[0.9, 0.8], &[0.1, 0.2]), 1.0);
        assert_eq!(auroc(&[0.1], &[0.9]), 0.0);
        assert_eq!(auroc(&[0.5, 0.5], &[0.5]), 0.5);
    }

    #[test]
    fn answering_an_uncovered_query_costs_precision() {
        let m = Metrics::of(&[
            outcome(Some(0), 0, 0.99, Route::Answered),
            outcome(Some(1), 1, 0.97, Route::Answered),
            outcome(None, 1, 0.95, Route::Answered),
            outcome(Some(2), 1, 0.4, Route::Clarified),
            outcome(None, 0, 0.3, Route::Unsure),
        ]);
        assert_eq!(m.covered, 3);
        assert!((m.top1_accuracy - 2.0 / 3.0).abs() < 1e-9);
        assert!((m.answered_precision - 2.0 / 3.0).abs() < 1e-9);
        assert!((m.answered - 0.6).abs() < 1e-9);
        assert!((m.answered_at_95 - 0.4).abs() < 1e-9);
        assert_eq!(m.oos_recall, Some(0.5));
        assert!((m.oos_auroc.unwrap() - 5.0 / 6.0).abs() < 1e-9);
    }

    #[test]
    fn without_uncovered_queries_there_are_no_out_of_scope_figures() {
        let m = Metrics::of(&[outcome(Some(0), 0, 0.9, Route::Answered)]);
        assert_eq!((m.oos_auroc, m.oos_recall), (None, None));
        assert_eq!(m.answered_at_99, 1.0);
    }
}
