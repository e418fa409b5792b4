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

/// The assistant's test shop, with one link the lint must flag.
fn small_kb() -> String {
    format!(
        "{}{}",
        tandem_assistant::fixture::KB,
        r#"
[[entry]]
id = "invoice"
title = "Invoices"
phrasings = ["where is my invoice", "send me a receipt", "download the invoice", "vat receipt",
  "invoice for my order", "I need a bill", "company invoice", "receipt by email"]
answer = "See [invoices](ftp://tiny.example/pay)."
"#
    )
}

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
    let output = check(&small_kb(), false);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(report.contains("Test shop"), "{report}");
    assert!(report.contains("Expected quality"), "{report}");
    assert!(
        report.contains("ftp://tiny.example/pay"),
        "the lint names the non-http link: {report}"
    );
    // The warning makes --strict fail.
    assert_eq!(check(&small_kb(), true).status.code(), Some(2));
}
