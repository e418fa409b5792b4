//! The assistant that answers first: a merchant's knowledge base compiled into a small model
//! that answers, asks which topic was meant, or hands over to a person, inside the shopper's
//! browser.
//!
//! The assistant only ever shows text the merchant wrote, answers only where its measured
//! precision meets the merchant's target, and hands over whenever a person is the better
//! help. The crate does no I/O and compiles for `wasm32-unknown-unknown` and native: the
//! widget runs [`decide()`], the server compiles and checks knowledge bases and masks card
//! numbers, the agent console uses [`suggest`]. The `tandem-eval` binary (feature `cli`,
//! on by default) measures, scripts and checks knowledge bases from the command line.
//!
//! # From a knowledge base file to a decision
//!
//! ```text
//! kb.toml ──KnowledgeBase::parse──► KnowledgeBase ──compile──► Compiled { model, report }
//!              (KbErrors: all of them,      │                          │ to_bytes / from_bytes
//!               with line, column, entry)   └──lint / check::report    ▼
//!                                                               Model (in the browser)
//! shopper text ──decide(&model, &mut conversation, text)──► Decision
//!                   mask card numbers → triggers (sensitive, asked, frustration)
//!                   → classifier probabilities → policy (answer / clarify / unsure)
//! ```
//!
//! - [`kb`]: the file format and its parser; [`lint`]: warnings about a valid file.
//! - [`compile()`](compile::compile): cross-validates the phrasings, picks the confidence
//!   threshold for the target precision, trains the shipped classifier. Inside: `features`
//!   (hashed word, character and word-pair features), `network` and `train` (one small
//!   neural network), `classifier` (an ensemble of three, each hashing differently), `calibrate`
//!   (folds, temperature, threshold), `policy` (answer / clarify / unsure).
//! - [`model`]: the compiled [`Model`] and its binary format (magic, version, CRC-32; the same
//!   knowledge base always gives the same bytes).
//! - [`decide`](mod@decide): [`Decision`]s, with [`triggers`] for the handoffs that do not
//!   depend on the classifier; [`conversation`]: the state it keeps.
//! - [`answer`]: answers split into text and `http(s)` links, so no UI renders HTML.
//! - [`mask`]: card numbers become `•••• 4242` before text leaves the browser or is stored.
//! - [`check`]: the report behind `tandem kb check`; [`eval`]: the benchmark's arithmetic.
//!
//! # The API
//!
//! ```
//! use tandem_assistant::{Conversation, Decision, KnowledgeBase, Model, compile, decide};
//!
//! # let src = r#"
//! # [site]
//! # name = "Acme"
//! # greeting = "Hi!"
//! # [[entry]]
//! # id = "returns"
//! # title = "Returns"
//! # phrasings = ["how do I return shoes", "can I send this back", "return policy", "refund for a return", "returns"]
//! # answer = "Within 30 days: [returns portal](https://acme.example/returns)."
//! # [[entry]]
//! # id = "delivery"
//! # title = "Delivery times"
//! # phrasings = ["how long does delivery take", "when will my parcel arrive", "shipping time", "delivery days", "where is my order"]
//! # answer = "2-4 working days."
//! # "#;
//! let kb = KnowledgeBase::parse(src).expect("errors carry line, column and entry id");
//! let bytes = compile(&kb).model.to_bytes(); // what the server ships to the widget
//! let model = Model::from_bytes(&bytes).unwrap();
//!
//! let mut conversation = Conversation::new();
//! match decide(&model, &mut conversation, "Can I send my shoes back?") {
//!     Decision::Answer { entry, confidence } => println!("{} ({confidence:.2})", model.entry(entry).answer),
//!     Decision::Clarify { candidates } => println!("Which one? {candidates:?}"),
//!     Decision::Unsure { candidates } => println!("Not sure; maybe {candidates:?}, or rephrase"),
//!     Decision::Handoff { reason, safety_line, .. } => println!("A person takes over: {reason:?} {safety_line:?}"),
//! }
//! ```
//!
//! Also: [`choose`] (a button press), [`feedback`] ("did this help?"), [`suggest`] (top-k for
//! agents), [`lint()`](lint::lint), [`check::report`], [`answer::segments`],
//! [`mask_card_numbers`].
//!
//! # Knowledge base format
//!
//! ```toml
//! [site]
//! name = "Acme Outfitters"
//! language = "en"                 # BCP 47 tag (default "en")
//! greeting = "Hi! Ask me about orders, delivery, returns or sizes."
//! target_precision = 0.95         # share of direct answers that must be right (default)
//!
//! [safety]                        # optional: lines shown when a person takes a sensitive topic
//! self_harm = "If you are in danger, call 112 now. A person is joining."
//! fraud = "Please do not type card numbers. A person is joining."
//! legal = "A person from our team is joining."
//!
//! [[entry]]
//! id = "returns-policy"           # lowercase letters, digits, - and _
//! title = "Returning an item"     # shown on clarification buttons
//! phrasings = ["How do I return something?", "Can I send my shoes back?", "return policy"]
//! answer = "Within 30 days, free: [returns portal](https://acme.example/returns)."
//! follow_ups = ["refund-time"]    # optional: entries suggested after this answer
//!
//! [[entry]]
//! id = "payment-dispute"
//! title = "Payment disputes"
//! phrasings = ["I want to dispute a charge", "chargeback"]
//! answer = "A person from our payments team is joining."   # shown as the safety line
//! handoff = "always"              # optional: only a person handles this topic
//! ```
//!
//! The demo shop's full knowledge base is `crates/server/demo/kb.toml`.
//!
//! # Deciding
//!
//! Answer when the best entry's probability reaches the threshold calibrated for the target
//! precision; clarify when the best two or three together reach the clarify threshold
//! (calibrated so the right entry is among them as often); otherwise say it is unsure
//! (offering the best guesses or a rephrase), and hand over the second time in a row. Before the
//! classifier, a sensitive topic (self-harm, a stolen card or fraud, a legal threat), a request
//! for a person or frustration hands over at once; an entry marked `handoff = "always"` hands
//! over when recognised; a second "this did not help" hands over.

pub mod answer;
mod calibrate;
pub mod check;
mod classifier;
pub mod compile;
pub mod conversation;
pub mod decide;
pub mod eval;
mod features;
pub mod kb;
pub mod lint;
pub mod mask;
pub mod model;
mod network;
mod policy;
mod rng;
mod text;
mod train;
pub mod triggers;

#[cfg(any(test, feature = "fixture"))]
pub mod fixture;

pub use compile::{Compiled, compile};
pub use conversation::Conversation;
pub use decide::{Candidate, Decision, HandoffReason, choose, decide, feedback, suggest};
pub use kb::{KbErrors, KnowledgeBase};
pub use mask::mask_card_numbers;
pub use model::{Model, ModelError};

// The crate's own tests that also run in the browser (`#[wasm_bindgen_test]` under wasm32)
// run in headless Chromium, as the widget does.
#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
