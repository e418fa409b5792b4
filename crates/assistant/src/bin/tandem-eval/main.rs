//! `tandem-eval`: measure, try and check a knowledge base from the command line.
//!
//! - `tandem-eval --train T.csv --test S.csv [--oos-label L] [--predictions P.csv] [--json]`
//!   compiles the training set into a model and reports accuracy, precision, coverage,
//!   out-of-scope detection, model size and speed on the test set ([`mod@bench`]).
//! - `tandem-eval chat --kb FILE` answers one shopper message per line of stdin with one JSON
//!   decision per line; a blank line starts a new conversation ([`chat`]).
//! - `tandem-eval check --kb FILE` prints the lint and the cross-validated report.
//! - `tandem-eval compile --kb FILE --out MODEL` writes the binary model the widget loads.
//!
//! All file reading and timing happen here; the library does no I/O.

mod bench;
mod chat;
mod dataset;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, anyhow};
use clap::{Parser, Subcommand};
use tandem_assistant::compile::{Compiled, compile};
use tandem_assistant::kb::KnowledgeBase;

#[derive(Parser)]
#[command(version, about = "Measure, try and check a Tandem knowledge base")]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    bench: bench::Args,
}

#[derive(Subcommand)]
enum Command {
    /// Answer shopper messages from stdin, one JSON decision per line.
    Chat {
        #[arg(long)]
        kb: PathBuf,
    },
    /// Lint and cross-validate a knowledge base.
    Check {
        #[arg(long)]
        kb: PathBuf,
    },
    /// Compile a knowledge base into the binary model the widget loads.
    Compile {
        #[arg(long)]
        kb: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // `{:#}` prints the whole chain on one line; a merchant needs no backtrace.
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        None => bench::run(&cli.bench),
        Some(Command::Chat { kb }) => chat::run(&compile_file(&kb)?.model),
        Some(Command::Check { kb }) => {
            let report = tandem_assistant::check::report(&read_kb(&kb)?);
            println!("{report}");
            Ok(())
        }
        Some(Command::Compile { kb, out }) => {
            let compiled = compile_file(&kb)?;
            let bytes = compiled.model.to_bytes();
            std::fs::File::create(&out)
                .and_then(|mut f| f.write_all(&bytes))
                .with_context(|| format!("writing {}", out.display()))?;
            eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
            Ok(())
        }
    }
}

fn read_kb(path: &Path) -> Result<KnowledgeBase> {
    let src =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    KnowledgeBase::parse(&src)
        .map_err(|e| anyhow!("{} is not a valid knowledge base:\n{e}", path.display()))
}

/// Compiles a knowledge base file, telling stderr what it cost and what to expect.
fn compile_file(path: &Path) -> Result<Compiled> {
    let kb = read_kb(path)?;
    let started = Instant::now();
    let compiled = compile(&kb);
    let r = &compiled.report;
    eprintln!(
        "compiled {} entries in {:.1} s: threshold {:.3}, cross-validated {:.1} % answered at {:.1} % precision",
        r.entries,
        started.elapsed().as_secs_f64(),
        r.threshold,
        100.0 * r.expected_answered,
        100.0 * r.expected_precision
    );
    Ok(compiled)
}
