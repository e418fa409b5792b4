//! `cargo xtask`: the two commands a new machine needs, and the benchmarks.
//!
//! - `cargo xtask demo`: installs what is missing, builds the widget and the agent console,
//!   runs the server on its embedded defaults and prints the demo page's address and a demo
//!   agent's sign-in.
//! - `cargo xtask test`: installs what is missing and runs every test: native, WebAssembly in
//!   headless Chromium, size budgets and end to end.
//!
//! - `cargo xtask bench <what>`: measurements that print figures for `BENCHMARKS.md`.
//!
//! `tools` knows how to find or install each tool, `run` runs commands, `loader` minifies
//! `embed.js`, `apps` builds the widget and the console (`shrink` makes the widget's build
//! smaller), and `demo`, `test` and `bench` are the procedures.

mod apps;
mod bench;
mod demo;
mod loader;
mod run;
mod shrink;
mod test;
mod tools;

use std::path::PathBuf;

const USAGE: &str = "usage: cargo xtask <demo | test | bench WHAT>

  demo        build the widget and run Tandem's demo at http://127.0.0.1:8080/demo
  test        run every test (native, wasm in headless Chromium, size budgets, end to end)
  bench size     print the gzip sizes of embed.js and the widget's release build
  bench handoff  handoff latency to the agent console, empty queue and with 1,000 waiting
  bench relay    relay latency with 10,000 open shopper connections at 2,000 msg/s";

fn main() {
    let command = std::env::args().nth(1);
    let result = match command.as_deref() {
        Some("demo") => demo::run(),
        Some("test") => test::run(),
        Some("bench") => bench::run(),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(error) = result {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

/// The workspace root (xtask lives one level below it).
fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}
