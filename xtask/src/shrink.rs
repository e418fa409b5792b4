//! Making the widget's release build smaller after Trunk, for its 100 KB first-open budget.
//!
//! wasm-bindgen names each import after its function and a hash
//! (`__wbg_location_7320782274fc691b`) and each closure export after its whole type, and every
//! name is written twice: in the wasm and in its JS glue, which Trunk cannot minify (its
//! minifier fails on the ES module). Together they were 6 KB gzip. So after `trunk build`:
//!
//! 1. wasm-opt renames the wasm's imports and exports to a character or two, and their
//!    module to `a` (`--minify-imports-and-exports-and-modules`), and prints what it renamed;
//! 2. the glue gets the same names (`rename_in_glue`), then terser minifies it;
//! 3. both files get new content-hashed names, since the server caches them for good, and
//!    `index.html` is rewritten to match: the references and their integrity hashes.
//!
//! The end-to-end tests load exactly this build, so a glue that no longer fits its wasm fails
//! them.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, bail};
use base64::{Engine, engine::general_purpose::STANDARD};
use sha2::{Digest, Sha256, Sha384};

use crate::{run, tools::Tools};

/// The wasm features the widget is built with (Rust's defaults for wasm32 in 1.95).
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-multivalue",
    "--enable-sign-ext",
    "--enable-mutable-globals",
];

/// What wasm-opt renamed, as it prints it.
#[derive(serde::Deserialize)]
struct Renamed {
    /// `[module, old name, new name]`.
    imports: Vec<(String, String, String)>,
    /// `[old name, new name]`.
    exports: Vec<(String, String)>,
}

/// Shrinks the Trunk build in `dist`.
pub fn widget(tools: &Tools, dist: &Path) -> anyhow::Result<()> {
    let wasm = only_file(dist, "_bg.wasm")?;
    let glue = only_file(dist, ".js")?;

    let renamed_wasm = dist.join("renamed.wasm.tmp");
    let output = Command::new(&tools.wasm_opt)
        .arg(&wasm)
        .args(["-Oz", "--minify-imports-and-exports-and-modules", "-o"])
        .arg(&renamed_wasm)
        .args(WASM_FEATURES)
        .output()
        .context("starting wasm-opt")?;
    if !output.status.success() {
        bail!(
            "wasm-opt could not rename the widget's imports: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let renamed: Renamed =
        serde_json::from_slice(&output.stdout).context("reading the names wasm-opt printed")?;

    let source = std::fs::read_to_string(&glue)?;
    let renamed_glue = dist.join("renamed.js.tmp");
    std::fs::write(&renamed_glue, rename_in_glue(&source, &renamed)?)?;
    let minified_glue = dist.join("minified.js.tmp");
    run::status(
        Command::new(&tools.terser)
            .arg(&renamed_glue)
            .args(["--module", "--compress", "--mangle", "--output"])
            .arg(&minified_glue),
    )?;

    let new_glue = hashed_name("tandem-widget-", ".js", &std::fs::read(&minified_glue)?);
    let new_wasm = hashed_name("tandem-widget-", "_bg.wasm", &std::fs::read(&renamed_wasm)?);
    std::fs::rename(&minified_glue, dist.join(&new_glue))?;
    std::fs::rename(&renamed_wasm, dist.join(&new_wasm))?;
    std::fs::remove_file(&renamed_glue)?;
    std::fs::remove_file(&glue)?;
    std::fs::remove_file(&wasm)?;

    let index = dist.join("index.html");
    let html = std::fs::read_to_string(&index)?
        .replace(&file_name(&glue), &new_glue)
        .replace(&file_name(&wasm), &new_wasm);
    std::fs::write(&index, with_integrity(&html, dist)?)?;
    Ok(())
}

/// The one file in `dir` whose name ends with `suffix` (wasm-bindgen's glue is the only
/// `.js`; the renamed files of an interrupted run are `.tmp`).
fn only_file(dir: &Path, suffix: &str) -> anyhow::Result<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_file() && file_name(&path).ends_with(suffix) {
            found.push(path);
        }
    }
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => bail!(
            "expected one *{suffix} in {}, found {}",
            dir.display(),
            found.len()
        ),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

/// `{prefix}{16 hex digits of the content's SHA-256}{suffix}`.
fn hashed_name(prefix: &str, suffix: &str, content: &[u8]) -> String {
    let digest = Sha256::digest(content);
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}{hex}{suffix}")
}

/// The glue with wasm-opt's new names: an import is the key of its function in the imports
/// object, which is itself the value of the module's name (now `a`); an export is read as
/// `wasm.NAME`. Names are replaced as whole identifiers, so a name that is the start of a
/// longer one is left alone.
fn rename_in_glue(glue: &str, renamed: &Renamed) -> anyhow::Result<String> {
    let mut modules: Vec<&str> = renamed.imports.iter().map(|(m, _, _)| m.as_str()).collect();
    modules.dedup();
    let [module] = modules.as_slice() else {
        // wasm-opt gives every module the one name `a`; the glue would need them merged.
        bail!("the widget's wasm imports from {modules:?}: expected one module");
    };
    let glue = glue.replace(&format!("\"{module}\""), "\"a\"");
    let imports: HashMap<&str, &str> = renamed
        .imports
        .iter()
        .map(|(_, old, new)| (old.as_str(), new.as_str()))
        .collect();
    let exports: HashMap<&str, &str> = renamed
        .exports
        .iter()
        .map(|(old, new)| (old.as_str(), new.as_str()))
        .collect();
    let is_identifier = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut out = String::with_capacity(glue.len());
    let mut rest = glue.as_str();
    while let Some(start) = rest.find(is_identifier) {
        let (before, from) = rest.split_at(start);
        out.push_str(before);
        let end = from.find(|c| !is_identifier(c)).unwrap_or(from.len());
        let (word, after) = from.split_at(end);
        let new = if out.ends_with("wasm.") {
            exports.get(word)
        } else {
            imports.get(word)
        };
        out.push_str(new.copied().unwrap_or(word));
        rest = after;
    }
    out.push_str(rest);
    Ok(out)
}

/// `html` with each `integrity` attribute recomputed (SHA-384) from the file its tag's
/// `href` names in `dist`.
fn with_integrity(html: &str, dist: &Path) -> anyhow::Result<String> {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..]
            .find('>')
            .map_or(rest.len(), |end| start + end + 1);
        let (before, tag) = (&rest[..start], &rest[start..end]);
        out.push_str(before);
        match (attribute(tag, "href"), attribute(tag, "integrity")) {
            (Some(href), Some(old)) => {
                let name = href.rsplit('/').next().unwrap_or(href);
                let content = std::fs::read(dist.join(name))
                    .with_context(|| format!("{name}, named in index.html"))?;
                let new = format!("sha384-{}", STANDARD.encode(Sha384::digest(content)));
                out.push_str(&tag.replace(old, &new));
            }
            _ => out.push_str(tag),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The value of `name="..."`, `name='...'` or `name=...` in a tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {name}="))? + name.len() + 2;
    let value = &tag[at..];
    match value.chars().next()? {
        quote @ ('"' | '\'') => value[1..].split(quote).next(),
        _ => value.split(|c: char| c.is_whitespace() || c == '>').next(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_glue_gets_the_new_names_as_whole_identifiers_only() {
        let renamed = Renamed {
            imports: vec![(
                "./w_bg.js".into(),
                "__wbg_location_73207822".into(),
                "a".into(),
            )],
            exports: vec![
                ("invoke_true_".into(), "b".into()),
                ("memory".into(), "c".into()),
            ],
        };
        let glue = "const i = { __wbg_location_73207822: function() {} };\n\
                    function invoke_true_(x) { wasm.invoke_true_(x); wasm.invoke_true__13(x); }\n\
                    let m = wasm.memory; let memory = 1; return { \"./w_bg.js\": i };";
        assert_eq!(
            rename_in_glue(glue, &renamed).unwrap(),
            "const i = { a: function() {} };\n\
             function invoke_true_(x) { wasm.b(x); wasm.invoke_true__13(x); }\n\
             let m = wasm.c; let memory = 1; return { \"a\": i };"
        );
    }

    #[test]
    fn integrity_follows_the_file_each_tag_names() {
        let dist = std::env::temp_dir().join(format!("shrink-test-{}", std::process::id()));
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("a.js"), "abc").unwrap();
        let html = "<link href=/widget/a.js integrity=sha384-OLD rel=modulepreload>\
                    <link rel=stylesheet href=\"/widget/a.js\" integrity=\"sha384-OLD\">\
                    <script type=module>init()</script>";
        let expected = format!("sha384-{}", STANDARD.encode(Sha384::digest(b"abc")));
        let out = with_integrity(html, &dist).unwrap();
        std::fs::remove_dir_all(&dist).unwrap();
        assert_eq!(out.matches(&expected).count(), 2, "{out}");
        assert!(!out.contains("OLD"));
        assert!(out.ends_with("<script type=module>init()</script>"));
    }
}
