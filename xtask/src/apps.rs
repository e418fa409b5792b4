//! Building the browser apps with `trunk build --release`: the widget into `dist/` and the
//! agent console into `crates/console/dist/`, both served by the server.
//!
//! The widget is built for its 100 KB first-open budget, with two steps beyond Trunk's:
//! - its own standard library, compiled with `-Cpanic=immediate-abort`: a panic stops the
//!   widget at once (as `panic = "abort"` already does) without first formatting a message,
//!   so the formatting machinery and every panic's text and location leave the wasm
//!   (17 KB gzip, measured). Building `std` is unstable in cargo and rustc, so this build alone
//!   runs with `RUSTC_BOOTSTRAP=1`, in its own target directory (`target/widget`) so that the
//!   other builds and the tests keep theirs;
//! - `shrink`: short import and export names in the wasm and its glue, and the glue minified.
//!
//! The console is not budgeted and keeps panic messages, for agents' bug reports.

use std::process::Command;

use crate::{run, shrink, tools::Tools};

/// Builds the widget's and the console's release builds (wasm-opt `-Oz` and `-Os`).
pub fn build(tools: &Tools) -> anyhow::Result<()> {
    let root = crate::workspace_root();
    // Trunk builds offline, and a machine that has never built std lacks std's own
    // dependencies (the project's are fetched by the builds before): fetch them first.
    run::status(
        with_own_std(Command::new("cargo").args(["fetch", "--target", "wasm32-unknown-unknown"]))
            .current_dir(&root),
    )?;
    run::status(
        with_own_std(Command::new("trunk").args(["build", "--release"]))
            .current_dir(&root)
            .env("PATH", &tools.path)
            .env("CARGO_TARGET_DIR", root.join("target/widget"))
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
                "-Cpanic=immediate-abort -Zunstable-options",
            ),
    )?;
    shrink::widget(tools, &root.join("dist"))?;
    run::status(
        Command::new("trunk")
            .args(["build", "--release"])
            .current_dir(root.join("crates/console"))
            .env("PATH", &tools.path),
    )
}

/// Has cargo build the standard library for the wasm target from source.
fn with_own_std(command: &mut Command) -> &mut Command {
    command
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
}
