//! The admin page's knowledge base editor as a plain value: the text the server has in use
//! (and its version), what the admin typed over it, how the last save went and the questions
//! tried on it ([`KbDraft`]), for each site the admin typed in ([`KbDrafts`]: switching
//! sites or pages loses nothing). Native tests cover its rules; `ui::kb_editor` draws it and
//! makes the calls.

use std::collections::BTreeMap;

use tandem_protocol::agent::{KbSaved, KbSource};

use crate::kb_trial::Trial;

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

/// One line of a refused save, and the line and column (from 1) it names, if it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemLine {
    pub text: String,
    pub at: Option<(usize, usize)>,
}

/// The place an error names: "line 12, column 3: ..." or, inside an entry, "line 12,
/// column 3 (entry "shipping"): ..." (how the knowledge base's errors begin).
fn place(line: &str) -> Option<(usize, usize)> {
    let rest = line.strip_prefix("line ")?;
    let (number, rest) = rest.split_once(", column ")?;
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    Some((number.parse().ok()?, rest[..digits].parse().ok()?))
}

/// Where the caret goes for a line and column (from 1) of `text`, counted as a text area
/// counts (UTF-16 code units); past the end of a line or the text, its end.
pub fn caret(text: &str, line: usize, column: usize) -> u32 {
    let mut units = 0;
    for (n, content) in text.split('\n').enumerate() {
        if n + 1 == line {
            let before: usize = content
                .chars()
                .take(column.saturating_sub(1))
                .map(char::len_utf16)
                .sum();
            return u32::try_from(units + before).unwrap_or(u32::MAX);
        }
        units += content.encode_utf16().count() + 1;
    }
    u32::try_from(text.encode_utf16().count()).unwrap_or(u32::MAX)
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
    /// Whether `problem` is a try's errors (the next try that reads clears them), not a
    /// refused save or an unreadable file, which stay until the next load.
    problem_tried: bool,
    /// The saved version opened into the editor to be saved again, until saved or discarded.
    pub opened: Option<i64>,
    /// The questions tried on the text, and the last try's replies.
    pub trial: Trial,
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
    /// typed before is dropped. If the server could not read it, why.
    pub fn loaded(&mut self, source: KbSource) {
        self.text = source.text.clone();
        self.busy = false;
        self.problem = source.problem.clone();
        self.problem_tried = false;
        self.opened = None;
        self.current = Some(source);
    }

    /// An older saved version's text, opened in the editor over the text in use: a change to
    /// save (which makes it the newest version) or discard.
    pub fn open_version(&mut self, version: i64, text: String) {
        self.text = text;
        self.opened = Some(version);
        self.problem = None;
        self.problem_tried = false;
    }

    /// Whether an older version may be opened: not over unsaved changes (they would be lost
    /// unasked), nor while a save is on its way or before the text in use is loaded.
    pub fn can_open_version(&self) -> bool {
        self.current.is_some() && !self.changed() && !self.busy
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

    /// Whether leaving the editor would lose something: changes, a save on its way, or a try.
    fn worth_keeping(&self) -> bool {
        self.changed() || self.busy || !self.trial.is_empty()
    }

    /// The version the changes start from, for the save.
    pub fn base_version(&self) -> i64 {
        self.current.as_ref().map_or(0, |c| c.version)
    }

    /// A save or reload refused; the typed text stays.
    pub fn refused(&mut self, problem: String) {
        self.busy = false;
        self.problem = Some(problem);
        self.problem_tried = false;
    }

    /// A try of the text came back: its errors (each with its line) shown as a refused
    /// save's are, or, once it reads, none; a save on its way goes on waiting.
    pub fn tried(&mut self, outcome: Result<(), String>) {
        match outcome {
            Err(errors) => {
                self.problem = Some(errors);
                self.problem_tried = true;
            }
            Ok(()) if self.problem_tried => {
                self.problem = None;
                self.problem_tried = false;
            }
            Ok(()) => {}
        }
    }

    /// The last refusal, a line at a time, each error with the place it points to, so the
    /// editor can take the admin there.
    pub fn problem_lines(&self) -> Vec<ProblemLine> {
        let Some(problem) = &self.problem else {
            return Vec::new();
        };
        problem
            .lines()
            .map(|line| ProblemLine {
                text: line.to_owned(),
                at: place(line),
            })
            .collect()
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

/// The editor of every site the admin typed in: the one shown, and the others' unsaved
/// changes, kept while the admin looks at another site (or another page) and shown again
/// when they come back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KbDrafts {
    shown: KbDraft,
    /// Other sites' editors, those with unsaved changes, a save on its way or a try.
    kept: BTreeMap<String, KbDraft>,
    /// The agent they are for.
    agent: Option<String>,
}

impl KbDrafts {
    /// Someone signed in: the drafts are kept for the agent who typed them (back after a lost
    /// session) and dropped for anyone else signing in at that browser.
    pub fn signed_in(&mut self, agent: &str) {
        if self.agent.as_deref() != Some(agent) {
            *self = KbDrafts {
                agent: Some(agent.to_owned()),
                ..KbDrafts::default()
            };
        }
    }

    /// The editor shown.
    pub fn shown(&self) -> &KbDraft {
        &self.shown
    }

    pub fn shown_mut(&mut self) -> &mut KbDraft {
        &mut self.shown
    }

    /// Shows the site's editor: as the admin left it if it holds changes (or a save on its
    /// way), else a new one with the questions tried before. Whether it needs the server's
    /// text (loaded afresh when nothing typed would be lost).
    pub fn show(&mut self, site: &str) -> bool {
        if self.shown.site != site {
            let next = self
                .kept
                .remove(site)
                .unwrap_or_else(|| KbDraft::for_site(site));
            let before = std::mem::replace(&mut self.shown, next);
            if before.worth_keeping() {
                self.kept.insert(before.site.clone(), before);
            }
        }
        let needs_text = !self.shown.changed() && !self.shown.busy;
        if needs_text {
            let trial = std::mem::take(&mut self.shown.trial);
            self.shown = KbDraft {
                trial,
                ..KbDraft::for_site(site)
            };
        }
        needs_text
    }

    /// The site's editor, shown or kept (an answer may arrive after the admin moved on).
    pub fn draft_mut(&mut self, site: &str) -> Option<&mut KbDraft> {
        if self.shown.site == site {
            return Some(&mut self.shown);
        }
        self.kept.get_mut(site)
    }

    /// Whether a try is on its way for any site.
    pub fn trying(&self) -> bool {
        self.shown.trial.running || self.kept.values().any(|d| d.trial.running)
    }

    /// Whether any site's editor holds changes the server does not have.
    pub fn changed(&self) -> bool {
        self.shown.changed() || self.kept.values().any(KbDraft::changed)
    }

    /// The other sites whose editors hold unsaved changes, to remind the admin.
    pub fn unsaved_elsewhere(&self) -> Vec<String> {
        self.kept
            .values()
            .filter(|d| d.changed())
            .map(|d| d.site.clone())
            .collect()
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
            problem: None,
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
            problem: None,
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
    fn each_error_of_a_refusal_names_the_place_the_editor_takes_the_admin_to() {
        let mut draft = KbDraft::for_site("acme");
        draft.loaded(file("[site]\n"));
        draft.refused(
            "The knowledge base has errors; nothing changed:\n\
             line 4, column 6: entry id \"A B\" may only use lowercase letters\n\
             line 12, column 1: missing `title`"
                .to_owned(),
        );
        let lines = draft.problem_lines();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].at, None, "the heading points nowhere");
        assert_eq!(lines[1].at, Some((4, 6)));
        assert_eq!(lines[2].at, Some((12, 1)));
        assert!(lines[2].text.ends_with("missing `title`"));
        // As the compiler words an error inside an entry.
        let inside = tandem_assistant::KnowledgeBase::parse(
            "[site]\nname = \"Acme\"\ngreeting = \"Hi\"\n\n\
             [[entry]]\nid = \"shipping\"\nanswer = \"2-4 days.\"\nphrasings = [\"a\", \"b\", \"c\"]\n\n\
             [[entry]]\nid = \"returns\"\ntitle = \"Returns\"\nanswer = \"30 days.\"\nphrasings = [\"d\", \"e\", \"f\"]\n",
        );
        let text = inside
            .expect_err("an entry without title, answer or phrasings")
            .to_string();
        draft.refused(text.clone());
        let lines = draft.problem_lines();
        assert!(
            lines
                .iter()
                .any(|l| l.text.contains("(entry \"shipping\")") && l.at.is_some()),
            "{text}"
        );
        draft.loaded(file("[site]\n"));
        assert!(draft.problem_lines().is_empty());
    }

    #[test]
    fn the_caret_lands_on_the_named_line_and_column_as_a_text_area_counts() {
        let text = "[site]\nname = \"Café 🛍\"\n[[entry]]\nid = \"A B\"";
        assert_eq!(caret(text, 1, 1), 0);
        assert_eq!(caret(text, 2, 1), 7);
        // "é" is one unit, "🛍" two: line 3 starts after 7 + 16 units + the newline.
        assert_eq!(caret(text, 3, 1), 24);
        assert_eq!(caret(text, 4, 6), 34 + 5);
        assert_eq!(
            caret(text, 2, 99),
            7 + 16,
            "a column past the end: the line's end"
        );
        assert_eq!(
            caret(text, 99, 1),
            44,
            "a line past the end: the text's end"
        );
    }

    #[test]
    fn a_site_without_a_file_or_a_saved_version_has_none_yet() {
        let mut draft = KbDraft::for_site("acme");
        draft.loaded(KbSource {
            text: String::new(),
            version: 0,
            saved: None,
            file: false,
            problem: None,
        });
        assert_eq!(draft.origin(), Origin::None);
        assert!(!draft.has_file());
    }

    #[test]
    fn a_file_the_server_cannot_read_loads_an_empty_text_to_write_and_says_why() {
        let mut draft = KbDraft::for_site("acme");
        draft.loaded(KbSource {
            problem: Some("The knowledge base file ... cannot be read".to_owned()),
            ..file("")
        });
        assert_eq!(draft.origin(), Origin::File);
        assert_eq!(draft.problem_lines().len(), 1);
        draft.edit("[site]\n".to_owned());
        assert!(draft.changed(), "what is written can be saved");
    }

    #[test]
    fn an_older_version_opens_as_a_change_to_save_and_only_over_no_other_change() {
        let mut draft = KbDraft::for_site("acme");
        assert!(!draft.can_open_version(), "nothing loaded yet");
        draft.loaded(file("[site]\nname = \"Now\"\n"));
        assert!(draft.can_open_version());
        draft.open_version(1, "[site]\nname = \"Then\"\n".to_owned());
        assert_eq!(draft.opened, Some(1));
        assert!(draft.changed(), "saving it makes it the newest version");
        assert!(
            !draft.can_open_version(),
            "not over what is in the editor now"
        );
        assert_eq!(draft.base_version(), 0, "saved over the version in use");
        draft.loaded(file("[site]\nname = \"Then\"\n"));
        assert_eq!(draft.opened, None, "saved (or discarded)");
    }

    #[test]
    fn a_try_shows_its_errors_without_ending_a_save_on_its_way() {
        let mut draft = KbDraft::for_site("acme");
        draft.loaded(file("[site]\n"));
        draft.edit("broken".to_owned());
        draft.busy = true;
        draft.tried(Err("line 1, column 1: ...".to_owned()));
        assert!(draft.busy, "the save's answer ends the wait, not the try's");
        assert_eq!(draft.problem_lines()[0].at, Some((1, 1)));
        draft.tried(Ok(()));
        assert_eq!(draft.problem, None, "mended: the old errors go");
        // A refused save is not the try's to clear: it says what to do next.
        draft.refused("Ben saved version 8 after you opened it.".to_owned());
        draft.tried(Ok(()));
        assert_eq!(
            draft.problem.as_deref(),
            Some("Ben saved version 8 after you opened it.")
        );
    }

    #[test]
    fn switching_sites_keeps_each_sites_unsaved_changes() {
        let mut drafts = KbDrafts::default();
        assert!(drafts.show("acme"), "acme's text is loaded");
        drafts.draft_mut("acme").unwrap().loaded(file("[site]\n"));
        assert!(
            drafts.show("acme"),
            "shown again, nothing typed: loaded afresh"
        );
        drafts.draft_mut("acme").unwrap().loaded(file("[site]\n"));
        drafts
            .draft_mut("acme")
            .unwrap()
            .edit("acme's change".to_owned());
        assert!(drafts.changed());

        assert!(drafts.show("bolt"), "bolt's text is loaded");
        assert_eq!(drafts.shown().site, "bolt");
        assert_eq!(drafts.unsaved_elsewhere(), ["acme"]);
        assert!(drafts.changed(), "the page still asks before closing");
        drafts.draft_mut("bolt").unwrap().loaded(file("[site]\n"));

        assert!(!drafts.show("acme"), "acme comes back as it was left");
        assert_eq!(drafts.shown().text(), "acme's change");
        assert!(drafts.unsaved_elsewhere().is_empty(), "bolt had no changes");
        assert!(drafts.show("bolt"), "bolt, unchanged, is loaded afresh");
    }

    #[test]
    fn questions_tried_and_their_replies_stay_with_their_site() {
        let mut drafts = KbDrafts::default();
        drafts.show("acme");
        let acme = drafts.draft_mut("acme").unwrap();
        acme.loaded(file("[site]\n"));
        acme.trial.typed = "where is my parcel".to_owned();
        acme.trial.last = Some(crate::kb_trial::Tried {
            asked: vec!["where is my parcel".to_owned()],
            text: "[site]\n".to_owned(),
            left_out: 0,
            tried: tandem_protocol::agent::KbTried {
                report: "report".to_owned(),
                replies: vec![],
            },
        });
        let tried = acme.trial.clone();

        assert!(drafts.show("bolt"));
        assert!(drafts.shown().trial.is_empty(), "bolt has its own");
        assert!(
            drafts.unsaved_elsewhere().is_empty(),
            "a try is not an unsaved change"
        );
        assert!(!drafts.changed(), "nor does the page ask before closing");
        assert!(drafts.show("acme"), "unchanged: its text is loaded afresh");
        assert_eq!(
            drafts.shown().trial,
            tried,
            "with the questions and replies"
        );
        drafts.draft_mut("acme").unwrap().loaded(file("[site]\n"));
        assert_eq!(drafts.shown().trial, tried, "and they outlive the load");

        // A try on its way is kept too, and counts wherever the admin looks.
        drafts.show("bolt");
        drafts.shown_mut().trial.running = true;
        drafts.show("acme");
        assert!(drafts.trying());
        drafts.draft_mut("bolt").unwrap().trial.running = false;
        assert!(!drafts.trying());
    }

    #[test]
    fn drafts_are_kept_for_the_admin_who_typed_them_and_no_one_else() {
        let mut drafts = KbDrafts::default();
        drafts.signed_in("anna");
        drafts.show("acme");
        drafts.draft_mut("acme").unwrap().loaded(file("[site]\n"));
        drafts
            .draft_mut("acme")
            .unwrap()
            .edit("anna's change".to_owned());
        drafts.signed_in("anna");
        assert!(drafts.changed(), "back after a lost session: kept");
        drafts.signed_in("ben");
        assert!(!drafts.changed(), "someone else signs in: dropped");
        assert_eq!(drafts.shown().site, "");
    }

    #[test]
    fn a_save_answered_after_the_admin_moved_on_reaches_its_site() {
        let mut drafts = KbDrafts::default();
        drafts.show("acme");
        let acme = drafts.draft_mut("acme").unwrap();
        acme.loaded(file("[site]\n"));
        acme.edit("saved".to_owned());
        acme.busy = true;
        drafts.show("bolt");
        drafts.draft_mut("acme").unwrap().loaded(file("saved"));
        assert!(!drafts.changed());
        assert!(drafts.unsaved_elsewhere().is_empty());
        assert!(
            drafts.draft_mut("zeta").is_none(),
            "never shown: nothing to answer"
        );
    }
}
