//! The bottom of the widget, the phase's own: the composer; the handoff confirmation (the
//! shopper is told, before anything is sent, that a person will see the conversation); the
//! 1 to 5 rating of a closed conversation; the leave-a-message form when no one can answer
//! live, with the site's hours and its promise of when the shopper hears back.
//!
//! All of them are in the shell's static markup, each marked with the part it belongs to
//! (`data-part`), and shown or hidden by phase; the texts that depend on the conversation
//! are set here. Static markup brought in step by a few DOM calls costs a fraction of the
//! code a reactive view per part would, which matters against the 100 KB first-open budget.

use tandem_protocol::site::Hours;
use web_sys::Element;

use super::{context::Screen, dom};
use crate::{
    chat::{Chat, Phase, Unavailable},
    i18n::{Strings, T},
};

/// The site's hours as a line: "Mon 09:00–17:00; Tue closed; ... (Europe/Berlin)".
fn hours_text(strings: &Strings, hours: &Hours) -> String {
    let (days, closed) = (strings.get(T::Days), strings.get(T::ClosedToday));
    let parts: Vec<String> = days
        .split(',')
        .zip(hours.days.iter())
        .map(|(day, ranges)| {
            let times: Vec<String> = ranges
                .iter()
                .map(|[from, to]| format!("{from}–{to}"))
                .collect();
            format!(
                "{day} {}",
                if times.is_empty() {
                    closed.to_owned()
                } else {
                    times.join(", ")
                }
            )
        })
        .collect();
    strings.fill(
        T::Hours,
        &[(
            "hours",
            &format!("{} ({})", parts.join("; "), hours.timezone),
        )],
    )
}

/// Which part of the widget's bottom the phase shows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Composer,
    /// The composer, with the queue's controls above it.
    Waiting,
    Confirm,
    Rate,
    Rated,
    Offline(Unavailable),
    Sent,
}

impl Part {
    fn of(phase: &Phase) -> Part {
        match phase {
            Phase::Waiting { .. } => Part::Waiting,
            Phase::Confirming { .. } => Part::Confirm,
            Phase::Closed { rating: None } => Part::Rate,
            Phase::Closed { rating: Some(_) } => Part::Rated,
            Phase::Offline {
                sent_to: Some(_), ..
            } => Part::Sent,
            Phase::Offline { why, .. } => Part::Offline(*why),
            _ => Part::Composer,
        }
    }

    /// Whether an element marked `data-part=name` is shown.
    fn shows(self, name: &str) -> bool {
        match self {
            Part::Composer => name == "composer",
            Part::Waiting => name == "composer" || name == "waiting",
            Part::Confirm => name == "confirm",
            Part::Rate => name == "rate",
            Part::Rated => name == "rated",
            Part::Offline(_) => name == "offline",
            Part::Sent => name == "sent",
        }
    }
}

/// Shows the phase's part, and brings its texts and controls in step; `shown` is the part
/// shown before, so a part that just appeared can take the focus.
pub fn draw(root: &Element, chat: &Chat, screen: &Screen, shown: &mut Option<Part>) {
    let strings = &screen.strings;
    let part = Part::of(chat.phase());
    let appeared = *shown != Some(part);
    *shown = Some(part);
    // Before the parts change: is the focus in a part, which may go?
    let lost = dom::find(root, "[data-part]:focus, [data-part] :focus").is_some();
    if appeared {
        for element in dom::all(root, "[data-part]") {
            let name = element.get_attribute("data-part").unwrap_or_default();
            dom::toggle(&element, "hidden", !part.shows(&name));
        }
    }
    let promise = screen
        .site
        .as_ref()
        .map(|s| s.reply_promise.as_str())
        .unwrap_or_default();
    // A part that appears takes the focus when the shopper must answer it (the
    // confirmation; the message form, what took them there is gone) or when the focus was in
    // the part before (the control they used may have gone with it, and the focus with it to
    // the page): its first control, so keyboard and screen reader users go on from there.
    if appeared
        && (lost || matches!(part, Part::Confirm | Part::Offline(_)))
        && let Some(first) = dom::find(root, "[data-part]:not([hidden]) :is(textarea,input,button)")
    {
        let _ = first.focus();
    }
    match part {
        Part::Offline(why) => {
            let why = strings.get(if why == Unavailable::AfterHours {
                T::OfflineAfterHours
            } else {
                T::OfflineNoAgents
            });
            dom::set_text(root, ".offline-why", &format!("{why} {promise}"));
            let hours = screen.site.as_ref().and_then(|s| s.hours.as_ref());
            let hours = hours.map(|h| hours_text(strings, h)).unwrap_or_default();
            dom::set_text(root, ".hours", &hours);
        }
        Part::Sent => {
            let email = match chat.phase() {
                Phase::Offline {
                    sent_to: Some(email),
                    ..
                } => email.as_str(),
                _ => "",
            };
            dom::set_text(
                root,
                ".offline-sent",
                &strings.fill(T::OfflineSent, &[("promise", promise), ("email", email)]),
            );
        }
        _ => {}
    }
    dom::set_text(
        root,
        ".compose-error",
        screen.problem.as_deref().unwrap_or_default(),
    );
    let stars = screen.stars_for(chat);
    for star in dom::all(root, ".star") {
        let n = star.get_attribute("data-n").and_then(|n| n.parse().ok());
        let pressed = n.is_some() && n == stars;
        let _ = star.set_attribute("aria-pressed", if pressed { "true" } else { "false" });
    }
    if let Some(submit) = dom::find(root, ".rating [type=submit]") {
        dom::toggle(&submit, "disabled", stars.is_none());
    }
}
