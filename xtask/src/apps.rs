//! Building the browser apps with `trunk build --release`: the widget into `dist/` and the
//! agent console into `crates/console/dist/`, both served by the server.

use std::process::Command;

use crate::{run, tools::Tools};

/// Builds the widget's and the console's release builds (wasm-opt `-Oz` and `-Os`).
pub fn build(tools: &Tools) -> anyhow::Result<()> {
    let root = crate::workspace_root();
    for dir in [root.clone(), root.join("crates/console")] {
        run::status(
            Command::new("trunk")
                .args(["build", "--release"])
                .current_dir(dir)
                .env("PATH", &tools.path),
        )?;
    }
    Ok(())
}
