//! The sites' knowledge bases: read and parsed when the server starts (a broken one stops it
//! with every error's line and column), compiled into the assistant's model in the
//! background (a large one takes a while; the widget offers people meanwhile), and served as
//! a content-hashed file the browser caches for good.
//!
//! A site's knowledge base is its configured file until an admin saves an edit in the
//! console: from then on the newest saved version (kept in the database, so every process
//! and every restart reads the same) until an admin puts the file back in use. When an edit
//! is saved, the file put back, or on `SIGHUP`, they are read and compiled again while the
//! models in use go on serving (the asking process at once, [`recompile`]; the others
//! through an [`Event::KnowledgeBase`](crate::events::Event) that [`watch`] acts on), so a
//! merchant's edit goes live without a restart and without a moment without the assistant.
//! [`Models`] keeps the text each model was compiled from: the editor shows that text (not
//! the file as it may have changed since), and a reload leaves an unchanged one alone.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
};

use sha2::{Digest, Sha256};
use tandem_assistant::KnowledgeBase;
use tokio::sync::mpsc;

use crate::{
    app::AppState,
    config::{Config, SiteConfig},
    store::{Db, KbVersion, StoreError},
};

/// The demo shop's knowledge base, used by sites configured with `knowledge_base = "demo"`.
pub const DEMO_KB: &str = include_str!("../demo/kb.toml");

/// Why the knowledge bases could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    #[error("site {site:?}: cannot read {path}: {error}")]
    Read {
        site: String,
        path: String,
        error: std::io::Error,
    },
    #[error("site {site:?}: {path} has errors:\n{errors}")]
    Invalid {
        site: String,
        path: String,
        errors: tandem_assistant::KbErrors,
    },
    #[error("site {site:?}: version {version} saved in the console has errors:\n{errors}")]
    InvalidSaved {
        site: String,
        version: i64,
        errors: tandem_assistant::KbErrors,
    },
    #[error("site {site:?}: cannot read its saved knowledge base: {error}")]
    Store { site: String, error: StoreError },
}

/// A compiled model, ready to serve.
#[derive(Debug)]
pub struct SiteModel {
    /// Hex SHA-256 of the bytes (its first 16 characters name the file).
    pub hash: String,
    pub bytes: Vec<u8>,
    /// The knowledge base's greeting and entry ids, for the site's description and for
    /// validating the widget's reports.
    pub greeting: String,
    pub entries: Vec<String>,
    /// The `kb check` report (lint and cross-validated quality), for the site's admins.
    pub check_report: String,
}

impl SiteModel {
    /// The file name the model is served under.
    pub fn file_name(&self) -> String {
        format!("{}.bin", &self.hash[..16])
    }
}

/// Every site's model, as it becomes available.
#[derive(Default)]
pub struct Models {
    by_site: RwLock<HashMap<String, Arc<SiteModel>>>,
    /// The model each site had before its last reload: a shopper who read the site's
    /// description just before the swap still downloads the file it names.
    previous: RwLock<HashMap<String, Arc<SiteModel>>>,
    /// One compiling run at a time, in the order they were asked for, so a reload's models
    /// are never overwritten by an earlier run finishing late.
    compiling: tokio::sync::Mutex<()>,
    /// Sites whose knowledge base is being compiled again or waits its turn.
    reloading: RwLock<HashMap<String, usize>>,
    /// The text each site's model in use was compiled from: what the editor shows, and what
    /// a reload compares with, so an unchanged one is not compiled again.
    in_use: RwLock<HashMap<String, KbText>>,
}

impl Models {
    /// The site's model, once compiled.
    pub fn get(&self, site: &str) -> Option<Arc<SiteModel>> {
        self.by_site.read().expect("models lock").get(site).cloned()
    }

    /// Whether the site's knowledge base is being compiled again (its current model serving
    /// meanwhile).
    pub fn reloading(&self, site: &str) -> bool {
        self.reloading
            .read()
            .expect("models lock")
            .get(site)
            .is_some_and(|n| *n > 0)
    }

    fn count_reload(&self, site: &str, change: isize) {
        let mut reloading = self.reloading.write().expect("models lock");
        let n = reloading.entry(site.to_owned()).or_default();
        *n = n.saturating_add_signed(change);
    }

    /// The text the site's model in use was compiled from.
    pub fn text_in_use(&self, site: &str) -> Option<KbText> {
        self.in_use.read().expect("models lock").get(site).cloned()
    }

    /// The site's model served under this file name: the current one, or the one before.
    pub fn file(&self, site: &str, name: &str) -> Option<Arc<SiteModel>> {
        let named = |map: &RwLock<HashMap<String, Arc<SiteModel>>>| {
            map.read()
                .expect("models lock")
                .get(site)
                .filter(|m| m.file_name() == name)
                .cloned()
        };
        named(&self.by_site).or_else(|| named(&self.previous))
    }

    fn insert(&self, site: String, model: SiteModel, text: KbText) {
        self.in_use
            .write()
            .expect("models lock")
            .insert(site.clone(), text);
        let replaced = self
            .by_site
            .write()
            .expect("models lock")
            .insert(site.clone(), Arc::new(model));
        if let Some(replaced) = replaced {
            self.previous
                .write()
                .expect("models lock")
                .insert(site, replaced);
        }
    }
}

/// A site's knowledge base as read: its text, and where the text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbText {
    pub text: String,
    /// The saved version the text is (`None`: the configured file).
    pub version: Option<i64>,
}

/// A knowledge base read and parsed for a site, to compile.
#[derive(Debug)]
pub struct ReadKb {
    pub site: String,
    pub read: KbText,
    pub kb: KnowledgeBase,
}

/// Reads and parses every site's knowledge base.
pub async fn load(db: &Db, config: &Config) -> Result<Vec<ReadKb>, KnowledgeError> {
    let mut loaded = Vec::new();
    for site in &config.sites {
        match read_site(db, site).await {
            Ok(Some(kb)) => loaded.push(kb),
            Ok(None) => {}
            // A version an older server accepted and this one does not: that site starts
            // without its assistant (people answer), not the whole server not at all, and an
            // admin mends it in the console.
            Err(error @ KnowledgeError::InvalidSaved { .. }) => {
                tracing::error!(%error, "the site starts without its assistant")
            }
            Err(error) => return Err(error),
        }
    }
    Ok(loaded)
}

/// A site's knowledge base as it reads now: the newest version its admins saved in the
/// console, or else its configured file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteSource {
    /// `None` when the site has neither a saved version nor a file.
    pub text: Option<String>,
    /// The newest saved version (`None`: none yet); its text is `text` when it has one.
    pub saved: Option<KbVersion>,
}

impl SiteSource {
    /// The saved version in use, if the text is one (not the file).
    pub fn edited(&self) -> Option<&KbVersion> {
        self.saved.as_ref().filter(|v| v.text.is_some())
    }
}

/// Reads a site's knowledge base as it is now: the newest version saved in the console, or
/// else its configured file, read now.
async fn read_source(db: &Db, site: &SiteConfig) -> Result<SiteSource, KnowledgeError> {
    let saved = newest_saved(db, site).await?;
    let text = text_of(None, site, saved.as_ref()).await?;
    Ok(SiteSource { text, saved })
}

/// The text of the site's knowledge base for `saved`, its newest saved version: that
/// version's text, or else the file's. With `models`, the file's text as it was read for the
/// model in use (the file on disk may have changed since without being put live), the file
/// itself read only if that model was not compiled from it (another process put it back).
pub async fn text_of(
    models: Option<&Models>,
    site: &SiteConfig,
    saved: Option<&KbVersion>,
) -> Result<Option<String>, KnowledgeError> {
    if let Some(text) = saved.and_then(|v| v.text.clone()) {
        return Ok(Some(text));
    }
    match models.and_then(|m| m.text_in_use(&site.id)) {
        Some(in_use) if in_use.version.is_none() => Ok(Some(in_use.text)),
        _ => read_file(site).await,
    }
}

/// The newest version of the site's knowledge base saved in the console, if any.
async fn newest_saved(db: &Db, site: &SiteConfig) -> Result<Option<KbVersion>, KnowledgeError> {
    db.kb_version(&site.id)
        .await
        .map_err(|error| KnowledgeError::Store {
            site: site.id.clone(),
            error,
        })
}

/// Reads the site's configured knowledge base file, if it has one.
pub async fn read_file(site: &SiteConfig) -> Result<Option<String>, KnowledgeError> {
    let Some(path) = &site.knowledge_base else {
        return Ok(None);
    };
    if path == "demo" {
        return Ok(Some(DEMO_KB.to_owned()));
    }
    let text = tokio::fs::read_to_string(path)
        .await
        .map_err(|error| KnowledgeError::Read {
            site: site.id.clone(),
            path: path.clone(),
            error,
        })?;
    Ok(Some(text))
}

/// Reads and parses one site's knowledge base, if it has one.
pub async fn read_site(db: &Db, site: &SiteConfig) -> Result<Option<ReadKb>, KnowledgeError> {
    let source = read_source(db, site).await?;
    let Some(text) = source.text.clone() else {
        return Ok(None);
    };
    let version = source.edited().map(|v| v.version);
    KnowledgeBase::parse(&text)
        .map(|kb| {
            Some(ReadKb {
                site: site.id.clone(),
                read: KbText { text, version },
                kb,
            })
        })
        .map_err(|errors| match source.edited() {
            Some(saved) => KnowledgeError::InvalidSaved {
                site: site.id.clone(),
                version: saved.version,
                errors,
            },
            None => KnowledgeError::Invalid {
                site: site.id.clone(),
                path: site.knowledge_base.clone().unwrap_or_default(),
                errors,
            },
        })
}

/// Reads every site's knowledge base again (`SIGHUP`) and compiles those that changed; each
/// site's model in use keeps serving until its successor is ready. A file that no longer
/// reads, or has errors, leaves its site's model as it was, and its errors are logged.
pub async fn reload(db: &Db, config: &Config, models: Arc<Models>) {
    let sites: Vec<&SiteConfig> = config.sites.iter().collect();
    let changed = read_again(db, &models, &sites).await;
    recompile(models, changed).await;
}

/// The sites' knowledge bases read again, those whose text differs from the one in use (the
/// same text compiles to the same model); one that no longer reads is logged and left out.
async fn read_again(db: &Db, models: &Models, sites: &[&SiteConfig]) -> Vec<ReadKb> {
    let mut changed = Vec::new();
    for site in sites {
        match read_site(db, site).await {
            Ok(Some(kb)) if models.text_in_use(&site.id).as_ref() == Some(&kb.read) => {
                tracing::info!(site = %site.id, "knowledge base unchanged: not compiled again")
            }
            Ok(Some(kb)) => changed.push(kb),
            Ok(None) => {}
            Err(error) => {
                tracing::error!(%error, "knowledge base not reloaded: the site keeps its model")
            }
        }
    }
    changed
}

/// Compiles knowledge bases just read, their models in use serving meanwhile. Each site
/// counts as reloading from this call, before the returned future runs (so whoever asked sees
/// it at once), until its new model is in use.
pub fn recompile(
    models: Arc<Models>,
    read: Vec<ReadKb>,
) -> impl Future<Output = ()> + Send + 'static {
    let sites: Vec<String> = read.iter().map(|r| r.site.clone()).collect();
    for site in &sites {
        models.count_reload(site, 1);
    }
    async move {
        compile_all(models.clone(), read).await;
        for site in &sites {
            models.count_reload(site, -1);
        }
    }
}

/// Reloads the sites the hub names ([`Event::KnowledgeBase`](crate::events::Event), from
/// other processes), one after the other, for as long as the server runs.
pub async fn watch(state: AppState, mut sites: mpsc::UnboundedReceiver<String>) {
    while let Some(site) = sites.recv().await {
        let Some(config) = state.config.site(&site) else {
            continue;
        };
        tracing::info!(%site, "reloading the knowledge base");
        let changed = read_again(&state.db, &state.models, &[config]).await;
        recompile(state.models.clone(), changed).await;
    }
}

/// Compiles one knowledge base (CPU-bound: run it off the async threads).
pub fn compile(kb: &KnowledgeBase) -> SiteModel {
    let compiled = tandem_assistant::compile(kb);
    let check_report = check_report(kb, &compiled.report);
    let bytes = compiled.model.to_bytes();
    let hash = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    SiteModel {
        hash,
        bytes,
        greeting: compiled.model.site.greeting.clone(),
        entries: compiled
            .model
            .entries
            .iter()
            .map(|e| e.id.clone())
            .collect(),
        check_report,
    }
}

/// The `kb check` report of a compiled knowledge base: its lint and cross-validated quality.
pub fn check_report(
    kb: &KnowledgeBase,
    quality: &tandem_assistant::compile::CompileReport,
) -> String {
    tandem_assistant::check::CheckReport {
        site: kb.site.name.clone(),
        language: kb.site.language.clone(),
        lints: tandem_assistant::lint::lint(kb),
        quality: quality.clone(),
    }
    .to_string()
}

/// Compiles the knowledge bases one after the other in the background, making each model
/// available as soon as it is done, with the text it was compiled from.
async fn compile_all(models: Arc<Models>, read: Vec<ReadKb>) {
    let _turn = models.compiling.lock().await;
    for ReadKb { site, read, kb } in read {
        let started = std::time::Instant::now();
        match tokio::task::spawn_blocking(move || compile(&kb)).await {
            Ok(model) => {
                tracing::info!(%site, entries = model.entries.len(), bytes = model.bytes.len(),
                    seconds = started.elapsed().as_secs_f32(), "knowledge base compiled");
                models.insert(site, model, read);
            }
            Err(error) => tracing::error!(%site, %error, "compiling the knowledge base failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Author;

    async fn db() -> Db {
        Db::connect("sqlite::memory:").await.unwrap()
    }

    #[tokio::test]
    async fn a_broken_knowledge_base_names_the_site_and_every_error() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("kb.toml");
        std::fs::write(&path, "[site]\nname = 1\n").unwrap();
        let mut config = Config::default_demo();
        config.sites[0].knowledge_base = Some(path.display().to_string());
        let db = db().await;
        let error = load(&db, &config).await.unwrap_err().to_string();
        assert!(error.contains("\"acme\""), "{error}");
        assert!(error.contains("line 2"), "{error}");
        config.sites[0].knowledge_base = Some("/no/such/kb.toml".into());
        assert!(
            load(&db, &config)
                .await
                .unwrap_err()
                .to_string()
                .contains("/no/such/kb.toml")
        );
    }

    #[tokio::test]
    async fn the_demo_knowledge_base_parses() {
        let mut config = Config::default_demo();
        config.sites[0].knowledge_base = Some("demo".into());
        let loaded = load(&db().await, &config).await.unwrap();
        assert_eq!(loaded.len(), 1);
        assert!(loaded[0].kb.entries.len() >= 40);
    }

    #[tokio::test]
    async fn a_version_saved_in_the_console_wins_over_the_file_until_the_file_is_put_back() {
        let mut config = Config::default_demo();
        config.sites[0].knowledge_base = Some("demo".into());
        let site = &config.sites[0];
        let db = db().await;
        let author = Author {
            id: "a1",
            name: "Anna",
        };
        let edited = tandem_assistant::fixture::KB;
        assert_eq!(
            db.save_kb_version("acme", 0, Some(edited), author)
                .await
                .unwrap()
                .map(|v| v.version),
            Some(1)
        );
        let source = read_source(&db, site).await.unwrap();
        assert_eq!(source.text.as_deref(), Some(edited));
        assert_eq!(source.edited().unwrap().agent_name, "Anna");
        // A save from a version that is no longer the newest would overwrite it unseen.
        assert_eq!(
            db.save_kb_version("acme", 0, Some("x"), author)
                .await
                .unwrap(),
            None
        );
        // Broken text saved anyway (by an older server, say) names where it came from.
        db.save_kb_version("acme", 1, Some("[site]\nname = 1\n"), author)
            .await
            .unwrap();
        let error = read_site(&db, site).await.unwrap_err().to_string();
        assert!(error.contains("version 2 saved in the console"), "{error}");
        // It does not keep the server from starting: that site just has no assistant.
        assert!(load(&db, &config).await.unwrap().is_empty());
        db.save_kb_version("acme", 2, None, author).await.unwrap();
        let back = read_source(&db, site).await.unwrap();
        assert_eq!(back.text.as_deref(), Some(DEMO_KB));
        assert_eq!(back.edited(), None);
        assert_eq!(back.saved.unwrap().version, 3);
    }

    /// acme configured with a knowledge base file holding `text`.
    fn with_file(dir: &tempfile::TempDir, text: &str) -> (Config, std::path::PathBuf) {
        let path = dir.path().join("kb.toml");
        std::fs::write(&path, text).unwrap();
        let mut config = Config::default_demo();
        config.sites[0].knowledge_base = Some(path.display().to_string());
        (config, path)
    }

    /// The text the editor loads, as the admin's handler reads it.
    async fn in_use(
        db: &Db,
        models: &Models,
        site: &SiteConfig,
    ) -> Result<Option<String>, KnowledgeError> {
        let saved = newest_saved(db, site).await?;
        text_of(Some(models), site, saved.as_ref()).await
    }

    #[tokio::test]
    async fn the_text_in_use_is_what_was_compiled_not_the_file_changed_since() {
        let dir = tempfile::TempDir::new().unwrap();
        let (config, path) = with_file(&dir, tandem_assistant::fixture::KB);
        let site = &config.sites[0];
        let db = db().await;
        let models = Arc::new(Models::default());
        recompile(models.clone(), load(&db, &config).await.unwrap()).await;
        let compiled = models.get("acme").expect("compiled");

        std::fs::write(&path, "[site]\nname = \"Changed on disk\"\n").unwrap();
        let text = in_use(&db, &models, site).await.unwrap();
        assert_eq!(text.as_deref(), Some(tandem_assistant::fixture::KB));

        // Read again unchanged (SIGHUP), a knowledge base is not compiled again.
        std::fs::write(&path, tandem_assistant::fixture::KB).unwrap();
        reload(&db, &config, models.clone()).await;
        assert!(Arc::ptr_eq(&compiled, &models.get("acme").unwrap()));
        // Changed, it is.
        let greeting = tandem_assistant::fixture::KB.replace("Hi!", "Hello again!");
        std::fs::write(&path, &greeting).unwrap();
        reload(&db, &config, models.clone()).await;
        assert_eq!(models.get("acme").unwrap().greeting, "Hello again!");
        let text = in_use(&db, &models, site).await.unwrap();
        assert_eq!(text.as_deref(), Some(greeting.as_str()));
    }

    #[tokio::test]
    async fn the_file_is_read_when_put_back_by_another_process_and_may_not_read() {
        let dir = tempfile::TempDir::new().unwrap();
        let (config, path) = with_file(&dir, tandem_assistant::fixture::KB);
        let site = &config.sites[0];
        let db = db().await;
        let author = Author {
            id: "a1",
            name: "Anna",
        };
        let edited = tandem_assistant::fixture::KB.replace("Hi!", "Edited");
        db.save_kb_version("acme", 0, Some(&edited), author)
            .await
            .unwrap();
        let models = Arc::new(Models::default());
        recompile(models.clone(), load(&db, &config).await.unwrap()).await;
        let text = in_use(&db, &models, site).await.unwrap();
        assert_eq!(text.as_deref(), Some(edited.as_str()));

        // Another process puts the file back in use; this one has not read it yet.
        db.save_kb_version("acme", 1, None, author).await.unwrap();
        let text = in_use(&db, &models, site).await.unwrap();
        assert_eq!(text.as_deref(), Some(tandem_assistant::fixture::KB));
        std::fs::remove_file(&path).unwrap();
        let error = in_use(&db, &models, site).await.unwrap_err();
        assert!(matches!(error, KnowledgeError::Read { .. }), "{error}");
    }
}
