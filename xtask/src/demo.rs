//! `cargo xtask demo [-- SERVE-FLAGS]`: the product on its embedded defaults (SQLite, the demo
//! shop), at http://127.0.0.1:8080/demo, and the agent console at /console with a demo agent
//! (an admin of the demo site) whose password is made up on first run and kept in
//! `.tandem/demo-agent-password`. Flags after `--` go to `tandem serve`; the address is the
//! one `--listen` or the `--config` file gives, and must be free.

use std::{
    io::Read,
    net::{SocketAddr, TcpStream},
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};

use crate::{apps, loader, run, tools};

pub fn run() -> anyhow::Result<()> {
    // Spelled one way (`--flag value`), so the address and the database are found however
    // they were given (`--listen=ADDR`, `-c FILE`); `tandem serve` takes this form too.
    let serve_flags: Vec<String> = std::env::args()
        .skip(2)
        .skip_while(|a| a == "--")
        .flat_map(|flag| match flag.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                vec![name.to_owned(), value.to_owned()]
            }
            _ if flag == "-c" => vec!["--config".to_owned()],
            _ => vec![flag],
        })
        .collect();
    let root = crate::workspace_root();
    let address = address(&root, &serve_flags)?;
    // Checked first: a port another program holds would answer the wait below, and the demo
    // would be announced while the server had failed to start.
    std::net::TcpListener::bind(address).with_context(|| {
        format!(
            "{address} is taken: stop what listens there, or pass --listen with another address"
        )
    })?;

    let tools = tools::for_build()?;
    loader::minify(&tools)?;
    apps::build(&tools)?;
    run::status(
        Command::new("cargo")
            .args(["build", "-p", "tandem-server"])
            .current_dir(&root),
    )?;

    let password = demo_agent(&root, &serve_flags)?;

    let mut command = Command::new(root.join("target/debug/tandem"));
    command.arg("serve").args(&serve_flags).current_dir(&root);
    eprintln!("$ {}", run::describe(&command));
    let mut server = command.spawn().context("starting the server")?;

    let started = Instant::now();
    while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
        if let Some(status) = server.try_wait()? {
            bail!("the server stopped ({status}); is {address} already in use?");
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = server.kill();
            bail!("the server did not start listening on {address} within a minute");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    println!();
    println!("  Tandem demo is running.");
    println!("  Shop checkout page:  http://{address}/demo (and the step before: /demo/delivery)");
    println!("  Agent console:       http://{address}/console");
    println!("    sign in as {DEMO_AGENT} with the password {password}");
    println!("  Stop it with Ctrl-C.");
    println!();
    let status = server.wait()?;
    if !status.success() {
        bail!("the server exited with {status}");
    }
    Ok(())
}

/// Where the server will listen: `--listen`, else the `listen` of the `--config` file (read
/// from `root`, where the server runs), else the demo's own address.
fn address(root: &Path, serve_flags: &[String]) -> anyhow::Result<SocketAddr> {
    let flag = |name: &str| {
        let at = serve_flags.iter().position(|flag| flag == name)?;
        serve_flags.get(at + 1)
    };
    let from_file = match flag("--config") {
        Some(path) => {
            let read = || -> anyhow::Result<Option<String>> {
                let table: toml::Table = std::fs::read_to_string(root.join(path))?.parse()?;
                Ok(table
                    .get("listen")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned))
            };
            read().with_context(|| format!("reading {path}"))?
        }
        None => None,
    };
    let address = flag("--listen")
        .cloned()
        .or(from_file)
        .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    address
        .parse()
        .with_context(|| format!("{address:?} is not an address such as 127.0.0.1:8080"))
}

const DEMO_AGENT: &str = "agent@acme.example";

/// Adds the demo agent (once per database) and returns their password: random on first
/// run, then kept beside the demo database so the same sign-in keeps working.
fn demo_agent(root: &Path, serve_flags: &[String]) -> anyhow::Result<String> {
    let file = root.join(".tandem/demo-agent-password");
    let mut made_up = false;
    let password = match std::fs::read_to_string(&file) {
        Ok(text) => text.trim().to_owned(),
        Err(_) => {
            made_up = true;
            let mut bytes = [0u8; 9];
            std::fs::File::open("/dev/urandom")
                .and_then(|mut random| random.read_exact(&mut bytes))
                .context("reading /dev/urandom")?;
            let password: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            std::fs::create_dir_all(file.parent().expect("a directory"))?;
            std::fs::write(&file, &password)?;
            password
        }
    };
    // The same database as the server: its --config and --database-url, if given.
    let setup = serve_flags
        .windows(2)
        .filter(|pair| pair[0] == "--config" || pair[0] == "--database-url")
        .flatten();
    let tandem = |args: &[&str]| {
        Command::new(root.join("target/debug/tandem"))
            .args(args)
            .arg("--password-file")
            .arg(&file)
            .args(setup.clone())
            .current_dir(root)
            .output()
    };
    let output = tandem(&[
        "agent",
        "add",
        "--admin",
        "--site",
        "acme",
        "--name",
        "Demo Agent",
        "--email",
        DEMO_AGENT,
    ])
    .context("adding the demo agent")?;
    let said = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() && !said.contains("already exists") {
        bail!("adding the demo agent failed: {said}");
    }
    // The agent was there but their password file was not (deleted with `.tandem/`): the
    // password made up now is set, so the one printed works.
    if !output.status.success() && made_up {
        let reset = tandem(&["agent", "password", "--email", DEMO_AGENT])
            .context("setting the demo agent's password")?;
        if !reset.status.success() {
            bail!(
                "setting the demo agent's password failed: {}",
                String::from_utf8_lossy(&reset.stderr)
            );
        }
    }
    Ok(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(list: &[&str]) -> Vec<String> {
        list.iter().map(|f| (*f).to_owned()).collect()
    }

    #[test]
    fn the_address_comes_from_the_flag_then_the_config_file_then_the_default() {
        let dir = std::env::temp_dir().join(format!("tandem-xtask-demo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("mine.toml"), "listen = \"127.0.0.1:9090\"\n").unwrap();
        std::fs::write(dir.join("plain.toml"), "database_url = \"sqlite://x.db\"\n").unwrap();
        let at = |list: &[&str]| address(&dir, &flags(list)).map(|a| a.to_string());
        assert_eq!(at(&[]).unwrap(), "127.0.0.1:8080");
        assert_eq!(at(&["--config", "mine.toml"]).unwrap(), "127.0.0.1:9090");
        assert_eq!(at(&["--config", "plain.toml"]).unwrap(), "127.0.0.1:8080");
        assert_eq!(
            at(&["--config", "mine.toml", "--listen", "127.0.0.1:7070"]).unwrap(),
            "127.0.0.1:7070"
        );
        assert!(at(&["--listen", "nowhere"]).is_err());
        assert!(at(&["--config", "missing.toml"]).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
