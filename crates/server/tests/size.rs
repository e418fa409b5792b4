//! Size budgets: what a merchant's shoppers download.
//!
//! `embed.js`, as served (`embed/embed.min.js`), is checked on every run. The widget's release
//! build is checked by the ignored test below, which `cargo xtask test` runs after building it
//! (set `TANDEM_WIDGET_DIST` to check another build).

use std::{io::Write, path::PathBuf};

use flate2::{Compression, write::GzEncoder};

fn gzip_len(bytes: &[u8]) -> usize {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap().len()
}

#[test]
fn embed_js_fits_in_2_kb_gzip() {
    let size = gzip_len(include_bytes!("../../../embed/embed.min.js"));
    println!("embed.js: {size} bytes gzip");
    assert!(
        size <= 2048,
        "embed.js is {size} bytes gzip, over its 2048-byte budget"
    );
}

#[test]
fn embed_js_uses_no_eval_and_no_inline_style() {
    for source in [
        include_str!("../../../embed/embed.js"),
        include_str!("../../../embed/embed.min.js"),
    ] {
        for forbidden in [
            "eval(",
            "new Function",
            "innerHTML",
            "setAttribute('style'",
            "setAttribute(\"style\"",
            "localStorage",
            "document.cookie",
        ] {
            assert!(!source.contains(forbidden), "embed.js uses {forbidden}");
        }
    }
}

#[test]
#[ignore = "needs the widget's release build: run by `cargo xtask test`"]
fn the_widget_first_open_fits_in_100_kb_gzip() {
    let dist = std::env::var_os("TANDEM_WIDGET_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dist"));
    let mut total = 0;
    let mut kinds = Vec::new();
    for entry in std::fs::read_dir(&dist).expect("a widget build in dist/") {
        let path = entry.unwrap().path();
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if ["wasm", "js", "css", "html"].contains(&extension) {
            let size = gzip_len(&std::fs::read(&path).unwrap());
            println!(
                "{}: {size} bytes gzip",
                path.file_name().unwrap().to_string_lossy()
            );
            total += size;
            kinds.push(extension.to_owned());
        }
    }
    for kind in ["wasm", "js", "css"] {
        assert!(
            kinds.iter().any(|k| k == kind),
            "no .{kind} in the build at {}",
            dist.display()
        );
    }
    println!("widget first open: {total} bytes gzip");
    assert!(
        total <= 100 * 1024,
        "the widget is {total} bytes gzip, over its 100 KB budget"
    );
}
