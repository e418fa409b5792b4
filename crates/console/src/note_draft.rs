//! A note an agent is writing on a conversation, as a plain value: its text, the client id it
//! goes under (so that sending it again after a failure stores it once), whether it is on its
//! way, and why the server refused it. The desk keeps one per conversation the agent has; the
//! history one per closed conversation opened there (a wrap-up).

use tandem_protocol::agent::Note;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct NoteDraft {
    pub text: String,
    /// The name it was sent under, kept until it is stored; a new text gets a new name.
    pub client_id: Option<String>,
    /// Sent, no answer yet.
    pub saving: bool,
    /// Why the server refused it; the text stays to send again.
    pub problem: Option<String>,
}

impl NoteDraft {
    /// Whether there is a note to add (not only blanks).
    pub fn is_written(&self) -> bool {
        !self.text.trim().is_empty()
    }

    /// The agent edits it: another text is another note.
    pub fn write(&mut self, text: String) {
        if self.text != text {
            self.text = text;
            self.client_id = None;
        }
    }

    /// The agent adds it: its client id (`fresh` unless it was sent before) and text to
    /// send, unless it is blank or already on its way.
    pub fn send(&mut self, fresh: String) -> Option<(String, String)> {
        if self.saving || !self.is_written() {
            return None;
        }
        self.saving = true;
        self.problem = None;
        let client_id = self.client_id.get_or_insert(fresh).clone();
        Some((client_id, self.text.trim().to_owned()))
    }

    /// The server refused it: the agent reads why, and the text stays.
    pub fn refused(&mut self, problem: String) {
        self.saving = false;
        self.problem = Some(problem);
    }
}

/// A stored note, added to a conversation's notes once (the live connection may have brought
/// it already).
pub fn add_once(notes: &mut Vec<Note>, note: Note) {
    if !notes.iter().any(|n| n.id == note.id) {
        notes.push(note);
    }
}
