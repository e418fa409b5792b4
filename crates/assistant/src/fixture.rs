//! A small knowledge base, compiled once, shared by the tests of this crate's modules and,
//! through the `fixture` feature, by the tests of the crates that use the assistant (the
//! widget, the console), so they all test against one shop.

use std::sync::OnceLock;

use crate::compile::{Compiled, compile};
use crate::kb::KnowledgeBase;

/// The knowledge base's text: six entries, one of them for people only (`chargeback`).
pub const KB: &str = r#"
[site]
name = "Test shop"
greeting = "Hi!"
target_precision = 0.9

[safety]
fraud = "Do not type card numbers; a person is coming."

[[entry]]
id = "delivery-time"
title = "Delivery times"
phrasings = ["how long does delivery take", "when will my parcel arrive", "delivery time to germany",
  "how many days for shipping", "how fast do you ship", "when does my order come", "shipping duration",
  "how long until my package arrives"]
answer = "2-4 working days. [Tracking](https://shop.example/track)"
follow_ups = ["returns"]

[[entry]]
id = "returns"
title = "Returns"
phrasings = ["how do I return an item", "can I send this back", "return policy", "I want to return my shoes",
  "how many days do I have to return", "return a jacket", "send back an order", "is return free"]
answer = "30 days, free."

[[entry]]
id = "payment"
title = "Payment methods"
phrasings = ["which payment methods do you accept", "can I pay with paypal", "do you take credit cards",
  "pay by invoice", "is klarna available", "can I use apple pay", "payment options", "pay with visa"]
answer = "Cards, PayPal, Klarna."

[[entry]]
id = "sizes"
title = "Size guide"
phrasings = ["what size should I take", "size chart", "do your shoes run small", "which size fits me",
  "size guide for jeans", "are sizes european", "how do sizes compare", "measure my foot size"]
answer = "See the [size guide](https://shop.example/sizes)."

[[entry]]
id = "discount"
title = "Promo codes"
phrasings = ["my discount code does not work", "where do I enter a promo code", "voucher code",
  "do you have a discount", "coupon not accepted", "promo code invalid", "student discount", "newsletter code"]
answer = "Enter it at checkout."

[[entry]]
id = "chargeback"
title = "Payment disputes"
phrasings = ["I want to dispute a charge", "chargeback", "I was charged but did not order", "dispute payment",
  "open a dispute with my bank", "reverse the charge", "contest a payment", "I did not authorise this"]
answer = "A colleague takes disputes personally."
handoff = "always"
"#;

/// The knowledge base, compiled (once per test run).
pub fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| compile(&KnowledgeBase::parse(KB).expect("fixture parses")))
}
