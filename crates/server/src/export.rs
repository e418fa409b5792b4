//! A site's history as CSV, for the merchant's spreadsheet (`GET /v1/agent/history.csv`): one
//! row per closed conversation, newest first, written a page of rows at a time as the file
//! downloads. Shoppers wrote some of these cells, and a spreadsheet runs a cell that starts
//! with `=`, `+`, `-` or `@` as a formula, so such cells are defused with a leading `'` (what
//! spreadsheets themselves use to mean "text").

use tandem_protocol::agent::ClosedConversation;

const HEADER: [&str; 8] = [
    "closed_at",
    "id",
    "agent",
    "reason",
    "resolution",
    "rating",
    "comment",
    "first_message",
];

/// The conversations as CSV rows, after a header row if `header`; `closed_at` in UTC,
/// RFC 3339.
pub fn csv(conversations: &[ClosedConversation], header: bool) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    if header {
        writer
            .write_record(HEADER)
            .expect("writing to memory does not fail");
    }
    for c in conversations {
        let closed_at = chrono::DateTime::from_timestamp_millis(c.closed_at)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_default();
        let row = [
            closed_at,
            c.id.clone(),
            cell(c.agent_name.as_deref()),
            c.reason.as_str().to_owned(),
            c.resolution
                .map(|r| r.as_str().to_owned())
                .unwrap_or_default(),
            c.rating.map(|n| n.to_string()).unwrap_or_default(),
            cell(c.rating_comment.as_deref()),
            cell(c.preview.as_deref()),
        ];
        writer
            .write_record(&row)
            .expect("writing to memory does not fail");
    }
    let bytes = writer
        .into_inner()
        .expect("flushing to memory does not fail");
    String::from_utf8(bytes).expect("the cells are text")
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
        let text = csv(std::slice::from_ref(&conversation), true);
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
        let more = csv(&[conversation], false);
        assert!(
            more.starts_with("2025-12-01T12:00:00Z,c1,"),
            "further pages have no header: {more}"
        );
        assert_eq!(cell(Some("-1 star")), "'-1 star");
        assert_eq!(cell(Some("fine")), "fine");
        assert_eq!(cell(None), "");
    }
}
