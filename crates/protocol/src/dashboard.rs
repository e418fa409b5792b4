//! The quality dashboard (`GET /v1/agent/dashboard?site=S&from=YYYY-MM-DD&to=YYYY-MM-DD`):
//! what the assistant and the people did for one site over a range of days (UTC), so the
//! merchant sees whether the assistant helps or hurts.

use serde::{Deserialize, Serialize};

use crate::conversation::HandoffReason;

/// The figures of one day. `answered`, `clarified` and `handed_over` are the widget's counts
/// of what the assistant did; `conversations` are the conversations handed to people, and
/// `left_waiting` those of them whose shopper left the queue before a person took them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DayFigures {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub answered: u64,
    pub clarified: u64,
    pub handed_over: u64,
    pub conversations: u64,
    /// Shoppers who left the queue, or whose widget was gone too long, before anyone took
    /// their conversation: those the people never helped.
    #[serde(default)]
    pub left_waiting: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonCount {
    pub reason: HandoffReason,
    pub count: u64,
}

/// What one person did for the site in the range: the conversations they had last (a
/// transfer counts for whoever closed it), the shoppers' ratings of them, and how long they
/// were with a shopper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentFigures {
    pub name: String,
    pub conversations: u64,
    /// Shoppers' 1-5 ratings: how many of each, 1 first.
    pub ratings: [u64; 5],
    /// Seconds from taking a conversation to closing it: the median of those closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle_p50_secs: Option<u64>,
}

impl AgentFigures {
    /// The average rating, 1 to 5.
    pub fn average_rating(&self) -> Option<f64> {
        average(&self.ratings)
    }
}

/// The average of 1-5 ratings given as counts, 1 first.
fn average(ratings: &[u64; 5]) -> Option<f64> {
    let count: u64 = ratings.iter().sum();
    let total: u64 = ratings.iter().zip(1..).map(|(n, score)| n * score).sum();
    (count > 0).then(|| total as f64 / count as f64)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub site: String,
    /// Every day of the range, in order, days without anything included.
    pub days: Vec<DayFigures>,
    /// Why shoppers were handed over, most frequent first.
    pub reasons: Vec<ReasonCount>,
    /// "Did this help?" answers on the assistant's answers.
    pub helpful: u64,
    pub not_helpful: u64,
    /// Shoppers' 1-5 ratings of the people who helped them: how many of each, 1 first.
    pub ratings: [u64; 5],
    /// Seconds from joining the queue to a person taking over: median and 90th percentile
    /// of the conversations taken in the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_p50_secs: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_p90_secs: Option<u64>,
    /// Each person who had conversations in the range, most conversations first.
    #[serde(default)]
    pub agents: Vec<AgentFigures>,
}

impl Dashboard {
    /// Share of the assistant's outcomes it settled alone: answered, of answered and handed
    /// over. `None` when it did neither.
    pub fn answered_alone(&self) -> Option<f64> {
        let answered: u64 = self.days.iter().map(|d| d.answered).sum();
        let handed: u64 = self.days.iter().map(|d| d.handed_over).sum();
        (answered + handed > 0).then(|| answered as f64 / (answered + handed) as f64)
    }

    /// Share of the conversations handed to people whose shopper left before a person came.
    pub fn left_waiting_rate(&self) -> Option<f64> {
        let all: u64 = self.days.iter().map(|d| d.conversations).sum();
        let left: u64 = self.days.iter().map(|d| d.left_waiting).sum();
        (all > 0).then(|| left as f64 / all as f64)
    }

    /// Share of "did this help?" answers that said yes.
    pub fn helpful_rate(&self) -> Option<f64> {
        let all = self.helpful + self.not_helpful;
        (all > 0).then(|| self.helpful as f64 / all as f64)
    }

    /// The people's average rating, 1 to 5.
    pub fn average_rating(&self) -> Option<f64> {
        average(&self.ratings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_averages_are_none_without_data_and_right_with_it() {
        let mut d = Dashboard {
            site: "acme".into(),
            days: vec![],
            reasons: vec![],
            helpful: 0,
            not_helpful: 0,
            ratings: [0; 5],
            wait_p50_secs: None,
            wait_p90_secs: None,
            agents: vec![],
        };
        assert_eq!(
            (
                d.answered_alone(),
                d.helpful_rate(),
                d.average_rating(),
                d.left_waiting_rate()
            ),
            (None, None, None, None)
        );
        d.days = vec![DayFigures {
            day: "2026-11-20".into(),
            answered: 30,
            clarified: 2,
            handed_over: 10,
            conversations: 10,
            left_waiting: 1,
        }];
        d.helpful = 9;
        d.not_helpful = 3;
        d.ratings = [0, 0, 1, 1, 2];
        assert_eq!(d.answered_alone(), Some(0.75));
        assert_eq!(d.helpful_rate(), Some(0.75));
        assert_eq!(d.average_rating(), Some(4.25));
        assert_eq!(d.left_waiting_rate(), Some(0.1));
        let anna = AgentFigures {
            name: "Anna".into(),
            conversations: 2,
            ratings: [1, 0, 0, 0, 0],
            handle_p50_secs: None,
        };
        assert_eq!(anna.average_rating(), Some(1.0));
    }
}
