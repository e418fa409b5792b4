//! `cargo xtask demo [-- SERVE-FLAGS]`: the product on its embedded defaults (SQLite, the demo
//! shop), at http://127.0.0.1:8080/demo. Flags after `--` go to `tandem serve`.

use std::{
    net::{SocketAddr, TcpStream},
    process::Command,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};

use crate::{run, tools, widget};

pub fn run() -> anyhow::Result<()> {
    let serve_flags: Vec<String> = std::env::args().skip(2).skip_while(|a| a == "--").collect();
    let address: SocketAddr = serve_flags
        .iter()
        .position(|flag| flag == "--listen")
        .and_then(|i| serve_flags.get(i + 1))
        .map_or("127.0.0.1:8080", String::as_str)
        .parse()
        .context("--listen takes an address such as 127.0.0.1:8080")?;

    let tools = tools::for_build()?;
    widget::build(&tools)?;
    let root = crate::workspace_root();
    run::status(
        Command::new("cargo")
            .args(["build", "-p", "tandem-server"])
            .current_dir(&root),
    )?;

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
            bail!("the server did not start listening on {address} within a minute");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    println!();
    println!("  Tandem demo is running.");
    println!("  Shop checkout page:  http://{address}/demo");
    println!("  Stop it with Ctrl-C.");
    println!();
    let status = server.wait()?;
    if !status.success() {
        bail!("the server exited with {status}");
    }
    Ok(())
}
