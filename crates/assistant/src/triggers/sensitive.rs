//! Detecting topics a person must take whatever the knowledge base says: self-harm, a stolen
//! card or fraud, and legal threats.
//!
//! Self-harm and legal threats are matched against phrase lists. For fraud, words like
//! "fraud" or "scam" count on their own, while "stolen" counts only near a card or an account
//! (a parcel stolen from a doorstep is a delivery question the knowledge base may answer).

use serde::{Deserialize, Serialize};

use super::{contains_any, near};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SensitiveTopic {
    SelfHarm,
    Fraud,
    Legal,
}

const SELF_HARM: &[&str] = &[
    "kill myself",
    "killing myself",
    "suicide",
    "suicidal",
    "end my life",
    "ending my life",
    "take my own life",
    "hurt myself",
    "harm myself",
    "self harm",
    "want to die",
    "don t want to live",
    "no reason to live",
    "umbringen",
    "bring mich um",
    "selbstmord",
    "suizid*",
    "nicht mehr leben",
    "mir etwas antun",
    "mir was antun",
    "ta livet av mig",
    "sjalvmord*",
    "vill do",
    "vill inte leva",
    "skada mig sjalv",
    "me suicider",
    "me tuer",
    "en finir",
    "mettre fin a mes jours",
    "envie de mourir",
    "suicidarme",
    "suicidio",
    "matarme",
    "quitarme la vida",
    "no quiero vivir",
    "quiero morir*",
];

const FRAUD: &[&str] = &[
    "fraud*",
    "scam",
    "scams",
    "scamm*",
    "scame*",
    "unauthori*",
    "identity theft",
    "hacked",
    "hacker*",
    "phishing",
    "used my card",
    "using my card",
    "betrug",
    "betrugs*",
    "betrugt",
    "betrogen*",
    "kartenbetrug",
    "kreditkartenbetrug",
    "betruger*",
    "gehackt",
    "identitatsdiebstahl",
    "nicht autorisiert*",
    "bedrageri*",
    "bedragare",
    "hackad*",
    "bluffat*",
    "fraude*",
    "arnaque*",
    "escroquer*",
    "non autorise*",
    "estafa*",
    "hackea*",
    "no autorizad*",
    "suplantacion de identidad",
];

const STOLEN: &[&str] = &[
    "stolen",
    "stole",
    "steal*",
    "gestohlen",
    "geklaut",
    "stulen",
    "stulet",
    "stulna",
    "vole",
    "volee",
    "robad*",
    "robaron",
    "robo",
];

const CARDS_AND_ACCOUNTS: &[&str] = &[
    "card",
    "cards",
    "account*",
    "wallet",
    "identity",
    "karte*",
    "konto*",
    "kreditkarte*",
    "geldborse",
    "kort",
    "kortet",
    "carte*",
    "compte*",
    "tarjeta*",
    "cuenta*",
];

const LEGAL: &[&str] = &[
    "lawyer*",
    "attorney*",
    "solicitor*",
    "sue you",
    "sue your",
    "going to sue",
    "will sue",
    "suing",
    "lawsuit*",
    "legal action",
    "take you to court",
    "see you in court",
    "small claims",
    "court case",
    "trading standards",
    "consumer protection",
    "ombudsman",
    "anwalt*",
    "rechtsanwalt*",
    "verklagen",
    "verklage",
    "vor gericht",
    "rechtliche schritte",
    "verbraucherzentrale",
    "verbraucherschutz*",
    "anzeige erstatten",
    "advokat*",
    "stamma er",
    "stammer er",
    "polisanmal*",
    "domstol*",
    "konsumentverket",
    "rattsliga atgarder",
    "anmala er",
    "mon avocat*",
    "un avocat*",
    "l avocat*",
    "notre avocat*",
    "mes avocats",
    "poursuivre en justice",
    "porter plainte",
    "tribunal*",
    "action en justice",
    "mise en demeure",
    "association de consommateurs",
    "abogad*",
    "demandar*",
    "denunciar*",
    "a juicio",
    "un juicio",
    "accion legal",
    "acciones legales",
];

const STOLEN_WINDOW: usize = 4;

pub fn sensitive_topic(tokens: &[String]) -> Option<SensitiveTopic> {
    if contains_any(tokens, SELF_HARM) {
        Some(SensitiveTopic::SelfHarm)
    } else if contains_any(tokens, FRAUD) || near(tokens, STOLEN, CARDS_AND_ACCOUNTS, STOLEN_WINDOW)
    {
        Some(SensitiveTopic::Fraud)
    } else if contains_any(tokens, LEGAL) {
        Some(SensitiveTopic::Legal)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokens;

    fn topic(text: &str) -> Option<SensitiveTopic> {
        sensitive_topic(&tokens(text))
    }

    #[test]
    fn self_harm_fires_in_five_languages() {
        for text in [
            "I want to kill myself",
            "I feel suicidal",
            "Ich will mich umbringen",
            "Jag vill ta livet av mig",
            "Je veux en finir",
            "Quiero quitarme la vida",
        ] {
            assert_eq!(topic(text), Some(SensitiveTopic::SelfHarm), "{text}");
        }
    }

    #[test]
    fn stolen_cards_and_fraud_fire() {
        for text in [
            "My card was stolen",
            "someone stole my credit card",
            "there is a fraudulent charge on my card",
            "I think this is a scam",
            "unauthorised payment on my account",
            "Meine Karte wurde gestohlen",
            "Mitt kort är stulet",
            "On m'a volé ma carte",
            "Me robaron la tarjeta",
            "my account was hacked",
            "I was scammed",
            "scammers took my money",
            "Das ist Betrug",
            "ein Betrugsversuch mit meiner Karte",
            "Ich wurde betrogen",
            "Kreditkartenbetrug!",
            "Ihr betrügt mich",
        ] {
            assert_eq!(topic(text), Some(SensitiveTopic::Fraud), "{text}");
        }
    }

    #[test]
    fn legal_threats_fire() {
        for text in [
            "I will contact my lawyer",
            "I'm going to sue you",
            "see you in court",
            "Ich schalte meinen Anwalt ein",
            "Jag ska kontakta en advokat",
            "Je vais porter plainte",
            "Voy a llamar a mi abogado",
            "J'appelle mon avocat",
            "Je vais contacter un avocat",
            "Los llevaré a juicio",
            "Esto terminará en un juicio",
        ] {
            assert_eq!(topic(text), Some(SensitiveTopic::Legal), "{text}");
        }
    }

    #[test]
    fn everyday_shop_questions_do_not_fire() {
        for text in [
            "This dress is to die for",
            "Any killer deals this week?",
            "My phone battery died while paying",
            "Do you accept credit cards?",
            "My card was declined",
            "My card was charged twice",
            "The parcel was stolen from my porch",
            "Can I pay with a gift card?",
            "Are these court shoes?",
            "Is the suede waterproof?",
            "Can Sue collect my parcel?",
            "I'd like to file a complaint about the delivery",
            "Quiero el morado en talla M",
            "Kann ich mein Konto löschen?",
            // Words that begin like a trigger, or mean something else here.
            "Do you have scampi?",
            "Die Versandkosten betrugen 20 Euro",
            "Someone stole the cardboard box from my porch",
            "Avez-vous des avocats bio ?",
            "A mi juicio la talla es pequeña",
        ] {
            assert_eq!(topic(text), None, "{text}");
        }
    }
}
