//! Finding, and when missing installing, every tool the build and the tests need.
//!
//! Versions are pinned where the toolchain is picky (see `../shared/TOOLCHAIN.md`):
//! Trunk 0.21.14 (0.22 needs a newer rustc), wasm-bindgen-cli at exactly the version in
//! `Cargo.lock`, and wasm-opt from npm's binaryen, because Debian's binaryen 108 rewrites the
//! export of wasm-bindgen's externref table to the function table and the widget then fails
//! at start. The widget's release build also needs the standard library's source (rustup's
//! `rust-src`, see `apps`) and terser from npm (see `shrink`); the end-to-end tests run
//! axe-core from npm in their pages. Browsers come from Debian's packages; everything else is
//! installed without root.

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, bail};

use crate::run;

const TRUNK_VERSION: &str = "0.21.14";
const BINARYEN_VERSION: &str = "132.0.0";
const TERSER_VERSION: &str = "5.51.4";
const AXE_VERSION: &str = "4.14.1";

/// Where installed tools are, for the commands that use them.
pub struct Tools {
    /// `PATH` with the tool directories first.
    pub path: OsString,
    pub wasm_opt: PathBuf,
    pub terser: PathBuf,
    pub chromedriver: PathBuf,
    /// axe-core's script, which the end-to-end tests run in the pages to check accessibility.
    pub axe: PathBuf,
}

/// Ensures everything needed to build the widget is installed.
pub fn for_build() -> anyhow::Result<Tools> {
    let path = search_path();
    wasm_target()?;
    rust_src()?;
    trunk(&path)?;
    wasm_bindgen(&path)?;
    Ok(Tools {
        path,
        wasm_opt: wasm_opt()?,
        terser: terser()?,
        chromedriver: PathBuf::new(),
        axe: PathBuf::new(),
    })
}

/// Ensures everything needed to build and to test in browsers is installed.
pub fn for_tests() -> anyhow::Result<Tools> {
    let mut tools = for_build()?;
    tools.chromedriver = chromium()?;
    tools.axe = axe()?;
    Ok(tools)
}

fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

/// Where an npm package is installed for the build (not on the machine).
fn npm_dir(package: &str) -> PathBuf {
    crate::workspace_root().join("target/tools").join(package)
}

fn binaryen_bin() -> PathBuf {
    npm_dir("binaryen").join("node_modules/.bin")
}

/// `PATH` with npm's binaryen and cargo's binaries first.
fn search_path() -> OsString {
    let mut dirs = vec![binaryen_bin(), cargo_bin()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).expect("directories without ':' in their names")
}

/// The full path of `program` on `path`, if it is there.
fn find(program: &str, path: &OsString) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

fn installed_version_contains(program: &str, path: &OsString, version: &str) -> bool {
    find(program, path)
        .and_then(|exe| run::output(exe, &["--version"]))
        .is_some_and(|out| out.contains(version))
}

fn wasm_target() -> anyhow::Result<()> {
    let installed = run::output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if !installed
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        run::status(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    Ok(())
}

/// The standard library's source: the widget's release build compiles its own `std` (see
/// `apps`).
fn rust_src() -> anyhow::Result<()> {
    let sysroot = run::output("rustc", &["--print", "sysroot"]).unwrap_or_default();
    let library = Path::new(sysroot.trim()).join("lib/rustlib/src/rust/library/std");
    if !library.is_dir() {
        run::status(Command::new("rustup").args(["component", "add", "rust-src"]))?;
    }
    Ok(())
}

fn trunk(path: &OsString) -> anyhow::Result<()> {
    if !installed_version_contains("trunk", path, TRUNK_VERSION) {
        eprintln!("Installing Trunk {TRUNK_VERSION} (a few minutes, once)");
        run::status(Command::new("cargo").args([
            "install",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--locked",
        ]))?;
    }
    Ok(())
}

/// The wasm-bindgen version `Cargo.lock` pins; the CLI must be exactly this version.
fn locked_wasm_bindgen_version() -> anyhow::Result<String> {
    let lock = std::fs::read_to_string(crate::workspace_root().join("Cargo.lock"))
        .context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_owned());
        }
    }
    bail!("Cargo.lock has no wasm-bindgen package")
}

fn wasm_bindgen(path: &OsString) -> anyhow::Result<()> {
    let version = locked_wasm_bindgen_version()?;
    let cli_ok = installed_version_contains("wasm-bindgen", path, &version)
        && installed_version_contains("wasm-bindgen-test-runner", path, &version);
    if !cli_ok {
        eprintln!("Installing wasm-bindgen-cli {version} (a few minutes, once)");
        // Not --locked: one of its locked dependencies is missing from the registry here.
        run::status(Command::new("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &version,
        ]))?;
    }
    Ok(())
}

fn wasm_opt() -> anyhow::Result<PathBuf> {
    let exe = binaryen_bin().join("wasm-opt");
    let version = BINARYEN_VERSION.split('.').next().expect("a major version");
    if !run::output(&exe, &["--version"]).is_some_and(|v| v.contains(&format!("version {version}")))
    {
        npm_install("binaryen", BINARYEN_VERSION)?;
    }
    Ok(exe)
}

fn terser() -> anyhow::Result<PathBuf> {
    let exe = npm_dir("terser").join("node_modules/.bin/terser");
    if !run::output(&exe, &["--version"]).is_some_and(|v| v.contains(TERSER_VERSION)) {
        npm_install("terser", TERSER_VERSION)?;
    }
    Ok(exe)
}

fn axe() -> anyhow::Result<PathBuf> {
    let package = npm_dir("axe-core").join("node_modules/axe-core");
    let installed = std::fs::read_to_string(package.join("package.json"))
        .is_ok_and(|manifest| manifest.contains(&format!("\"version\": \"{AXE_VERSION}\"")));
    if !installed {
        npm_install("axe-core", AXE_VERSION)?;
    }
    Ok(package.join("axe.min.js"))
}

/// Installs an npm package into its own folder under `target/tools/`.
fn npm_install(package: &str, version: &str) -> anyhow::Result<()> {
    if find("npm", &search_path()).is_none() {
        apt_install(&["nodejs", "npm"])?;
    }
    let dir = npm_dir(package);
    std::fs::create_dir_all(&dir)?;
    run::status(
        Command::new("npm")
            .args([
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
            ])
            .arg(&dir)
            .arg(format!("{package}@{version}")),
    )
}

/// Chromium and a ChromeDriver of the same major version; returns ChromeDriver's path.
fn chromium() -> anyhow::Result<PathBuf> {
    let chromium = env_path("CHROMIUM", "/usr/bin/chromium");
    let chromedriver = env_path("CHROMEDRIVER", "/usr/bin/chromedriver");
    if !chromium.is_file() || !chromedriver.is_file() {
        apt_install(&["chromium", "chromium-driver"])?;
    }
    let major = |exe: &Path| {
        run::output(exe, &["--version"]).and_then(|v| {
            v.split_whitespace().find_map(|w| {
                w.split('.')
                    .next()
                    .filter(|m| m.parse::<u32>().is_ok())
                    .map(str::to_owned)
            })
        })
    };
    let (browser, driver) = (major(&chromium), major(&chromedriver));
    if browser.is_none() || browser != driver {
        bail!(
            "Chromium ({}) and ChromeDriver ({}) must be installed with the same major version: \
             apt-get install -y chromium chromium-driver",
            browser.unwrap_or_else(|| "missing".into()),
            driver.unwrap_or_else(|| "missing".into())
        );
    }
    Ok(chromedriver)
}

fn env_path(variable: &str, default: &str) -> PathBuf {
    std::env::var_os(variable).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

fn is_root() -> bool {
    run::output("id", &["-u"]).is_some_and(|uid| uid.trim() == "0")
}

/// Installs Debian packages when running as root; otherwise says exactly what to run.
fn apt_install(packages: &[&str]) -> anyhow::Result<()> {
    let list = packages.join(" ");
    if !is_root() {
        bail!("missing system packages: run `sudo apt-get install -y {list}`, then try again");
    }
    let install = || {
        run::status(
            Command::new("apt-get")
                .args(["install", "-y"])
                .args(packages)
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )
    };
    install().or_else(|_| {
        // A fresh machine may have no package lists yet.
        run::status(Command::new("apt-get").arg("update"))?;
        install()
    })
}

/// When `TANDEM_TEST_DATABASE_URL` asks for PostgreSQL, makes sure it answers, starting the
/// local cluster if it is installed but stopped.
pub fn postgres_if_requested() -> anyhow::Result<()> {
    let Some(url) = std::env::var("TANDEM_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        return Ok(());
    };
    let ready = || run::output("pg_isready", &["-d", &url]).is_some();
    if ready() {
        return Ok(());
    }
    if is_root() && Path::new("/etc/postgresql").is_dir() {
        for version in std::fs::read_dir("/etc/postgresql")? {
            let version = version?.file_name();
            let _ = run::status(
                Command::new("pg_ctlcluster")
                    .arg("--skip-systemctl-redirect")
                    .arg(&version)
                    .args(["main", "start"]),
            );
        }
        for _ in 0..30 {
            if ready() {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
    }
    bail!(
        "TANDEM_TEST_DATABASE_URL is set but PostgreSQL does not answer at {url}: start it \
         (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or unset it"
    )
}
