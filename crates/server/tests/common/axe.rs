//! Accessibility checks in the page under test: axe-core (installed by `cargo xtask test`,
//! which puts the path of its `axe.min.js` in `TANDEM_AXE`) with every rule it applies by
//! default (WCAG 2 A and AA, and its best practices), in the current frame's document.

use fantoccini::Client;

/// Fails the test with every violation axe finds in the current frame, saying `what` it
/// checked.
pub async fn assert_accessible(client: &Client, what: &str) {
    let path = std::env::var("TANDEM_AXE").expect(
        "TANDEM_AXE: the path of axe-core's axe.min.js (`cargo xtask test` installs it and sets it)",
    );
    let script = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    client.execute(&script, vec![]).await.unwrap();
    let found = client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             axe.run(document).then(r => done(r.violations.map(v => \
               `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)));",
            vec![],
        )
        .await
        .unwrap();
    let problems: Vec<String> = serde_json::from_value(found).unwrap();
    assert!(problems.is_empty(), "{what}: {problems:#?}");
}
