//! A site's history as CSV, for the merchant's spreadsheet (`GET /v1/agent/history.csv`): one
//! row per closed conversation, newest first, with the agents' notes on it, written a page of
//! rows at a time as the file downloads. Shoppers wrote some of these cells, and a
//! spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula, so such cells
//! are defused with a leading `'` (what spreadsheets themselves use to mean "text"). The
//! file starts with a byte order mark: without it, Excel reads UTF-8 as the computer's own
//! code page, and "€" or "Überweisung" come out garbled.

use std::collections::HashMap;

use tandem_protocol::agent::{ClosedConversation, Note};

const HEADER: [&str; 9] = [
    "closed_at",
    "id",
    "agent",
    "reason",
    "resolution",
    "rating",
    "comment",
    "first_message",
    "notes",
];

/// The conversations as CSV rows, after the byte order mark and a header row if `header`;
/// times in UTC, RFC 3339.
/// `notes` holds the notes of those that have any, oldest first: one line each in the cell,
/// "who, when: text".
pub fn csv(
    conversations: &[ClosedConversation],
    notes: &HashMap<String, Vec<Note>>,
    header: bool,
) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    if header {
        writer
            .write_record(HEADER)
            .expect("writing to memory does not fail");
    }
    for c in conversations {
        let notes = notes.get(&c.id).map_or_else(String::new, |notes| {
            let lines: Vec<String> = notes
                .iter()
                .map(|n| format!("{}, {}: {}", n.agent_name, time(n.at), n.text))
                .collect();
            lines.join("\n")
        });
        let row = [
            time(c.closed_at),
            // Random ids may start with `-` as well.
            cell(Some(&c.id)),
            cell(c.agent_name.as_deref()),
            c.reason.as_str().to_owned(),
            c.resolution
                .map(|r| r.as_str().to_owned())
                .unwrap_or_default(),
            c.rating.map(|n| n.to_string()).unwrap_or_default(),
            cell(c.rating_comment.as_deref()),
            cell(c.preview.as_deref()),
            cell(Some(&notes)),
        ];
        writer
            .write_record(&row)
            .expect("writing to memory does not fail");
    }
    let bytes = writer
        .into_inner()
        .expect("flushing to memory does not fail");
    let rows = String::from_utf8(bytes).expect("the cells are text");
    if header {
        format!("\u{FEFF}{rows}")
    } else {
        rows
    }
}

/// A time (ms since the epoch) in UTC, RFC 3339, to the second.
fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// Someone's text as a cell a spreadsheet shows and never runs.
fn cell(text: Option<&str>) -> String {
    let text = text.unwrap_or_default();
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use tandem_protocol::{HandoffReason, agent::Resolution};

    use super::*;

    #[test]
    fn rows_quote_what_needs_it_and_defuse_formulas() {
        let conversation = ClosedConversation {
            id: "c1".into(),
            reason: HandoffReason::Frustration,
            closed_at: 1_764_590_400_000,
            agent_name: Some("Anna".into()),
            resolution: Some(Resolution::NotSolved),
            rating: Some(1),
            rating_comment: Some("=HYPERLINK(\"http://evil.example\")".into()),
            preview: Some("Where is my parcel, \"order\" 12?\nPlease".into()),
        };
        let note = |agent: &str, at, text: &str| Note {
            id: format!("n{at}"),
            agent_name: agent.into(),
            text: text.into(),
            at,
        };
        let notes = HashMap::from([(
            "c1".to_owned(),
            vec![
                note("Anna", 1_764_590_000_000, "Refund promised"),
                note("Bo", 1_764_600_000_000, "Refund sent, 12 €"),
            ],
        )]);
        let text = csv(std::slice::from_ref(&conversation), &notes, true);
        let text = text
            .strip_prefix('\u{FEFF}')
            .expect("a byte order mark first, for Excel");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap(), HEADER.as_slice());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[0], "2025-12-01T12:00:00Z");
        assert_eq!(&row[3], "frustration");
        assert_eq!(&row[4], "not_solved");
        assert_eq!(&row[5], "1");
        assert_eq!(
            &row[6], "'=HYPERLINK(\"http://evil.example\")",
            "shown, never run"
        );
        assert_eq!(
            &row[7], "Where is my parcel, \"order\" 12?\nPlease",
            "commas, quotes and lines survive"
        );
        assert_eq!(
            &row[8],
            "Anna, 2025-12-01T11:53:20Z: Refund promised\nBo, 2025-12-01T14:40:00Z: Refund sent, 12 €",
            "each note on a line of its own, oldest first"
        );
        let more = csv(std::slice::from_ref(&conversation), &HashMap::new(), false);
        assert!(
            more.starts_with("2025-12-01T12:00:00Z,c1,"),
            "further pages have no header: {more}"
        );
        assert!(more.ends_with(",\n"), "no notes, an empty cell: {more}");
        assert_eq!(cell(Some("-1 star")), "'-1 star");
        let dashed = ClosedConversation {
            id: "-Xy3".into(),
            ..conversation.clone()
        };
        assert!(
            csv(&[dashed], &HashMap::new(), false).contains(",'-Xy3,"),
            "an id a spreadsheet would take for a formula"
        );
        assert_eq!(cell(Some("fine")), "fine");
        assert_eq!(cell(None), "");
    }
}
