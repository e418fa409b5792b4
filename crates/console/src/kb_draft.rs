//! The admin page's knowledge base editor as a plain value: the text the server has in use
//! (and its version), what the admin typed over it, and how the last save went. Native tests
//! cover its rules; `ui::kb_editor` draws it and makes the calls.

use tandem_protocol::agent::{KbSaved, KbSource};

/// Where the text in use comes from, for the line above the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Not loaded yet.
    Loading,
    /// The site has no knowledge base: one can be written here.
    None,
    /// The site's configured file.
    File,
    /// A version saved in the console.
    Saved { version: i64, by: KbSaved },
}

/// One site's editor.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KbDraft {
    pub site: String,
    /// What the server has in use, once loaded.
    current: Option<KbSource>,
    /// What the editor shows: the text in use, or the admin's changes to it.
    text: String,
    /// A save or a reload is on its way: the buttons wait for it.
    pub busy: bool,
    /// Why the last save was refused (every error with its line, or a newer version saved
    /// meanwhile); the typed text stays, so nothing is lost.
    pub problem: Option<String>,
}

impl KbDraft {
    /// An editor for the site, waiting for its text.
    pub fn for_site(site: &str) -> KbDraft {
        KbDraft {
            site: site.to_owned(),
            ..KbDraft::default()
        }
    }

    /// The server's text in use, loaded (or loaded again): the editor shows it, and what was
    /// typed before is dropped.
    pub fn loaded(&mut self, source: KbSource) {
        self.text = source.text.clone();
        self.current = Some(source);
        self.busy = false;
        self.problem = None;
    }

    /// The admin typed.
    pub fn edit(&mut self, text: String) {
        self.text = text;
    }

    /// The text the editor shows.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the editor holds changes the server does not have.
    pub fn changed(&self) -> bool {
        self.current.as_ref().is_some_and(|c| c.text != self.text)
    }

    /// The version the changes start from, for the save.
    pub fn base_version(&self) -> i64 {
        self.current.as_ref().map_or(0, |c| c.version)
    }

    /// A save or reload refused; the typed text stays.
    pub fn refused(&mut self, problem: String) {
        self.busy = false;
        self.problem = Some(problem);
    }

    /// Whether the site has a file to put (back) in use.
    pub fn has_file(&self) -> bool {
        self.current.as_ref().is_some_and(|c| c.file)
    }

    pub fn origin(&self) -> Origin {
        match &self.current {
            None => Origin::Loading,
            Some(KbSource {
                saved: Some(by),
                version,
                ..
            }) => Origin::Saved {
                version: *version,
                by: by.clone(),
            },
            Some(c) if c.file => Origin::File,
            Some(_) => Origin::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> KbSource {
        KbSource {
            text: text.to_owned(),
            version: 0,
            saved: None,
            file: true,
        }
    }

    #[test]
    fn typing_over_the_loaded_text_is_a_change_until_saved() {
        let mut draft = KbDraft::for_site("acme");
        assert_eq!(draft.origin(), Origin::Loading);
        assert!(!draft.changed(), "nothing loaded, nothing to save");
        draft.loaded(file("[site]\n"));
        assert_eq!((draft.origin(), draft.text()), (Origin::File, "[site]\n"));
        draft.edit("[site]\nname = \"Acme\"\n".to_owned());
        assert!(draft.changed());
        assert_eq!(draft.base_version(), 0);
        draft.edit("[site]\n".to_owned());
        assert!(!draft.changed(), "typed back to what is in use");

        draft.edit("[site]\nname = \"Acme\"\n".to_owned());
        draft.busy = true;
        let by = KbSaved {
            by: "Anna".to_owned(),
            at: 1,
        };
        draft.loaded(KbSource {
            text: "[site]\nname = \"Acme\"\n".to_owned(),
            version: 1,
            saved: Some(by.clone()),
            file: true,
        });
        assert!(!draft.changed() && !draft.busy);
        assert_eq!(draft.origin(), Origin::Saved { version: 1, by });
        assert_eq!(draft.base_version(), 1);
    }

    #[test]
    fn a_refused_save_keeps_what_was_typed_and_says_why_until_the_next_load() {
        let mut draft = KbDraft::for_site("acme");
        draft.loaded(file("[site]\n"));
        draft.edit("broken".to_owned());
        draft.busy = true;
        draft.refused("line 1, column 1: ...".to_owned());
        assert_eq!(draft.text(), "broken");
        assert!(draft.changed() && !draft.busy);
        assert_eq!(draft.problem.as_deref(), Some("line 1, column 1: ..."));
        draft.loaded(file("[site]\n"));
        assert_eq!((draft.text(), draft.problem.as_deref()), ("[site]\n", None));
    }

    #[test]
    fn a_site_without_a_file_or_a_saved_version_has_none_yet() {
        let mut draft = KbDraft::for_site("acme");
        draft.loaded(KbSource {
            text: String::new(),
            version: 0,
            saved: None,
            file: false,
        });
        assert_eq!(draft.origin(), Origin::None);
        assert!(!draft.has_file());
    }
}
