//! Making the widget's release build smaller after Trunk, for its 100 KB first-open budget.
//!
//! wasm-bindgen names each import after its function and a hash
//! (`__wbg_location_7320782274fc691b`) and each closure export after its whole type, and every
//! name is written twice: in the wasm and in its JS glue, which Trunk cannot minify (its
//! minifier fails on the ES module). Together they were 7 KB gzip. So after `trunk build`:
//!
//! 1. the exports nothing uses go: wasm-bindgen exports the classes of `wasm-streams`, which
//!    Leptos links and the widget never uses (`without_exported_classes`), and then the wasm
//!    exports only what the rest of the glue reads (`only_exports`);
//! 2. wasm-opt renames the wasm's imports and exports to a character or two, and their
//!    module to `a` (`--minify-imports-and-exports-and-modules`), and prints what it renamed;
//! 3. the glue gets the same names (`rename_in_glue`), then terser minifies it;
//! 4. both files get new content-hashed names, since the server caches them for good, and
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
    let tmp = |name: &str| dist.join(format!("{name}.tmp"));

    let source = without_exported_classes(&std::fs::read_to_string(&glue)?);
    let used = used_exports(&source);
    let text = wasm_tool(Command::new(tool(tools, "wasm-dis")).arg(&wasm))?;
    std::fs::write(
        tmp("used.wat"),
        only_exports(&String::from_utf8(text)?, &used),
    )?;
    wasm_tool(
        Command::new(tool(tools, "wasm-as"))
            .arg(tmp("used.wat"))
            .arg("-o")
            .arg(tmp("used.wasm")),
    )?;
    let printed = wasm_tool(
        Command::new(&tools.wasm_opt)
            .arg(tmp("used.wasm"))
            .args(["-Oz", "--minify-imports-and-exports-and-modules", "-o"])
            .arg(tmp("renamed.wasm")),
    )?;
    let renamed: Renamed =
        serde_json::from_slice(&printed).context("reading the names wasm-opt printed")?;

    std::fs::write(tmp("renamed.js"), rename_in_glue(&source, &renamed)?)?;
    run::status(
        Command::new(&tools.terser)
            .arg(tmp("renamed.js"))
            .args(["--module", "--compress", "--mangle", "--output"])
            .arg(tmp("minified.js")),
    )?;

    let new_glue = hashed_name("tandem-widget-", ".js", &std::fs::read(tmp("minified.js"))?);
    let new_wasm = hashed_name(
        "tandem-widget-",
        "_bg.wasm",
        &std::fs::read(tmp("renamed.wasm"))?,
    );
    std::fs::rename(tmp("minified.js"), dist.join(&new_glue))?;
    std::fs::rename(tmp("renamed.wasm"), dist.join(&new_wasm))?;
    for name in ["used.wat", "used.wasm", "renamed.js"] {
        std::fs::remove_file(tmp(name))?;
    }
    std::fs::remove_file(&glue)?;
    std::fs::remove_file(&wasm)?;

    let index = dist.join("index.html");
    let html = std::fs::read_to_string(&index)?
        .replace(&file_name(&glue), &new_glue)
        .replace(&file_name(&wasm), &new_wasm);
    std::fs::write(&index, with_integrity(&html, dist)?)?;
    Ok(())
}

/// Runs a binaryen tool with the widget's wasm features; its standard output.
fn wasm_tool(command: &mut Command) -> anyhow::Result<Vec<u8>> {
    let output = command
        .args(WASM_FEATURES)
        .output()
        .with_context(|| format!("starting {}", run::describe(command)))?;
    if !output.status.success() {
        bail!(
            "`{}` failed: {}",
            run::describe(command),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(output.stdout)
}

/// The glue without the classes it exports. The widget exports none of its own: they are
/// `wasm-streams`' (which Leptos links through `server_fn`, for streaming the widget never
/// does), and each keeps its Rust code in the wasm. A class is its block, the line that
/// gives it `Symbol.dispose`, and its `FinalizationRegistry` statement.
fn without_exported_classes(glue: &str) -> String {
    let mut classes = Vec::new();
    let mut out = String::with_capacity(glue.len());
    let mut lines = glue.lines();
    while let Some(line) = lines.next() {
        if let Some(rest) = line.strip_prefix("export class ") {
            classes.push(rest.split([' ', '{']).next().unwrap_or_default().to_owned());
            // The block ends at the first line that closes it at the start of a line.
            lines.by_ref().find(|l| l.starts_with('}'));
            continue;
        }
        let of_class = |prefix: &str, suffix: &str| {
            classes
                .iter()
                .any(|c| line.starts_with(&format!("{prefix}{c}{suffix}")))
        };
        if of_class("if (Symbol.dispose) ", ".prototype") {
            continue;
        }
        if of_class("const ", "Finalization ") {
            if !line.trim_end().ends_with(';') {
                lines.by_ref().find(|l| l.trim_end().ends_with(';'));
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The wasm's exports the glue reads (`wasm.NAME`).
fn used_exports(glue: &str) -> Vec<String> {
    let mut used: Vec<String> = glue
        .split("wasm.")
        .skip(1)
        .map(|rest| {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
                .unwrap_or(rest.len());
            rest[..end].to_owned()
        })
        .filter(|name| !name.is_empty())
        .collect();
    used.sort();
    used.dedup();
    used
}

/// The module's text without the exports the glue does not use: binaryen prints each
/// export on a line of its own, ` (export "NAME" (func ...))`; the optimizer then removes
/// what only they reached. (wasm-metadce does the same but reorders the module, which costs
/// more in gzip than it saves: measured +2.4 KB.)
fn only_exports(text: &str, used: &[String]) -> String {
    text.lines()
        .filter(|line| {
            line.strip_prefix(" (export \"")
                .and_then(|rest| rest.split('"').next())
                .is_none_or(|name| used.iter().any(|u| u == name))
        })
        .flat_map(|line| [line, "\n"])
        .collect()
}

/// A binaryen tool, installed beside wasm-opt.
fn tool(tools: &Tools, name: &str) -> PathBuf {
    tools.wasm_opt.with_file_name(name)
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
    fn exported_classes_leave_the_glue_with_what_keeps_them_alive() {
        let glue = "export class IntoUnderlyingSink {\n    free() {\n        wasm.__wbg_intounderlyingsink_free(1);\n    }\n}\n\
                    if (Symbol.dispose) IntoUnderlyingSink.prototype[Symbol.dispose] = IntoUnderlyingSink.prototype.free;\n\
                    function f() { wasm.__wbindgen_malloc(1); return wasm.memory; }\n\
                    const IntoUnderlyingSinkFinalization = (typeof FinalizationRegistry === 'undefined')\n    ? {}\n    : new FinalizationRegistry(ptr => wasm.__wbg_intounderlyingsink_free(ptr));\n\
                    const cachedTextEncoder = new TextEncoder();\n";
        let kept = without_exported_classes(glue);
        assert_eq!(
            kept,
            "function f() { wasm.__wbindgen_malloc(1); return wasm.memory; }\n\
             const cachedTextEncoder = new TextEncoder();\n"
        );
        let used = used_exports(&kept);
        assert_eq!(used, ["__wbindgen_malloc", "memory"]);
        let text = "(module\n (export \"memory\" (memory $0))\n (export \"__wbg_intounderlyingsink_free\" (func $9))\n (func $9)\n)\n";
        assert_eq!(
            only_exports(text, &used),
            "(module\n (export \"memory\" (memory $0))\n (func $9)\n)\n"
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
