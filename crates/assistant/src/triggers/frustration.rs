//! Detecting a frustrated shopper: insults and complaints about the help, shouting, or the
//! same question asked again.
//!
//! Complaints are matched against word lists; shouting is a long message mostly in capitals
//! or a run of exclamation marks; a repeat is a message whose words are nearly the same as
//! one of the shopper's recent messages (the answer did not help).

use super::contains_any;

const COMPLAINTS: &[&str] = &[
    // English
    "useless",
    "stupid",
    "idiot*",
    "dumb",
    "moron*",
    "is rubbish",
    "s rubbish",
    "re rubbish",
    "what rubbish",
    "utter rubbish",
    "absolute rubbish",
    "rubbish service",
    "is garbage",
    "s garbage",
    "total garbage",
    "crap",
    "crappy",
    "pathetic",
    "ridiculous",
    "hopeless",
    "unhelpful",
    "not helpful",
    "no help",
    "not helping",
    "doesn t help",
    "does not help",
    "didn t help",
    "did not help",
    "waste of time",
    "don t understand me",
    "do not understand me",
    "doesn t understand",
    "wtf",
    "fuck*",
    "shit*",
    "sucks",
    "fed up",
    "this is a joke",
    // German
    "nutzlos",
    "sinnlos",
    "dumm",
    "dumme*",
    "blod",
    "blode*",
    "idiot*",
    "bescheuert",
    "hilft nicht",
    "hilft mir nicht",
    "nicht hilfreich",
    "scheiss*",
    "lacherlich",
    "unverschamt",
    "zeitverschwendung",
    "verstehst mich nicht",
    "nervt",
    // Swedish
    "vardelos*",
    "oanvandbar*",
    "dum",
    "dumma",
    "hjalper inte",
    "hjalpte inte",
    "skit",
    "skitdal*",
    "skitsnack",
    "fattar inte",
    "lojlig*",
    "patetisk*",
    "sloseri med tid",
    // French
    "inutile",
    "nul",
    "est nulle",
    "es nulle",
    "vraiment nulle",
    "reponse nulle",
    "stupide",
    "debile",
    "sert a rien",
    "m aide pas",
    "merde",
    "ridicule",
    "n importe quoi",
    "perte de temps",
    "comprends rien",
    "comprend rien",
    // Spanish
    "inutil",
    "estupid*",
    "idiota",
    "no sirve*",
    "no ayuda",
    "no me ayuda",
    "mierda",
    "ridicul*",
    "pesimo",
    "perdida de tiempo",
    "no entiendes",
];

/// Shouting: at least this many letters, this share of them capitals.
const SHOUT_MIN_LETTERS: usize = 12;
const SHOUT_CAPITALS: f64 = 0.8;
/// A repeat: at least this many words, and this share of words in common (Jaccard).
const REPEAT_MIN_TOKENS: usize = 3;
const REPEAT_OVERLAP: f64 = 0.8;
/// How far back a repeated question still counts.
const REPEAT_LOOKBACK: usize = 3;

/// `earlier` holds the tokens of the shopper's previous messages, oldest first.
pub fn frustrated(text: &str, tokens: &[String], earlier: &[Vec<String>]) -> bool {
    contains_any(tokens, COMPLAINTS) || shouting(text) || repeated(tokens, earlier)
}

fn shouting(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphabetic());
    let (cased, upper) = letters.fold((0usize, 0usize), |(n, u), c| {
        if c.is_uppercase() {
            (n + 1, u + 1)
        } else if c.is_lowercase() {
            (n + 1, u)
        } else {
            (n, u)
        }
    });
    let capitals = cased >= SHOUT_MIN_LETTERS && upper as f64 >= SHOUT_CAPITALS * cased as f64;
    capitals || text.contains("!!!")
}

/// The distinct words of a message. Messages are short, so a linear search beats sorting
/// here, and spares the widget a sort's code.
fn distinct(tokens: &[String]) -> Vec<&str> {
    let mut seen: Vec<&str> = Vec::with_capacity(tokens.len());
    for token in tokens {
        if !seen.contains(&token.as_str()) {
            seen.push(token);
        }
    }
    seen
}

fn repeated(tokens: &[String], earlier: &[Vec<String>]) -> bool {
    if tokens.len() < REPEAT_MIN_TOKENS {
        return false;
    }
    let now = distinct(tokens);
    earlier.iter().rev().take(REPEAT_LOOKBACK).any(|before| {
        let then = distinct(before);
        let common = now.iter().filter(|t| then.contains(t)).count();
        let union = now.len() + then.len() - common;
        common as f64 >= REPEAT_OVERLAP * union as f64
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokens;

    fn fires(text: &str, earlier: &[&str]) -> bool {
        let earlier: Vec<Vec<String>> = earlier.iter().map(|t| tokens(t)).collect();
        frustrated(text, &tokens(text), &earlier)
    }

    #[test]
    fn insults_and_complaints_fire_in_five_languages() {
        for text in [
            "this bot is useless",
            "You're an idiot",
            "that was not helpful at all",
            "this doesn't help",
            "what a waste of time",
            "wtf",
            "Das ist nutzlos",
            "Das hilft mir nicht",
            "Du bist so blöd",
            "Det här är värdelöst",
            "det hjälper inte",
            "C'est nul",
            "ça ne sert à rien",
            "Ça ne m'aide pas",
            "Esto es inútil",
            "no me ayuda",
            "This answer is rubbish",
            "That's rubbish",
            "what total garbage",
            "Det här är skitdåligt",
            "T'es nulle",
            "Det här är skit",
            "Cette aide est nulle",
        ] {
            assert!(fires(text, &[]), "should fire: {text}");
        }
    }

    #[test]
    fn ordinary_messages_do_not_fire() {
        for text in [
            "Is this jacket useful for hiking?",
            "The promo code is not working",
            "Do you sell dumbbell print shirts?",
            "Thanks, that helps!",
            "Does it help if I send a photo?",
            "The shoes are a bit tight",
            "Do you ship to the UK?",
            "Is DHL or UPS faster?",
            "OK",
            "I ordered a XXL, can I swap it for XL?",
            "Kann ich die Schuhe umtauschen?",
            "¿Cuánto cuesta el envío?",
            // Things a shop sells, and words that begin like a complaint.
            "Do you sell rubbish bins?",
            "Garbage bags in stock?",
            "Habt ihr Skitourenschuhe?",
            "Den här jackan är skitbra",
            "Je ne trouve la taille nulle part",
        ] {
            assert!(!fires(text, &[]), "should not fire: {text}");
        }
    }

    #[test]
    fn shouting_fires_but_a_few_capitals_do_not() {
        assert!(fires("WHERE IS MY ORDER", &[]));
        assert!(fires("I WANT MY MONEY BACK NOW", &[]));
        assert!(fires("Where is my order!!!", &[]));
        assert!(!fires("Where is my order? DHL says delivered", &[]));
    }

    #[test]
    fn asking_the_same_question_again_fires() {
        assert!(fires("where is my order", &["Where is my order?"]));
        assert!(fires(
            "Where is my order??",
            &["hi", "Where is my order?", "ok"]
        ));
        assert!(!fires("Where is my refund?", &["Where is my order?"]));
        assert!(
            !fires("ok thanks", &["ok thanks"]),
            "short replies are not questions"
        );
        let long_ago = ["Where is my order?", "a", "b", "c"];
        assert!(!fires("where is my order", &long_ago));
    }
}
