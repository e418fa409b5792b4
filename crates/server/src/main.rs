//! `tandem`, the support server's command line: `tandem serve` runs the server,
//! `tandem agent add` creates an agent account, `tandem agent password` resets a lost
//! password, `tandem kb check` reports on a knowledge base.
//!
//! This is the binary edge: errors are `anyhow` here and printed for a person; the library
//! (`tandem_server`) keeps typed errors.

use std::{net::SocketAddr, path::PathBuf, sync::Arc};

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use tandem_server::{
    AppState, Config,
    events::{Bus, Event},
    hub::Hub,
    store::Db,
};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "tandem",
    version,
    about = "Tandem: an assistant first, a human one click away"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the support server.
    Serve(ServeArgs),
    /// Manage agents.
    #[command(subcommand)]
    Agent(AgentCommand),
    /// Work with knowledge bases.
    #[command(subcommand)]
    Kb(KbCommand),
}

#[derive(Subcommand)]
enum KbCommand {
    /// Lint a knowledge base and report the assistant's cross-validated quality on it:
    /// expected precision, share answered, and the entries most often confused. Exits 1 if
    /// the file has errors; with --strict, also 2 when there are warnings or the precision
    /// target is not met.
    Check {
        /// The knowledge base file (TOML).
        file: PathBuf,
        #[arg(long)]
        strict: bool,
    },
}

#[derive(Subcommand)]
enum AgentCommand {
    /// Create an agent account. The password is read from --password-file, or else from the
    /// first line of standard input (asked for, and not shown, at a terminal).
    Add(AgentAddArgs),
    /// Set a new password for an agent who lost theirs, read like `add` reads it. Every
    /// session of the account ends.
    Password(AgentPasswordArgs),
    /// Let an existing agent work for more sites, or make them an admin of them (the first
    /// admin of a new site, say).
    Grant(AgentGrantArgs),
}

/// Where the configuration and the database are.
#[derive(clap::Args)]
struct Setup {
    /// Configuration file (TOML); without it, the embedded demo configuration is used.
    #[arg(long, short)]
    config: Option<PathBuf>,
    /// Database URL (sqlite://FILE or postgres://...), overriding the configuration.
    #[arg(long)]
    database_url: Option<String>,
}

impl Setup {
    fn load(&self) -> anyhow::Result<Config> {
        let mut config = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                Config::parse(&text).with_context(|| format!("in {}", path.display()))?
            }
            None => {
                let demo = Config::default_demo();
                // An operator who forgot --config must not add an agent to a database the
                // real server never reads without knowing it.
                if self.database_url.is_none() {
                    eprintln!(
                        "No --config: using the embedded demo configuration and its database, {}.",
                        demo.database_url
                    );
                }
                demo
            }
        };
        if let Some(url) = &self.database_url {
            config.database_url = url.clone();
        }
        Ok(config)
    }
}

#[derive(clap::Args)]
struct AgentAddArgs {
    #[command(flatten)]
    setup: Setup,
    /// A site the agent works for (repeat for several).
    #[arg(long = "site", required = true)]
    sites: Vec<String>,
    #[arg(long)]
    email: String,
    /// The name shoppers see.
    #[arg(long)]
    name: String,
    /// A file whose first line is the password.
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// Also make the agent an admin of these sites (adds and removes their agents).
    #[arg(long)]
    admin: bool,
}

#[derive(clap::Args)]
struct AgentPasswordArgs {
    #[command(flatten)]
    setup: Setup,
    #[arg(long)]
    email: String,
    /// A file whose first line is the new password.
    #[arg(long)]
    password_file: Option<PathBuf>,
}

#[derive(clap::Args)]
struct AgentGrantArgs {
    #[command(flatten)]
    setup: Setup,
    #[arg(long)]
    email: String,
    /// A site the agent is to work for (repeat for several).
    #[arg(long = "site", required = true)]
    sites: Vec<String>,
    /// Also make the agent an admin of these sites.
    #[arg(long)]
    admin: bool,
}

#[derive(clap::Args)]
struct ServeArgs {
    #[command(flatten)]
    setup: Setup,
    /// Address to listen on, overriding the configuration.
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Directory of the widget's release build, overriding the configuration.
    #[arg(long)]
    widget_dir: Option<PathBuf>,
    /// Log line format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Serve(args) => serve(args).await,
        Command::Agent(AgentCommand::Add(args)) => add_agent(args).await,
        Command::Agent(AgentCommand::Password(args)) => reset_password(args).await,
        Command::Agent(AgentCommand::Grant(args)) => grant(args).await,
        Command::Kb(KbCommand::Check { file, strict }) => check_kb(&file, strict),
    }
}

fn check_kb(file: &std::path::Path, strict: bool) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let kb = match tandem_assistant::KnowledgeBase::parse(&text) {
        Ok(kb) => kb,
        Err(errors) => {
            eprintln!("{}: {} error(s)\n{errors}", file.display(), errors.0.len());
            std::process::exit(1);
        }
    };
    let report = tandem_assistant::check::report(&kb);
    println!("{report}");
    let warnings = !tandem_assistant::lint::lint(&kb).is_empty();
    if strict && (warnings || !report.meets_target()) {
        std::process::exit(2);
    }
    Ok(())
}

async fn add_agent(args: AgentAddArgs) -> anyhow::Result<()> {
    let config = args.setup.load()?;
    check_sites(&config, &args.sites)?;
    let email = tandem_server::auth::account_email(&args.email).map_err(anyhow::Error::msg)?;
    let password = read_password(args.password_file.as_deref())?;
    let password = password.as_str();
    let name =
        tandem_server::auth::check_new_account(&args.name, password).map_err(anyhow::Error::msg)?;
    let db = open_db(&config).await?;
    let hash = tandem_server::auth::hash_password(password);
    let created = db
        .create_agent(
            &tandem_server::ids::random_id(),
            &email,
            name,
            &hash,
            &args.sites,
        )
        .await?;
    anyhow::ensure!(created, "an agent with the email {email} already exists");
    if args.admin {
        let id = db
            .credentials(&email)
            .await?
            .context("the agent just added")?
            .id;
        for site in &args.sites {
            db.set_site_admin(&id, site, true).await?;
        }
    }
    let role = if args.admin {
        "agent and admin"
    } else {
        "agent"
    };
    println!(
        "Added {role} {name} <{email}> for {}",
        args.sites.join(", ")
    );
    Ok(())
}

async fn reset_password(args: AgentPasswordArgs) -> anyhow::Result<()> {
    let config = args.setup.load()?;
    let email = tandem_server::auth::account_email(&args.email).map_err(anyhow::Error::msg)?;
    let password = read_password(args.password_file.as_deref())?;
    tandem_server::auth::check_new_password(&password).map_err(anyhow::Error::msg)?;
    let db = open_db(&config).await?;
    let account = existing(&db, &email).await?;
    let hash = tandem_server::auth::hash_password(&password);
    db.set_password(&account.id, &hash, None).await?;
    // Running servers close the account's live connections: at once on PostgreSQL, where
    // they hear this; on SQLite at their next keepalive check.
    let told = Bus::on(&db, Arc::new(Hub::default()))
        .tell_others(Event::Agent { agent: account.id })
        .await;
    println!("Set a new password for {email}; their sessions have ended.");
    if !told {
        eprintln!(
            "warning: the running servers could not be told; live connections already open \
             close within 25 seconds"
        );
    }
    Ok(())
}

async fn grant(args: AgentGrantArgs) -> anyhow::Result<()> {
    let config = args.setup.load()?;
    check_sites(&config, &args.sites)?;
    let email = tandem_server::auth::account_email(&args.email).map_err(anyhow::Error::msg)?;
    let db = open_db(&config).await?;
    let account = existing(&db, &email).await?;
    for site in &args.sites {
        db.add_agent_to_site(&account.id, site).await?;
        if args.admin {
            db.set_site_admin(&account.id, site, true).await?;
        }
    }
    // Running servers have the agent's live connections follow their new sites.
    Bus::on(&db, Arc::new(Hub::default()))
        .tell_others(Event::Agent { agent: account.id })
        .await;
    let role = if args.admin {
        "agent and admin"
    } else {
        "agent"
    };
    println!("{email} is now {role} of {}", args.sites.join(", "));
    Ok(())
}

/// Each of `sites` is configured.
fn check_sites(config: &Config, sites: &[String]) -> anyhow::Result<()> {
    for site in sites {
        anyhow::ensure!(
            config.site(site).is_some(),
            "no site {site:?} in the configuration"
        );
    }
    Ok(())
}

async fn open_db(config: &Config) -> anyhow::Result<Db> {
    Db::connect(&config.database_url)
        .await
        .context("opening the database")
}

/// The account with this email, or why there is none.
async fn existing(db: &Db, email: &str) -> anyhow::Result<tandem_server::store::Credentials> {
    db.credentials(email)
        .await?
        .with_context(|| format!("no agent has the email {email}"))
}

/// The first line of `file`, or else of standard input: asked for, and not shown as it is
/// typed, at a terminal.
fn read_password(file: Option<&std::path::Path>) -> anyhow::Result<String> {
    use std::io::IsTerminal;
    let text = match file {
        Some(path) => {
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?
        }
        None if std::io::stdin().is_terminal() => rpassword::prompt_password("Password: ")
            .context("reading the password from the terminal")?,
        None => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .context("reading the password from standard input")?;
            line
        }
    };
    Ok(text.lines().next().unwrap_or_default().to_owned())
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    init_logging(args.log_format);
    let mut config = args.setup.load()?;
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    if let Some(dir) = args.widget_dir {
        config.widget_dir = dir;
    }
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let state = AppState::new(config).await.context("starting the server")?;
    reload_on_hangup(state.clone());
    tracing::info!(address = %listener.local_addr()?, "serving");
    tandem_server::serve(state.clone(), listener, shutdown_signal()).await?;
    // Closed rather than dropped at exit: SQLite folds its write-ahead log back into the
    // database file, and PostgreSQL sees its connections end rather than cut.
    state.db.pool().close().await;
    Ok(())
}

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// On every `SIGHUP`, reads and compiles the knowledge bases again (the models in use serve
/// meanwhile), so a merchant's edit goes live without a restart.
fn reload_on_hangup(state: AppState) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let mut hangups = match signal(SignalKind::hangup()) {
            Ok(hangups) => hangups,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGHUP: knowledge bases reload only from the admin page");
                return;
            }
        };
        while hangups.recv().await.is_some() {
            tracing::info!("SIGHUP: reloading the knowledge bases");
            state.reload_knowledge().await;
        }
    });
    #[cfg(not(unix))]
    drop(state);
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
