//! The assistant in a real browser (headless Chromium through `wasm-bindgen-test-runner`):
//! compile a small knowledge base, ship it through the binary format, and decide.
#![cfg(target_arch = "wasm32")]

use tandem_assistant::{
    Conversation, Decision, HandoffReason, KnowledgeBase, Model, compile, decide,
};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const KB: &str = r#"
[site]
name = "Browser shop"
greeting = "Hi"

[[entry]]
id = "delivery"
title = "Delivery times"
phrasings = ["how long does delivery take", "when will my parcel arrive", "shipping time",
  "how many days until my order comes", "delivery duration"]
answer = "2-4 days."

[[entry]]
id = "returns"
title = "Returns"
phrasings = ["how do I return shoes", "can I send this back", "return policy",
  "I want to return my order", "free returns"]
answer = "30 days."
"#;

#[wasm_bindgen_test]
fn decides_in_the_browser() {
    let kb = KnowledgeBase::parse(KB).expect("valid knowledge base");
    let bytes = compile(&kb).model.to_bytes();
    let model = Model::from_bytes(&bytes).expect("the model loads");
    let mut conversation = Conversation::new();
    let decision = decide(&model, &mut conversation, "Can I return these shoes?");
    let Decision::Answer { entry, .. } = decision else {
        panic!("expected an answer, got {decision:?}");
    };
    assert_eq!(model.entry(entry).id, "returns");
    let decision = decide(
        &model,
        &mut conversation,
        "My card 4242 4242 4242 4242 was stolen",
    );
    assert!(matches!(
        decision,
        Decision::Handoff {
            reason: HandoffReason::Sensitive,
            ..
        }
    ));
    assert_eq!(conversation.turns[1].text, "My card •••• 4242 was stolen");
}
