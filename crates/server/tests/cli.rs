//! The `tandem` command line: checking knowledge bases.

use std::process::Command;

const TANDEM: &str = env!("CARGO_BIN_EXE_tandem");

fn check(kb: &str, strict: bool) -> std::process::Output {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("kb.toml");
    std::fs::write(&path, kb).unwrap();
    let mut command = Command::new(TANDEM);
    command.args(["kb", "check"]).arg(&path);
    if strict {
        command.arg("--strict");
    }
    command.output().unwrap()
}

const SMALL_KB: &str = r#"
[site]
name = "Tiny Shop"
greeting = "Hello!"

[[entry]]
id = "returns"
title = "Returns"
phrasings = ["how do I return shoes", "can I send this back", "return policy", "refund for a return", "returns", "send back an item"]
answer = "Within 30 days: [returns portal](https://tiny.example/returns)."

[[entry]]
id = "delivery"
title = "Delivery"
phrasings = ["how long does delivery take", "when will my parcel arrive", "shipping time", "delivery days", "where is my order", "parcel late"]
answer = "2-4 working days."

[[entry]]
id = "payment"
title = "Payment"
phrasings = ["can I pay with paypal", "which payment methods", "pay by card", "invoice payment", "pay later", "klarna"]
answer = "Card, PayPal or invoice. See [payment](ftp://tiny.example/pay)."
"#;

#[test]
fn a_broken_knowledge_base_gets_every_error_with_its_line() {
    let output = check(
        "[site]\nname = \"x\"\n[[entry]]\nid = \"A B\"\ntitle = 3\n",
        false,
    );
    assert_eq!(output.status.code(), Some(1));
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(errors.contains("line 4, column 6"), "{errors}");
    assert!(errors.contains("line 5, column 9"), "{errors}");
    assert!(errors.contains("\"A B\""), "{errors}");
}

#[test]
fn a_valid_knowledge_base_gets_lint_and_its_expected_quality() {
    let output = check(SMALL_KB, false);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(report.contains("Tiny Shop"), "{report}");
    assert!(report.contains("Expected quality"), "{report}");
    assert!(
        report.contains("ftp://tiny.example/pay"),
        "the lint names the non-http link: {report}"
    );
    // The warning makes --strict fail.
    assert_eq!(check(SMALL_KB, true).status.code(), Some(2));
}
