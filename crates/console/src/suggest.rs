//! The assistant helping the agent: for the shopper's latest message, the best answers of the
//! site's knowledge base, found by `tandem-assistant` here in the console. The agent picks
//! one to put in the composer, edits it and sends it; nothing goes to the shopper unseen.

use std::collections::HashMap;

use tandem_assistant::{Model, suggest};

/// How many answers to offer.
const SHOWN: usize = 3;
/// Below this probability an entry is noise, not a suggestion.
const FLOOR: f32 = 0.05;

/// One knowledge-base answer offered to the agent.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub title: String,
    pub answer: String,
    pub confidence: f32,
}

/// The best answers for `text`; topics only a person may handle are left out, since their
/// "answer" is a note for the shopper, not a reply.
pub fn suggestions(model: &Model, text: &str) -> Vec<Suggestion> {
    suggest(model, text, SHOWN + 2)
        .into_iter()
        .filter(|c| c.confidence >= FLOOR)
        .map(|c| (model.entry(c.entry), c.confidence))
        .filter(|(entry, _)| !entry.always_human)
        .take(SHOWN)
        .map(|(entry, confidence)| Suggestion {
            title: entry.title.clone(),
            answer: entry.answer.clone(),
            confidence,
        })
        .collect()
}

/// A site without a model yet (the server compiles knowledge bases after it starts, and a
/// merchant may add one later) is asked again after this long.
const RETRY_MS: i64 = 10_000;
/// A site's model is checked again after this long: an admin may have changed the knowledge
/// base (its address changes with it; an unchanged one comes from the browser's cache).
const REFRESH_MS: i64 = 300_000;

#[derive(Default)]
struct Slot {
    model: Option<Box<Model>>,
    asked_ms: i64,
    loading: bool,
    /// Its knowledge base changed since it was last asked for (kept through a load already
    /// on its way, which may bring the old one).
    stale: bool,
}

/// The sites' compiled knowledge bases, loaded when a conversation of the site is shown and
/// checked again now and then.
#[derive(Default)]
pub struct Models(HashMap<String, Slot>);

impl Models {
    /// Whether to fetch the site's model now; if so, it counts as loading from here on (the
    /// model it had, if any, still answers meanwhile).
    pub fn should_load(&mut self, site: &str, now_ms: i64) -> bool {
        let due = match self.0.get(site) {
            None => true,
            Some(slot) if slot.loading => false,
            Some(slot) if slot.stale => true,
            Some(slot) => {
                let wait = if slot.model.is_some() {
                    REFRESH_MS
                } else {
                    RETRY_MS
                };
                now_ms.saturating_sub(slot.asked_ms) >= wait
            }
        };
        if due {
            let slot = self.0.entry(site.to_owned()).or_default();
            slot.asked_ms = now_ms;
            slot.loading = true;
            slot.stale = false;
        }
        due
    }

    /// The site's model arrived, or (`None`) could not be had: a model it had stays, since a
    /// failed check is no reason to stop suggesting.
    pub fn loaded(&mut self, site: String, model: Option<Model>, now_ms: i64) {
        let slot = self.0.entry(site).or_default();
        slot.asked_ms = now_ms;
        slot.loading = false;
        if let Some(model) = model {
            slot.model = Some(Box::new(model));
        }
    }

    /// The site's knowledge base changed: its model is fetched again when next needed.
    pub fn stale(&mut self, site: &str) {
        if let Some(slot) = self.0.get_mut(site) {
            slot.stale = true;
        }
    }

    pub fn get(&self, site: &str) -> Option<&Model> {
        self.0.get(site)?.model.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use tandem_assistant::{Model, fixture};

    use super::{Models, suggestions};

    fn model() -> Model {
        fixture::compiled().model.clone()
    }

    #[test]
    fn the_best_answer_comes_first_and_person_only_topics_are_left_out() {
        let model = model();
        let found = suggestions(&model, "when will my parcel arrive?");
        assert_eq!(found[0].title, "Delivery times");
        assert_eq!(
            found[0].answer,
            "2-4 working days. [Tracking](https://shop.example/track)"
        );
        assert!(found.len() <= 3);
        assert!(found.windows(2).all(|w| w[0].confidence >= w[1].confidence));
        let disputed = suggestions(&model, "I want to dispute a charge");
        assert!(disputed.iter().all(|s| s.title != "Payment disputes"));
    }

    #[test]
    fn a_model_loads_once_and_a_missing_one_is_asked_for_again_later() {
        let mut models = Models::default();
        assert!(models.should_load("acme", 0));
        assert!(!models.should_load("acme", 1), "already loading");
        models.loaded("acme".into(), None, 1_000);
        assert!(models.get("acme").is_none());
        assert!(!models.should_load("acme", 5_000));
        assert!(models.should_load("acme", 11_000));
        models.loaded("acme".into(), Some(model()), 12_000);
        assert!(models.get("acme").is_some());
        assert!(!models.should_load("acme", 99_000));
    }

    #[test]
    fn a_model_is_checked_again_later_or_when_its_knowledge_base_changed_and_answers_meanwhile() {
        let mut models = Models::default();
        assert!(models.should_load("acme", 0));
        models.loaded("acme".into(), Some(model()), 0);
        assert!(models.should_load("acme", 300_000), "five minutes on");
        assert!(
            models.get("acme").is_some(),
            "still suggesting while it loads"
        );
        models.loaded("acme".into(), None, 301_000);
        assert!(models.get("acme").is_some(), "a failed check keeps it");
        assert!(!models.should_load("acme", 302_000));
        models.stale("acme");
        assert!(
            models.should_load("acme", 302_000),
            "an admin saved a new one"
        );
        // Saved again while that load is on its way: it may bring the old one, so once more.
        models.stale("acme");
        models.loaded("acme".into(), Some(model()), 303_000);
        assert!(models.should_load("acme", 303_000));
    }
}
