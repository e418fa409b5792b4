//! The body of every failed API call: RFC 9457 problem details (`application/problem+json`).

use serde::{Deserialize, Serialize};

/// Media type of a [`Problem`] body.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// A machine-readable error with a sentence a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type", default = "about_blank")]
    pub kind: String,
    /// A short summary of the kind of problem, the same for every occurrence.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong this time, and what to do about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

fn about_blank() -> String {
    "about:blank".to_owned()
}

impl Problem {
    /// The sentence to show a person: the detail when there is one, else the title.
    pub fn message(&self) -> &str {
        self.detail.as_deref().unwrap_or(&self.title)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_problem_without_type_or_detail() {
        let p: Problem = serde_json::from_str(r#"{"title":"Not Found","status":404}"#).unwrap();
        assert_eq!(p.kind, "about:blank");
        assert_eq!(p.message(), "Not Found");
    }

    #[test]
    fn prefers_the_detail_as_the_message() {
        let p = Problem {
            kind: "about:blank".into(),
            title: "Unknown site".into(),
            status: 404,
            detail: Some("No site \"nope\" is configured on this server.".into()),
        };
        let back: Problem = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
        assert!(back.message().contains("nope"));
    }
}
