//! Business hours: when a site's people answer, in the site's own time zone.
//!
//! ```toml
//! [sites.hours]
//! timezone = "Europe/Berlin"
//! monday = "09:00-17:30"
//! saturday = "10:00-13:00, 14:00-16:00"
//! sunday = "closed"          # a day left out is closed too
//! ```
//! The file is checked when it is read, so a typo stops the server with the line it is on.

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

/// A mistake in a `[sites.hours]` table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    #[error("unknown time zone {0:?}: use an IANA name such as \"Europe/Berlin\"")]
    TimeZone(String),
    #[error("{day}: {text:?} is not \"closed\" or ranges like \"09:00-17:00, 18:00-20:00\"")]
    Range { day: &'static str, text: String },
}

const DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHours {
    timezone: String,
    monday: Option<String>,
    tuesday: Option<String>,
    wednesday: Option<String>,
    thursday: Option<String>,
    friday: Option<String>,
    saturday: Option<String>,
    sunday: Option<String>,
}

/// Opening hours for each day of the week, as minute ranges `[start, end)` after midnight.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawHours")]
pub struct BusinessHours {
    timezone: Tz,
    days: [Vec<(u32, u32)>; 7],
}

impl TryFrom<RawHours> for BusinessHours {
    type Error = HoursError;

    fn try_from(raw: RawHours) -> Result<Self, HoursError> {
        let timezone: Tz = raw
            .timezone
            .parse()
            .map_err(|_| HoursError::TimeZone(raw.timezone.clone()))?;
        let texts = [
            raw.monday,
            raw.tuesday,
            raw.wednesday,
            raw.thursday,
            raw.friday,
            raw.saturday,
            raw.sunday,
        ];
        let mut days: [Vec<(u32, u32)>; 7] = Default::default();
        for ((slot, text), day) in days.iter_mut().zip(texts).zip(DAYS) {
            if let Some(text) = text {
                *slot = parse_day(&text).ok_or(HoursError::Range { day, text })?;
            }
        }
        Ok(BusinessHours { timezone, days })
    }
}

/// `"closed"` or comma-separated `HH:MM-HH:MM` ranges, each ending after it starts.
fn parse_day(text: &str) -> Option<Vec<(u32, u32)>> {
    if text.trim().eq_ignore_ascii_case("closed") {
        return Some(Vec::new());
    }
    text.split(',')
        .map(|range| {
            let (start, end) = range.trim().split_once('-')?;
            let (start, end) = (minute_of_day(start)?, minute_of_day(end)?);
            (start < end).then_some((start, end))
        })
        .collect()
}

/// `HH:MM` as minutes after midnight; `24:00` is the end of the day.
fn minute_of_day(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

impl BusinessHours {
    /// The time zone's IANA name.
    pub fn timezone_name(&self) -> String {
        self.timezone.name().to_owned()
    }

    /// Each day's ranges as `["HH:MM", "HH:MM"]`, Monday first.
    pub fn days_text(&self) -> [Vec<[String; 2]>; 7] {
        let clock = |minute: u32| format!("{:02}:{:02}", minute / 60, minute % 60);
        self.days.clone().map(|ranges| {
            ranges
                .iter()
                .map(|&(start, end)| [clock(start), clock(end)])
                .collect()
        })
    }

    /// No day has opening hours: every handoff is refused as after hours.
    pub fn never_open(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }

    /// Whether the site is open at this instant.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        let local = now.with_timezone(&self.timezone);
        let day = local.weekday().num_days_from_monday() as usize;
        let minute = local.hour() * 60 + local.minute();
        self.days[day]
            .iter()
            .any(|&(start, end)| start <= minute && minute < end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn hours(toml_text: &str) -> Result<BusinessHours, String> {
        toml::from_str(toml_text).map_err(|e| e.to_string())
    }

    #[test]
    fn open_and_closed_follow_the_local_clock() {
        let h = hours(
            "timezone = \"Europe/Berlin\"\nmonday = \"09:00-12:00, 13:00-17:30\"\nsunday = \"closed\"",
        )
        .unwrap();
        // Monday 2026-11-23, Berlin is UTC+1 in winter.
        let at = |hour, minute| Utc.with_ymd_and_hms(2026, 11, 23, hour, minute, 0).unwrap();
        assert!(!h.is_open(at(7, 59)), "08:59 Berlin");
        assert!(h.is_open(at(8, 0)), "09:00 Berlin");
        assert!(!h.is_open(at(11, 30)), "12:30 Berlin, lunch");
        assert!(h.is_open(at(16, 29)), "17:29 Berlin");
        assert!(!h.is_open(at(16, 30)), "17:30 Berlin");
        // Tuesday is not listed: closed all day.
        assert!(!h.is_open(Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()));
    }

    #[test]
    fn mistakes_are_named() {
        let zone = hours("timezone = \"Mars/Olympus\"").unwrap_err();
        assert!(zone.contains("Mars/Olympus"), "{zone}");
        let range = hours("timezone = \"UTC\"\nfriday = \"9-5\"").unwrap_err();
        assert!(range.contains("friday") && range.contains("9-5"), "{range}");
        assert!(hours("timezone = \"UTC\"\nfriday = \"17:00-09:00\"").is_err());
        assert!(hours("timezone = \"UTC\"\nfriday = \"00:00-24:00\"").is_ok());
        assert!(hours("timezone = \"UTC\"\nfunday = \"closed\"").is_err());
        // Closed every day (a holiday: messages only) is allowed, and known.
        assert!(
            hours("timezone = \"UTC\"\nfriday = \"closed\"")
                .unwrap()
                .never_open()
        );
        assert!(
            !hours("timezone = \"UTC\"\nfriday = \"09:00-17:00\"")
                .unwrap()
                .never_open()
        );
    }
}
