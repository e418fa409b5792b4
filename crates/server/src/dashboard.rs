//! The quality dashboard's figures: the widget's daily counts of what the assistant did
//! (`store::counts`) and the conversations people handled, gathered for a site and a range
//! of days. [`DayRange`] checks the range asked for; [`build`] is pure, so unit tests cover
//! the arithmetic (zero-filled days, reasons, percentiles of waiting, each person's figures).

use chrono::{Days, NaiveDate};
use tandem_protocol::{
    HandoffReason,
    dashboard::{AgentFigures, Dashboard, DayFigures, ReasonCount},
};

/// The longest range one request may ask for.
pub const MAX_DAYS: u64 = 366;

/// A range of whole days, UTC, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DayRange {
    /// From `YYYY-MM-DD` texts; the message says what is wrong with them.
    pub fn parse(from: &str, to: &str) -> Result<DayRange, String> {
        let day = |text: &str, name: &str| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| format!("{name} must be a date as YYYY-MM-DD, not {text:?}."))
        };
        let range = DayRange {
            from: day(from, "from")?,
            to: day(to, "to")?,
        };
        if range.to < range.from {
            return Err("The range ends before it starts.".to_owned());
        }
        if range.len() > MAX_DAYS {
            return Err(format!("At most {MAX_DAYS} days at once."));
        }
        Ok(range)
    }

    fn len(self) -> u64 {
        u64::try_from((self.to - self.from).num_days()).unwrap_or(0) + 1
    }

    /// The place of `day` in the range, if it is in it.
    fn index(self, day: NaiveDate) -> Option<usize> {
        let offset = usize::try_from((day - self.from).num_days()).ok()?;
        (day <= self.to).then_some(offset)
    }

    fn days(self) -> impl Iterator<Item = NaiveDate> {
        (0..self.len()).filter_map(move |i| self.from.checked_add_days(Days::new(i)))
    }

    /// The first millisecond of the range and the first after it (Unix time).
    pub fn millis(self) -> (i64, i64) {
        let start = |d: NaiveDate| {
            d.and_hms_opt(0, 0, 0)
                .map_or(0, |t| t.and_utc().timestamp_millis())
        };
        let after = self.to.checked_add_days(Days::new(1)).unwrap_or(self.to);
        (start(self.from), start(after))
    }
}

/// A conversation handed to people in the range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Handled {
    pub queued_at: i64,
    /// When someone first took it: the end of the shopper's wait (a transfer or a return to
    /// the queue does not start another).
    pub taken_at: Option<i64>,
    /// When the person who has it (had it last) took it: the start of their time with it.
    pub assigned_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// The shopper left the queue (or was gone too long) before anyone took it.
    pub left: bool,
    pub rating: Option<u8>,
    /// The id and name of the person who had it last, if anyone took it.
    pub agent: Option<(String, String)>,
}

/// One row of the widget's counts: `(day, kind, entry, detail, count)`.
pub type CountRow = (String, String, String, String, i64);

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[u64], q: f64) -> Option<u64> {
    let rank = (sorted.len() as f64 * q).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len().max(1)) - 1).copied()
}

pub fn build(site: &str, range: DayRange, counts: &[CountRow], handled: &[Handled]) -> Dashboard {
    let mut days: Vec<DayFigures> = range
        .days()
        .map(|d| DayFigures {
            day: d.format("%Y-%m-%d").to_string(),
            ..DayFigures::default()
        })
        .collect();
    let mut reasons: Vec<ReasonCount> = Vec::new();
    let (mut helpful, mut not_helpful) = (0, 0);
    for (day, kind, _entry, detail, count) in counts {
        let count = u64::try_from(*count).unwrap_or(0);
        let slot = NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .ok()
            .and_then(|d| range.index(d));
        let Some(figures) = slot.and_then(|i| days.get_mut(i)) else {
            continue;
        };
        match kind.as_str() {
            "answered" => figures.answered += count,
            "clarified" => figures.clarified += count,
            "handed_over" => {
                figures.handed_over += count;
                if let Some(reason) = HandoffReason::parse(detail) {
                    match reasons.iter_mut().find(|r| r.reason == reason) {
                        Some(r) => r.count += count,
                        None => reasons.push(ReasonCount { reason, count }),
                    }
                }
            }
            "feedback" if detail == "yes" => helpful += count,
            "feedback" => not_helpful += count,
            _ => {}
        }
    }
    reasons.sort_by_key(|r| std::cmp::Reverse(r.count));

    let mut ratings = [0; 5];
    let mut waits = Vec::new();
    // By id, not name: two people may share a name.
    let mut agents: Vec<(&str, AgentFigures, Vec<u64>)> = Vec::new();
    for h in handled {
        if let Some((id, name)) = &h.agent {
            let at = match agents.iter().position(|(a, _, _)| a == id) {
                Some(at) => at,
                None => {
                    agents.push((
                        id,
                        AgentFigures {
                            name: name.clone(),
                            conversations: 0,
                            ratings: [0; 5],
                            handle_p50_secs: None,
                        },
                        Vec::new(),
                    ));
                    agents.len() - 1
                }
            };
            let (_, figures, handle_secs) = &mut agents[at];
            figures.conversations += 1;
            if let Some(score @ 1..=5) = h.rating {
                figures.ratings[usize::from(score) - 1] += 1;
            }
            if let (Some(assigned), Some(closed)) = (h.assigned_at, h.closed_at) {
                handle_secs.push(u64::try_from((closed - assigned) / 1000).unwrap_or(0));
            }
        }
        let slot = chrono::DateTime::from_timestamp_millis(h.queued_at)
            .and_then(|t| range.index(t.date_naive()));
        if let Some(figures) = slot.and_then(|i| days.get_mut(i)) {
            figures.conversations += 1;
            figures.left_waiting += u64::from(h.left);
        }
        if let Some(score @ 1..=5) = h.rating {
            ratings[usize::from(score) - 1] += 1;
        }
        if let Some(taken) = h.taken_at {
            waits.push(u64::try_from((taken - h.queued_at) / 1000).unwrap_or(0));
        }
    }
    waits.sort_unstable();
    let mut agents: Vec<AgentFigures> = agents
        .into_iter()
        .map(|(_, mut figures, mut handle_secs)| {
            handle_secs.sort_unstable();
            figures.handle_p50_secs = percentile(&handle_secs, 0.5);
            figures
        })
        .collect();
    agents.sort_by(|a, b| {
        b.conversations
            .cmp(&a.conversations)
            .then(a.name.cmp(&b.name))
    });
    Dashboard {
        site: site.to_owned(),
        days,
        reasons,
        helpful,
        not_helpful,
        ratings,
        wait_p50_secs: percentile(&waits, 0.5),
        wait_p90_secs: percentile(&waits, 0.9),
        agents,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(day: &str, kind: &str, detail: &str, count: i64) -> CountRow {
        (day.into(), kind.into(), String::new(), detail.into(), count)
    }

    #[test]
    fn a_range_must_be_dates_in_order_and_not_too_long() {
        assert!(DayRange::parse("2026-11-01", "2026-11-14").is_ok());
        assert!(
            DayRange::parse("2026-11-14", "2026-11-01")
                .unwrap_err()
                .contains("before")
        );
        assert!(
            DayRange::parse("yesterday", "2026-11-01")
                .unwrap_err()
                .contains("YYYY-MM-DD")
        );
        assert!(
            DayRange::parse("2024-01-01", "2026-01-01")
                .unwrap_err()
                .contains("366")
        );
        let range = DayRange::parse("2026-11-01", "2026-11-02").unwrap();
        assert_eq!(range.millis(), (1_793_491_200_000, 1_793_664_000_000));
    }

    #[test]
    fn every_day_is_there_and_counts_land_on_their_day() {
        let range = DayRange::parse("2026-11-01", "2026-11-03").unwrap();
        let counts = [
            row("2026-11-01", "answered", "", 7),
            row("2026-11-03", "answered", "", 2),
            row("2026-11-03", "clarified", "", 1),
            row("2026-11-03", "handed_over", "asked", 3),
            row("2026-11-03", "handed_over", "frustration", 1),
            row("2026-11-02", "handed_over", "frustration", 4),
            row("2026-11-02", "feedback", "yes", 5),
            row("2026-11-02", "feedback", "no", 2),
            // Outside the range: left out.
            row("2026-10-31", "answered", "", 99),
            row("2026-11-04", "answered", "", 99),
        ];
        let d = build("acme", range, &counts, &[]);
        let days: Vec<(&str, u64, u64)> = d
            .days
            .iter()
            .map(|f| (f.day.as_str(), f.answered, f.handed_over))
            .collect();
        assert_eq!(
            days,
            [
                ("2026-11-01", 7, 0),
                ("2026-11-02", 0, 4),
                ("2026-11-03", 2, 4)
            ]
        );
        assert_eq!(
            d.reasons,
            [
                ReasonCount {
                    reason: HandoffReason::Frustration,
                    count: 5
                },
                ReasonCount {
                    reason: HandoffReason::Asked,
                    count: 3
                },
            ]
        );
        assert_eq!((d.helpful, d.not_helpful), (5, 2));
        assert_eq!(d.wait_p50_secs, None);
    }

    #[test]
    fn waits_and_ratings_come_from_the_conversations_people_handled() {
        let range = DayRange::parse("2026-11-01", "2026-11-01").unwrap();
        let (start, _) = range.millis();
        let handled: Vec<Handled> = (1..=10)
            .map(|i| Handled {
                queued_at: start + i * 60_000,
                taken_at: Some(start + i * 60_000 + i * 10_000),
                // Passed on to a colleague an hour later: the wait was over before.
                assigned_at: Some(start + i * 60_000 + 3_600_000),
                rating: (i % 2 == 0).then_some(5),
                ..Handled::default()
            })
            .chain([
                Handled {
                    queued_at: start,
                    taken_at: None,
                    assigned_at: None,
                    rating: Some(2),
                    ..Handled::default()
                },
                // Left the queue: no wait of theirs is known to have ended.
                Handled {
                    queued_at: start,
                    closed_at: Some(start + 600_000),
                    left: true,
                    ..Handled::default()
                },
            ])
            .collect();
        let d = build("acme", range, &[], &handled);
        assert_eq!(d.days[0].conversations, 12);
        assert_eq!(d.days[0].left_waiting, 1);
        assert_eq!(d.wait_p50_secs, Some(50));
        assert_eq!(d.wait_p90_secs, Some(90));
        assert_eq!(d.ratings, [0, 1, 0, 0, 5]);
        assert!(d.agents.is_empty(), "no one had them");
    }

    #[test]
    fn each_person_gets_their_conversations_ratings_and_time_with_the_shopper() {
        let range = DayRange::parse("2026-11-01", "2026-11-01").unwrap();
        let (start, _) = range.millis();
        let had = |agent: &str, minutes: i64, rating: Option<u8>| Handled {
            queued_at: start,
            taken_at: Some(start + 60_000),
            assigned_at: Some(start + 60_000),
            closed_at: Some(start + 60_000 + minutes * 60_000),
            left: false,
            rating,
            agent: Some((format!("id-{agent}"), agent.to_owned())),
        };
        let handled = [
            had("Ben", 4, Some(5)),
            had("Anna", 2, Some(1)),
            had("Anna", 10, Some(4)),
            had("Anna", 6, None),
            // Taken and not closed yet: counted, with no time.
            Handled {
                closed_at: None,
                ..had("Ben", 0, None)
            },
            // Another Ben: a row of his own.
            Handled {
                agent: Some(("id-ben-2".into(), "Ben".into())),
                ..had("Ben", 1, Some(3))
            },
            // Never taken: no one's.
            Handled {
                queued_at: start,
                ..Handled::default()
            },
        ];
        let d = build("acme", range, &[], &handled);
        let people: Vec<(&str, u64, Option<f64>, Option<u64>)> = d
            .agents
            .iter()
            .map(|a| {
                (
                    a.name.as_str(),
                    a.conversations,
                    a.average_rating(),
                    a.handle_p50_secs,
                )
            })
            .collect();
        assert_eq!(
            people,
            [
                ("Anna", 3, Some(2.5), Some(360)),
                ("Ben", 2, Some(5.0), Some(240)),
                ("Ben", 1, Some(3.0), Some(60))
            ]
        );
    }
}
