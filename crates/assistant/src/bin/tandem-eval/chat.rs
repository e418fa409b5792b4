//! `tandem-eval chat`: script conversations against a knowledge base.
//!
//! One shopper message per line of stdin, one JSON decision per line of stdout; a blank line
//! starts a new conversation. Two commands stand for the widget's buttons:
//! `/choose ENTRY-ID` (a clarification candidate or follow-up) and `/helpful yes|no`.

use std::io::{BufRead, Write};

use anyhow::{Result, bail};
use serde::Serialize;
use tandem_assistant::conversation::Conversation;
use tandem_assistant::decide::{Candidate, Decision, HandoffReason, choose, decide, feedback};
use tandem_assistant::model::Model;

/// One line of output.
#[derive(Serialize)]
struct Line<'a> {
    decision: &'static str,
    entry: Option<&'a str>,
    confidence: Option<f32>,
    reason: Option<HandoffReason>,
    /// The answer shown, or the safety line of a sensitive handoff.
    text: Option<&'a str>,
    candidates: Vec<&'a str>,
}

pub fn run(model: &Model) -> Result<()> {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let mut conversation = Conversation::new();
    for line in stdin.lock().lines() {
        let line = line?;
        let message = line.trim();
        if message.is_empty() {
            conversation = Conversation::new();
            continue;
        }
        let decision = if let Some(id) = message.strip_prefix("/choose ") {
            let Some(index) = model.entry_index(id.trim()) else {
                bail!("/choose: no entry {:?}", id.trim());
            };
            choose(model, &mut conversation, index)
        } else if let Some(answer) = message.strip_prefix("/helpful ") {
            match latest_answer(&conversation) {
                Some(entry) => feedback(&mut conversation, entry, answer.trim() == "yes"),
                None => None,
            }
        } else {
            Some(decide(model, &mut conversation, message))
        };
        if let Some(decision) = decision {
            serde_json::to_writer(&mut out, &line_of(model, &decision))?;
            writeln!(out)?;
        }
    }
    Ok(())
}

/// The entry of the assistant's latest answer: what `/helpful` rates.
fn latest_answer(conversation: &Conversation) -> Option<usize> {
    conversation
        .turns
        .iter()
        .rev()
        .find_map(|t| match t.decision {
            Decision::Answer { entry, .. } => Some(entry),
            _ => None,
        })
}

fn line_of<'a>(model: &'a Model, decision: &'a Decision) -> Line<'a> {
    let ids = |c: &[Candidate]| c.iter().map(|c| model.entry(c.entry).id.as_str()).collect();
    let empty = Line {
        decision: "",
        entry: None,
        confidence: None,
        reason: None,
        text: None,
        candidates: Vec::new(),
    };
    match decision {
        Decision::Answer { entry, confidence } => Line {
            decision: "answer",
            entry: Some(&model.entry(*entry).id),
            confidence: Some(*confidence),
            text: Some(&model.entry(*entry).answer),
            ..empty
        },
        Decision::Clarify { candidates } => Line {
            decision: "clarify",
            confidence: candidates.first().map(|c| c.confidence),
            candidates: ids(candidates),
            ..empty
        },
        Decision::Unsure { candidates } => Line {
            decision: "unsure",
            confidence: candidates.first().map(|c| c.confidence),
            candidates: ids(candidates),
            ..empty
        },
        Decision::Handoff {
            reason,
            safety_line,
            entry,
            candidates,
            ..
        } => Line {
            decision: "handoff",
            entry: entry.map(|e| model.entry(e).id.as_str()),
            reason: Some(*reason),
            text: safety_line.as_deref(),
            candidates: ids(candidates),
            ..empty
        },
    }
}
