//! The loader a merchant's page runs, `embed/embed.js`, minified by terser into
//! `embed/embed.min.js`, which the server serves (and `include_str!`s, so a plain `cargo build`
//! needs no Node). The minified file is committed; `demo` and `test` write it afresh first,
//! and under CI (`CI=true`) a difference from the committed file fails the run, so what ships
//! is always the readable source's minification.

use std::process::Command;

use anyhow::{Context, bail};

use crate::{run, tools::Tools};

/// Writes `embed/embed.min.js` from `embed/embed.js`; says so when it changed, and under CI
/// fails instead, since the committed file was stale.
pub fn minify(tools: &Tools) -> anyhow::Result<()> {
    let dir = crate::workspace_root().join("embed");
    let minified = dir.join("embed.min.js");
    let before = std::fs::read(&minified).unwrap_or_default();
    run::status(
        Command::new(&tools.terser)
            .arg(dir.join("embed.js"))
            .args(["--compress", "--mangle", "--output"])
            .arg(&minified),
    )?;
    let after = std::fs::read(&minified).context("reading terser's output")?;
    if after == before {
        return Ok(());
    }
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        bail!(
            "embed/embed.min.js was not terser's minification of embed/embed.js: \
             run `cargo xtask test` (or `demo`) and commit it"
        );
    }
    eprintln!("note: embed/embed.min.js written afresh from embed/embed.js: commit it");
    Ok(())
}
