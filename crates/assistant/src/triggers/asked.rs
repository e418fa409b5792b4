//! Detecting a request for a person ("can I talk to a human?", "Mitarbeiter bitte").
//!
//! A message asks for a person when it contains a fixed phrase ("real person"), when a verb
//! of talking stands near a word for a person in either order (German and Swedish put the
//! verb last), or when it is a short message naming a person outright ("agent please").
//! A negation just before ("I don't want to talk to a human") cancels the last two, unless
//! a question says the shopper cannot reach one ("why can't I talk to a human?").

use super::{contains_any, positions};

const PHRASES: &[&str] = &[
    // English
    "real person",
    "real human",
    "actual person",
    "actual human",
    "live person",
    "live agent",
    "live chat",
    "human being",
    "customer service agent",
    "to customer service",
    "with customer service",
    "to customer support",
    "with customer support",
    // German
    "echte* person",
    "echte* mensch",
    "echte* menschen",
    "richtige* person",
    "richtige* mensch",
    "richtige* menschen",
    // Swedish
    "riktig* person",
    "riktig* manniska",
    "levande person",
    // French
    "vraie personne",
    "personne reelle",
    "etre humain",
    // Spanish
    "persona real",
    "ser humano",
    "persona de verdad",
];

const VERBS: &[&str] = &[
    "talk*",
    "speak*",
    "chat",
    "chatting",
    "connect",
    "transfer",
    "contact",
    "reach",
    "call",
    "sprechen",
    "spreche",
    "reden",
    "chatten",
    "verbinde*",
    "kontaktieren",
    "erreichen",
    "prata",
    "tala",
    "chatta",
    "koppla",
    "kontakta",
    "parler",
    "discuter",
    "joindre",
    "contacter",
    "passer",
    "transferer",
    "hablar",
    "conversar",
    "comunicar*",
    "contactar",
    "pasar",
    "transferir",
];

const PERSONS: &[&str] = &[
    "human*",
    "person",
    "people",
    "someone",
    "somebody",
    "anyone",
    "anybody",
    "agent*",
    "representative*",
    "rep",
    "operator*",
    "staff",
    "employee*",
    "advisor*",
    "adviser*",
    "colleague*",
    "manager",
    "supervisor",
    "mensch",
    "menschen",
    "mitarbeiter*",
    "jemand*",
    "berater*",
    "kundendienst*",
    "kundenservice",
    "manniska*",
    "handlaggare*",
    "medarbetare",
    "kundtjanst",
    "nagon",
    "personal",
    "humain*",
    "personne",
    "quelqu",
    "conseiller*",
    "operateur*",
    "humano*",
    "persona",
    "alguien",
    "agente*",
    "asesor*",
    "operador*",
    "representante*",
];

/// Words that name a person clearly enough to count on their own in a short message.
const STRONG_PERSONS: &[&str] = &[
    "human*",
    "person",
    "agent*",
    "representative*",
    "operator*",
    "mensch",
    "menschen",
    "mitarbeiter*",
    "manniska*",
    "handlaggare*",
    "humain*",
    "conseiller*",
    "humano*",
    "persona",
    "agente*",
    "asesor*",
    "operador*",
];

/// "t" is what is left of "don't" and "can't" after tokenising.
const NEGATIONS: &[&str] = &[
    "not", "t", "cannot", "never", "nicht", "nie", "kein*", "inte", "aldrig", "ingen", "pas",
    "jamais", "aucun*", "no", "nunca", "ningun*",
];

/// Words that make a negation in a question a complaint about not reaching a person rather
/// than a refusal: "why can't I…?", "is there no way to…?", "¿no puedo…?", "warum kann ich
/// nicht…?". Not in a statement: "I can't talk to anyone right now" is a refusal.
const CANNOT: &[&str] = &[
    "can", "could", "way", "why", "kann", "konnen", "warum", "kan", "gar", "varfor", "peux",
    "peut", "pouvez", "pourquoi", "puedo", "puede", "pueden", "por",
];

const SHORT_MESSAGE: usize = 6;
const VERB_WINDOW: usize = 4;
const NEGATION_WINDOW: usize = 3;
const CANNOT_WINDOW: usize = 5;

/// `question`: whether the message asks (has a question mark).
pub fn asked_for_human(tokens: &[String], question: bool) -> bool {
    if contains_any(tokens, PHRASES) {
        return true;
    }
    // Whether the request made by the words from `first` to `last` is refused: a negation
    // just before it, unless the question says the shopper cannot reach anyone.
    let negated = |first: usize, last: usize| {
        contains_any(
            &tokens[first.saturating_sub(NEGATION_WINDOW)..first],
            NEGATIONS,
        ) && !(question && contains_any(&tokens[first.saturating_sub(CANNOT_WINDOW)..last], CANNOT))
    };
    let persons = positions(tokens, PERSONS);
    let verb_near_person = positions(tokens, VERBS).into_iter().any(|v| {
        persons
            .iter()
            .any(|&p| p != v && p.abs_diff(v) <= VERB_WINDOW && !negated(v.min(p), v.max(p)))
    });
    let short_and_named = tokens.len() <= SHORT_MESSAGE
        && positions(tokens, STRONG_PERSONS)
            .into_iter()
            .any(|p| !negated(p, p));
    verb_near_person || short_and_named
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokens;

    fn fires(text: &str) -> bool {
        asked_for_human(&tokens(text), text.contains('?'))
    }

    #[test]
    fn fires_when_a_person_is_asked_for_in_five_languages() {
        for text in [
            "Can I talk to a human?",
            "I want to speak to someone",
            "real person please",
            "agent",
            "HUMAN!!",
            "let me chat with an agent",
            "connect me to a representative",
            "Can someone call me back?",
            "no, I want a human",
            "I need to talk to customer service",
            "Ich möchte mit einem Mitarbeiter sprechen",
            "Mitarbeiter bitte",
            "Kann ich mit einem Menschen reden?",
            "echter Mensch bitte",
            "Kan jag prata med en människa?",
            "Jag vill prata med någon",
            "manniska tack",
            "Kan jag få prata med en handläggare?",
            "Je veux parler à un conseiller",
            "Puis-je parler à quelqu'un ?",
            "un humain s'il vous plaît",
            "Quiero hablar con una persona",
            "¿Puedo hablar con un agente?",
            "humano por favor",
            // Negations that complain about not reaching a person.
            "Why can't I talk to a human?",
            "Is there no way to talk to a person?",
            "¿No puedo hablar con una persona?",
            "Warum kann ich nicht mit einem Menschen sprechen?",
            "Pourquoi je ne peux pas parler à quelqu'un ?",
            "Kan jag inte prata med en människa?",
            "Isn't there someone I can talk to?",
            "Går det inte att prata med en människa?",
            "Vous ne pouvez pas me passer un conseiller ?",
            "¿No me pueden pasar con un agente?",
            "¿Por qué no me dejan hablar con una persona?",
        ] {
            assert!(fires(text), "should fire: {text}");
        }
    }

    #[test]
    fn stays_quiet_for_ordinary_questions_and_refusals() {
        for text in [
            "Where is my order?",
            "How do I talk to the courier about a redelivery?",
            "Is this jacket for humans or dogs, asks my kid",
            "What is your returns policy?",
            "I do not want to speak to anyone, just tell me the return address",
            "Our agent in Germany shipped it last week already",
            "Je ne veux pas parler à un humain",
            "Ich will nicht mit einem Mitarbeiter sprechen",
            "Ist das Menschenhaar?",
            "Hablar de tallas",
            "Personalisierung möglich?",
            "Can I pay per person for the group order?",
            "I don't need a human, thanks",
            "no human please",
            "no need to talk to a person",
            // "Can't" in a statement: not now, or not at all.
            "I can't talk to anyone right now, I'm at work",
            "I cannot speak to a person at the moment",
            "I can manage, no human please",
            "Ich kann gerade nicht mit einem Mitarbeiter sprechen",
            "Ich brauche keinen Mitarbeiter",
            "Jag kan inte prata med någon just nu",
            "Je ne peux pas parler à quelqu'un maintenant",
            "No puedo hablar con una persona ahora",
        ] {
            assert!(!fires(text), "should not fire: {text}");
        }
    }
}
