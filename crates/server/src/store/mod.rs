//! Storage: one SQLite file by default, PostgreSQL to scale out, behind one type, [`Db`].
//!
//! Queries are written once, in SQL both databases accept (`$1` placeholders, `RETURNING`,
//! conditional updates, a no-op update for a row lock), and run through sqlx's `Any` driver; only the
//! schema differs, so each database has its own migrations (`migrations/sqlite`,
//! `migrations/postgres`), embedded in the binary and applied at start. The one condition
//! written per database is finding a text in any case (`search`).
//!
//! SQLite runs in WAL mode with `synchronous = NORMAL`: a committed transaction survives the
//! process being killed (what "nothing is lost" needs), at a fraction of the fsyncs. One
//! connection serialises writers, which SQLite does anyway, and removes "database is locked"
//! errors altogether; a 64 MiB page cache and memory-mapped reads keep it off the disk.
//!
//! Each concept's queries live in their own module (`conversations`, `messages`, `notes`,
//! `agents`, `offline`, `counts`, `knowledge`), as `impl Db` blocks; `clock` keeps the time
//! they stamp on the database's clock.

mod agents;
mod clock;
mod conversations;
mod counts;
mod knowledge;
mod messages;
mod notes;
mod offline;
mod search;

use sqlx::{AnyPool, Executor, any::AnyPoolOptions};

pub use agents::{AgentLoad, Credentials};
pub use clock::now_ms;
pub use conversations::{
    Assignment, Conversation, Created, HistoryFilter, NewConversation, NewMessage, Queued,
};
pub use counts::CountKey;
pub use knowledge::{Author, KbVersion, KbVersionListed};
pub use messages::{Append, Appended, Gate, Refused};
pub use notes::{AddedNote, NewNote};
pub use offline::NewOfflineMessage;

/// A storage failure. Its text may name tables and queries: it is logged, never shown to users.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL {0:?} is neither sqlite:... nor postgres://...")]
    UnsupportedUrl(String),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error("migrating the database failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unexpected value in the database: {0}")]
    Corrupt(&'static str),
}

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn of(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(url.to_owned()))
        }
    }
}

/// A handle to the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

impl Db {
    /// Connects (creating a SQLite file if needed) and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of(url)?;
        let (url, max_connections) = match backend {
            Backend::Sqlite if url.contains(":memory:") || url.contains("mode=") => {
                (url.to_owned(), 1)
            }
            Backend::Sqlite => {
                let separator = if url.contains('?') { '&' } else { '?' };
                (format!("{url}{separator}mode=rwc"), 1)
            }
            Backend::Postgres => (url.to_owned(), 16),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                             PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        match backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await?,
            Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await?,
        }
        let db = Db { pool, backend };
        db.sync_clock().await?;
        Ok(db)
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool, for queries in the concept modules and for tests.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}
