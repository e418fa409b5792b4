//! Building the widget: `trunk build --release` into `dist/`, which the server serves.

use std::process::Command;

use crate::{run, tools::Tools};

/// Builds the widget's release build (wasm-opt `-Oz`) into `dist/`.
pub fn build(tools: &Tools) -> anyhow::Result<()> {
    run::status(
        Command::new("trunk")
            .args(["build", "--release"])
            .current_dir(crate::workspace_root())
            .env("PATH", &tools.path),
    )
}
