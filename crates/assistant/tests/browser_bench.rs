//! Decision time in the browser, on a model and test queries chosen when the test is built.
//!
//! Not part of the normal test run (feature `browser-bench`); it prints figures and asserts
//! nothing about time. `BENCHMARKS.md` has the command, which first compiles the BANKING77
//! model with `tandem-eval --save-model`.
#![cfg(all(target_arch = "wasm32", feature = "browser-bench"))]

use tandem_assistant::{Conversation, Model, decide};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const MODEL: &[u8] = include_bytes!(env!("TANDEM_BENCH_MODEL"));
/// A `text,...` CSV; only the first column is used.
const QUERIES: &str = include_str!(env!("TANDEM_BENCH_QUERIES"));

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance)]
    fn now() -> f64;
}

#[wasm_bindgen_test]
fn decision_time() {
    let started = now();
    let model = Model::from_bytes(MODEL).expect("the benchmark model loads");
    let load_ms = now() - started;
    let queries = first_column(QUERIES);
    console_log!(
        "browser: model {} bytes loaded in {load_ms:.1} ms",
        MODEL.len()
    );
    // The first pass includes the engine's compilation tiers; the second is steady state.
    for pass in ["first pass", "second pass"] {
        let mut times: Vec<f64> = queries
            .iter()
            .map(|q| {
                let started = now();
                decide(&model, &mut Conversation::new(), q);
                now() - started
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let at =
            |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
        console_log!(
            "browser, {pass}: {} decisions: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms, mean {:.3} ms",
            times.len(),
            at(0.50),
            at(0.99),
            at(1.0),
            times.iter().sum::<f64>() / times.len() as f64
        );
    }
}

/// The first field of every record after the header (quoted fields may span lines).
fn first_column(csv: &str) -> Vec<String> {
    let mut records = Vec::new();
    let (mut field, mut column, mut quoted) = (String::new(), 0, false);
    let mut chars = csv.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => column += 1,
            '\n' if !quoted => {
                records.push(std::mem::take(&mut field));
                column = 0;
            }
            _ if column == 0 => field.push(c),
            _ => {}
        }
    }
    if !field.is_empty() {
        records.push(field);
    }
    records.into_iter().skip(1).collect()
}
