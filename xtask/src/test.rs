//! `cargo xtask test`: every test, in the order that fails fastest, with a summary at the end.
//!
//! 0. `embed.min.js` written from `embed.js` (under CI: checked to be current, see `loader`);
//! 1. native: `cargo test --workspace` (against PostgreSQL too when `TANDEM_TEST_DATABASE_URL`
//!    is set, as `.ci/run` does);
//! 2. browser: the `wasm-bindgen-test` suites in headless Chromium;
//! 3. the release builds of the widget and the agent console;
//! 4. size budgets on that build, and the end-to-end tests driving Chromium against a real
//!    server.
//!
//! A failed step does not stop the independent ones after it, so one run shows everything
//! that is wrong; the exit status is non-zero if anything failed.

use std::{
    process::Command,
    time::{Duration, Instant},
};

use anyhow::bail;

use crate::{apps, loader, run, tools};

/// Packages with `wasm-bindgen-test` suites.
const BROWSER_SUITES: &[&str] = &["tandem-widget", "tandem-console", "tandem-assistant"];

struct Step {
    name: &'static str,
    outcome: Result<(), String>,
    took: Duration,
}

#[derive(Default)]
struct Report(Vec<Step>);

impl Report {
    fn step(&mut self, name: &'static str, work: impl FnOnce() -> anyhow::Result<()>) -> bool {
        eprintln!("\n==> {name}");
        let start = Instant::now();
        let outcome = work().map_err(|e| format!("{e:#}"));
        let ok = outcome.is_ok();
        self.0.push(Step {
            name,
            outcome,
            took: start.elapsed(),
        });
        ok
    }

    fn skip(&mut self, name: &'static str, why: &str) {
        self.0.push(Step {
            name,
            outcome: Err(format!("skipped: {why}")),
            took: Duration::ZERO,
        });
    }

    fn print(&self) {
        println!("\nSummary of cargo xtask test:");
        for step in &self.0 {
            match &step.outcome {
                Ok(()) => println!(
                    "  ok      {:<58} {:>6.1}s",
                    step.name,
                    step.took.as_secs_f64()
                ),
                Err(why) => println!(
                    "  FAILED  {:<58} {:>6.1}s  {why}",
                    step.name,
                    step.took.as_secs_f64()
                ),
            }
        }
    }

    fn failures(&self) -> usize {
        self.0.iter().filter(|s| s.outcome.is_err()).count()
    }
}

pub fn run() -> anyhow::Result<()> {
    let tools = tools::for_tests()?;
    tools::postgres_if_requested()?;
    let root = crate::workspace_root();
    let cargo = || {
        let mut command = Command::new("cargo");
        command
            .current_dir(&root)
            .env("PATH", &tools.path)
            .env("CHROMEDRIVER", &tools.chromedriver);
        command
    };

    let mut report = Report::default();
    report.step("embed/embed.min.js is embed/embed.js minified", || {
        loader::minify(&tools)
    });
    report.step("native tests: cargo test --workspace", || {
        run::status(cargo().args(["test", "--workspace"]))
    });
    report.step(
        "browser tests: wasm-bindgen-test in headless Chromium",
        || {
            let mut command = cargo();
            command
                .args(["test", "--target", "wasm32-unknown-unknown"])
                .env(
                    "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                    "wasm-bindgen-test-runner",
                );
            for package in BROWSER_SUITES {
                command.args(["-p", package]);
            }
            run::status(&mut command)
        },
    );
    let built = report.step(
        "release builds of the widget and the console: trunk build --release",
        || apps::build(&tools),
    );
    let last = "size budgets and end-to-end tests in headless Chromium";
    if built {
        report.step(last, || {
            run::status(cargo().env("TANDEM_AXE", &tools.axe).args([
                "test",
                "-p",
                "tandem-server",
                "--test",
                "size",
                "--test",
                "e2e",
                "--test",
                "e2e_console",
                "--test",
                "e2e_widget",
                "--",
                "--ignored",
                "--test-threads=1",
            ]))
        });
    } else {
        report.skip(last, "the widget or the console did not build");
    }

    report.print();
    match report.failures() {
        0 => Ok(()),
        n => bail!("{n} of {} steps failed", report.0.len()),
    }
}
