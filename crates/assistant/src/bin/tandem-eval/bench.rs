//! The benchmark: compile a training set, then run every test query through the assistant.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::Serialize;
use tandem_assistant::compile::{CompileReport, compile};
use tandem_assistant::conversation::Conversation;
use tandem_assistant::decide::{Decision, decide, suggest};
use tandem_assistant::eval::{Metrics, Outcome, Route};
use tandem_assistant::model::Model;

use crate::dataset;

#[derive(clap::Args)]
pub struct Args {
    /// Training CSV (`text`, `label` or `category`): each label becomes an entry.
    #[arg(long, required = true)]
    train: Option<PathBuf>,
    /// Test CSV with the same columns.
    #[arg(long, required = true)]
    test: Option<PathBuf>,
    /// Test label meaning "not covered by the knowledge base" (e.g. `oos`).
    #[arg(long)]
    oos_label: Option<String>,
    /// Write one row per test query: text,label,predicted,confidence,decision.
    #[arg(long)]
    predictions: Option<PathBuf>,
    /// Print the figures as one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    /// Precision target of the knowledge base (default 0.95).
    #[arg(long)]
    target_precision: Option<f64>,
    /// Also write the compiled model here (for the browser benchmark).
    #[arg(long)]
    save_model: Option<PathBuf>,
}

#[derive(Serialize)]
struct Figures {
    #[serde(flatten)]
    metrics: Metrics,
    model_bytes: usize,
    model_gzip_bytes: usize,
    compile_seconds: f64,
    decision_p50_us: f64,
    decision_p99_us: f64,
    threshold: f32,
    cv_accuracy: f64,
    cv_expected_answered: f64,
    cv_expected_precision: f64,
}

pub fn run(args: &Args) -> Result<()> {
    let (Some(train_path), Some(test_path)) = (&args.train, &args.test) else {
        unreachable!("clap requires both");
    };
    let train = dataset::read(train_path)?;
    let test = dataset::read(test_path)?;
    let kb = dataset::knowledge_base(&train, args.target_precision);

    let started = Instant::now();
    let compiled = compile(&kb);
    let compile_seconds = started.elapsed().as_secs_f64();
    let bytes = compiled.model.to_bytes();
    if let Some(path) = &args.save_model {
        std::fs::write(path, &bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    let model = Model::from_bytes(&bytes).context("reloading the model")?;

    let mut outcomes = Vec::with_capacity(test.len());
    let mut times = Vec::with_capacity(test.len());
    for row in &test {
        // Each query opens a new conversation, as a shopper's first message would.
        let started = Instant::now();
        let decision = decide(&model, &mut Conversation::new(), &row.text);
        times.push(started.elapsed());
        let best = suggest(&model, &row.text, 1)[0];
        let label = if args.oos_label.as_deref() == Some(row.label.as_str()) {
            None
        } else {
            model.entry_index(&row.label)
        };
        outcomes.push(Outcome {
            label,
            predicted: best.entry,
            confidence: best.confidence,
            route: match decision {
                Decision::Answer { .. } => Route::Answered,
                Decision::Clarify { .. } => Route::Clarified,
                Decision::Unsure { .. } => Route::Unsure,
                Decision::Handoff { .. } => Route::HandedOver,
            },
        });
    }
    if let Some(path) = &args.predictions {
        write_predictions(path, &test, &outcomes, &model)?;
    }
    times.sort();
    let figures = Figures {
        metrics: Metrics::of(&outcomes),
        model_bytes: bytes.len(),
        model_gzip_bytes: gzip_len(&bytes)?,
        compile_seconds,
        decision_p50_us: micros(percentile(&times, 0.50)),
        decision_p99_us: micros(percentile(&times, 0.99)),
        threshold: compiled.report.threshold,
        cv_accuracy: compiled.report.accuracy,
        cv_expected_answered: compiled.report.expected_answered,
        cv_expected_precision: compiled.report.expected_precision,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&figures)?);
    } else {
        print_table(&figures, &compiled.report);
    }
    Ok(())
}

fn write_predictions(
    path: &PathBuf,
    test: &[dataset::Row],
    outcomes: &[Outcome],
    model: &Model,
) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
    w.write_record(["text", "label", "predicted", "confidence", "decision"])?;
    for (row, o) in test.iter().zip(outcomes) {
        let route = serde_json::to_value(o.route)?;
        w.write_record([
            row.text.as_str(),
            row.label.as_str(),
            model.entry(o.predicted).id.as_str(),
            &format!("{:.4}", o.confidence),
            route.as_str().unwrap_or_default(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?.len())
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn print_table(f: &Figures, r: &CompileReport) {
    let m = &f.metrics;
    let pct = |x: f64| format!("{:.2} %", 100.0 * x);
    println!(
        "queries                      {} ({} covered)",
        m.queries, m.covered
    );
    println!("top-1 accuracy (covered)     {}", pct(m.top1_accuracy));
    println!(
        "answered / clarified / unsure / handed over   {} / {} / {} / {}",
        pct(m.answered),
        pct(m.clarified),
        pct(m.unsure),
        pct(m.handed_over)
    );
    println!("answered precision           {}", pct(m.answered_precision));
    println!("share answered at 95 % prec. {}", pct(m.answered_at_95));
    println!("share answered at 99 % prec. {}", pct(m.answered_at_99));
    println!("AURC                         {:.4}", m.aurc);
    if let (Some(auroc), Some(recall)) = (m.oos_auroc, m.oos_recall) {
        println!("out-of-scope AUROC           {auroc:.4}");
        println!("out-of-scope recall          {}", pct(recall));
    }
    println!(
        "model size                   {} B raw, {} B gzip",
        f.model_bytes, f.model_gzip_bytes
    );
    println!(
        "ensemble                     {} networks, 2^{} buckets, {} hidden",
        r.ensemble.members, r.ensemble.bits, r.ensemble.hidden
    );
    println!("compile time                 {:.1} s", f.compile_seconds);
    println!(
        "decision time                p50 {:.0} µs, p99 {:.0} µs",
        f.decision_p50_us, f.decision_p99_us
    );
    println!(
        "threshold {:.4} (temperature {:.3}); cross-validated: accuracy {}, answered {} at precision {}",
        r.threshold,
        r.temperature,
        pct(r.accuracy),
        pct(r.expected_answered),
        pct(r.expected_precision)
    );
}
