//! The assistant in a real browser (headless Chromium through `wasm-bindgen-test-runner`):
//! compile the test shop's knowledge base, ship it through the binary format, and decide.
#![cfg(target_arch = "wasm32")]

use tandem_assistant::{
    Conversation, Decision, HandoffReason, KnowledgeBase, Model, compile, decide, fixture,
};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn decides_in_the_browser() {
    let kb = KnowledgeBase::parse(fixture::KB).expect("valid knowledge base");
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
