//! `cargo xtask bench <what>`: measurements that print figures, for `BENCHMARKS.md`.
//!
//! - `size`: builds the widget and prints what a shopper downloads, gzip-compressed
//!   (level 9, like the size tests).
//! - `handoff`, `relay`: the server's load benchmark (`crates/server/benches/load.rs`)
//!   against a `tandem serve` built with the `server` profile; flags after the scenario go
//!   to it (`--queued`, `--samples`, `--shoppers`, `--rate`, `--seconds`, `--database-url`).

use std::{io::Write, path::Path, process::Command};

use anyhow::bail;
use flate2::{Compression, write::GzEncoder};

use crate::{apps, loader, run, tools};

const USAGE: &str =
    "usage: cargo xtask bench <size | handoff | relay> [flags for the load benchmark]";

pub fn run() -> anyhow::Result<()> {
    match std::env::args().nth(2).as_deref() {
        Some("size") => size(),
        Some(scenario @ ("handoff" | "relay")) => load(scenario),
        _ => bail!(USAGE),
    }
}

/// Builds the server for speed and runs the load generator against it, with as many open
/// files as the system allows (10,000 connections need more than the usual 1,024).
fn load(scenario: &str) -> anyhow::Result<()> {
    let root = crate::workspace_root();
    run::status(
        Command::new("cargo")
            .args([
                "build",
                "-p",
                "tandem-server",
                "--bin",
                "tandem",
                "--profile",
                "server",
            ])
            .current_dir(&root),
    )?;
    let flags: Vec<String> = std::env::args().skip(3).collect();
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg("ulimit -n \"$(ulimit -Hn)\" && exec \"$@\"")
        .arg("sh")
        .args([
            "cargo",
            "bench",
            "-p",
            "tandem-server",
            "--bench",
            "load",
            "--",
            scenario,
        ])
        .args(&flags)
        .current_dir(&root)
        .env("TANDEM_BIN", root.join("target/server/tandem"));
    run::status(&mut command)
}

fn gzip_len(bytes: &[u8]) -> anyhow::Result<usize> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}

fn size() -> anyhow::Result<()> {
    let tools = tools::for_build()?;
    loader::minify(&tools)?;
    apps::build(&tools)?;
    let root = crate::workspace_root();
    let report = |name: &str, path: &Path| -> anyhow::Result<usize> {
        let bytes = std::fs::read(path)?;
        let gzip = gzip_len(&bytes)?;
        println!(
            "{name:<44} {:>8} bytes raw {gzip:>8} bytes gzip",
            bytes.len()
        );
        Ok(gzip)
    };
    report(
        "embed/embed.min.js (served as /embed.js)",
        &root.join("embed/embed.min.js"),
    )?;
    let mut first_open = 0;
    let mut files: Vec<_> = std::fs::read_dir(root.join("dist"))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.sort();
    for path in files.iter().filter(|p| p.is_file()) {
        let name = format!(
            "dist/{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        first_open += report(&name, path)?;
    }
    println!(
        "{:<44} {:>23} bytes gzip (budget 102400)",
        "widget first open (all of dist/)", first_open
    );
    Ok(())
}
