use serde_json::Map;
use tandem_protocol::{
    Problem,
    agent::{AgentServerFrame, ConversationDetail, Note, Offer, Resolution},
    conversation::{Author, ConversationState, HandoffReason},
    fixture,
};

use super::*;

fn welcomed(conversations: Vec<ConversationDetail>) -> Desk {
    let mut desk = Desk::default();
    desk.apply(AgentServerFrame::Welcome {
        profile: fixture::agent(),
        conversations,
    });
    desk
}

#[test]
fn welcome_opens_the_first_conversation() {
    let desk = welcomed(vec![
        fixture::conversation("c1"),
        fixture::conversation("c2"),
    ]);
    assert_eq!(desk.profile.as_ref().unwrap().name, "Ada");
    assert_eq!(desk.open_id(), Some("c1"));
    assert_eq!(desk.chats().len(), 2);
}

#[test]
fn an_offer_alerts_and_goes_when_withdrawn_or_accepted() {
    let mut desk = welcomed(vec![]);
    let offer = Offer {
        conversation: fixture::waiting("c9", 1, HandoffReason::Asked),
        expires_at: 60_000,
    };
    let alert = desk.apply(AgentServerFrame::Offer {
        offer: offer.clone(),
    });
    assert_eq!(alert, Some(Alert::Offer(offer.clone())));
    assert_eq!(desk.offers().len(), 1);
    assert_eq!(desk.title(), "(1 waiting) Tandem console");

    desk.apply(AgentServerFrame::Queue {
        site: "acme".into(),
        entries: vec![fixture::waiting("c9", 1, HandoffReason::Asked)],
    });
    assert_eq!(
        desk.title(),
        "(1 waiting) Tandem console",
        "offered and queued: one shopper"
    );
    desk.apply(AgentServerFrame::OfferWithdrawn {
        conversation: "c9".into(),
    });
    assert!(desk.offers().is_empty());

    desk.apply(AgentServerFrame::Offer { offer });
    desk.apply(AgentServerFrame::Assigned {
        conversation: fixture::conversation("c9"),
    });
    assert!(desk.offers().is_empty(), "accepted: no longer an offer");
    assert_eq!(desk.open_id(), Some("c9"));
}

#[test]
fn a_reconnect_drops_offers_and_queues_that_ended_meanwhile_and_alerts_only_new_offers() {
    let mut desk = welcomed(vec![]);
    let offer = |id: &str| Offer {
        conversation: fixture::waiting(id, 1, HandoffReason::Asked),
        expires_at: 60_000,
    };
    desk.apply(AgentServerFrame::Offer { offer: offer("c1") });
    desk.apply(AgentServerFrame::Offer { offer: offer("c2") });
    let mut other_site = fixture::waiting("c7", 1, HandoffReason::Asked);
    other_site.site = "globex".into();
    desk.apply(AgentServerFrame::Queue {
        site: "globex".into(),
        entries: vec![other_site],
    });
    desk.problem = Some("The server cannot be reached.".into());

    // Back: c1 is still offered, c2 went to someone else, globex is no longer the agent's.
    desk.apply(AgentServerFrame::Welcome {
        profile: fixture::agent(),
        conversations: vec![],
    });
    let again = desk.apply(AgentServerFrame::Offer { offer: offer("c1") });
    assert_eq!(again, None, "no second sound for an offer already shown");
    desk.apply(AgentServerFrame::Queue {
        site: "acme".into(),
        entries: vec![fixture::waiting("c1", 1, HandoffReason::Asked)],
    });
    let ids: Vec<&str> = desk
        .offers()
        .iter()
        .map(|o| o.conversation.id.as_str())
        .collect();
    assert_eq!(ids, ["c1"]);
    assert_eq!(desk.waiting(), 1, "globex's queue went");
    assert_eq!(
        desk.problem, None,
        "a problem from before the reconnect went"
    );

    // A later offer of c2 is new again.
    let later = desk.apply(AgentServerFrame::Offer { offer: offer("c2") });
    assert_eq!(later, Some(Alert::Offer(offer("c2"))));
}

#[test]
fn queues_of_each_site_are_kept_and_counted() {
    let mut desk = welcomed(vec![]);
    desk.apply(AgentServerFrame::Queue {
        site: "acme".into(),
        entries: vec![
            fixture::waiting("c1", 1, HandoffReason::Asked),
            fixture::waiting("c2", 2, HandoffReason::Asked),
        ],
    });
    assert_eq!(desk.waiting(), 2);
    assert_eq!(desk.queue()[1].id, "c2");
    desk.apply(AgentServerFrame::Queue {
        site: "acme".into(),
        entries: vec![fixture::waiting("c2", 1, HandoffReason::Asked)],
    });
    assert_eq!(desk.waiting(), 1);
}

#[test]
fn shopper_messages_in_another_tab_count_as_unread_until_shown() {
    let mut desk = welcomed(vec![
        fixture::conversation("c1"),
        fixture::conversation("c2"),
    ]);
    desk.apply(AgentServerFrame::Message {
        conversation: "c2".into(),
        message: fixture::message(2, Author::Shopper, "Are you there?", None),
    });
    desk.apply(AgentServerFrame::Message {
        conversation: "c1".into(),
        message: fixture::message(2, Author::Shopper, "Thanks", None),
    });
    assert_eq!(desk.unread(), 1, "only the conversation not shown");
    assert_eq!(desk.title(), "(1 unread) Tandem console");
    desk.select("c2");
    assert_eq!(desk.unread(), 0);
    assert_eq!(
        desk.open_chat().unwrap().last_shopper_text(),
        Some("Are you there?")
    );
}

#[test]
fn a_message_is_stored_once_and_in_order() {
    let mut desk = welcomed(vec![fixture::conversation("c1")]);
    for seq in [3, 2, 3] {
        desk.apply(AgentServerFrame::Message {
            conversation: "c1".into(),
            message: fixture::message(seq, Author::Shopper, &format!("m{seq}"), None),
        });
    }
    let seqs: Vec<u64> = desk.chats()[0]
        .detail
        .messages
        .iter()
        .map(|m| m.seq)
        .collect();
    assert_eq!(seqs, [1, 2, 3]);
}

#[test]
fn a_sent_message_is_pending_until_stored_and_retried_after_failing() {
    let mut desk = welcomed(vec![fixture::conversation("c1")]);
    desk.sending("c1", "k1".into(), "On its way".into());
    assert_eq!(desk.chats()[0].pending.len(), 1);
    desk.failed("k1");
    assert!(desk.chats()[0].pending[0].failed);
    let (conversation, pending) = desk.retry("k1").unwrap();
    assert_eq!(
        (conversation.as_str(), pending.text.as_str()),
        ("c1", "On its way")
    );
    assert!(
        desk.retry("k1").is_none(),
        "only failed messages are retried"
    );
    let mut stored = fixture::message(2, Author::Agent, "On its way", None);
    stored.client_id = Some("k1".into());
    desk.apply(AgentServerFrame::Message {
        conversation: "c1".into(),
        message: stored,
    });
    assert!(desk.chats()[0].pending.is_empty());
    assert_eq!(desk.chats()[0].detail.messages.len(), 2);
}

#[test]
fn a_refused_send_marks_that_message_failed_and_says_why() {
    let mut desk = welcomed(vec![fixture::conversation("c1")]);
    desk.sending("c1", "k1".into(), "x".into());
    desk.apply(AgentServerFrame::Error {
        problem: Problem {
            kind: "about:blank".into(),
            title: "Too long".into(),
            status: 413,
            detail: Some("The message is too long.".into()),
        },
        client_id: Some("k1".into()),
    });
    assert!(desk.chats()[0].pending[0].failed);
    assert_eq!(desk.problem.as_deref(), Some("The message is too long."));
}

#[test]
fn released_conversations_leave_and_the_next_one_opens() {
    let mut desk = welcomed(vec![
        fixture::conversation("c1"),
        fixture::conversation("c2"),
    ]);
    desk.write_note("c1", "Half written".into());
    let released = |desk: &mut Desk, id: &str| {
        desk.apply(AgentServerFrame::Released {
            conversation: id.into(),
            state: ConversationState::Closed,
        })
    };
    released(&mut desk, "c1");
    assert_eq!(
        desk.lost_notes(),
        ["Half written"],
        "a note not added goes with it: the agent reads it"
    );
    assert_eq!(desk.open_id(), Some("c2"));
    // A note on its way is stored all the same (a closed conversation takes notes), or its
    // failure says so: no alert now.
    desk.write_note("c2", "On its way".into());
    desk.saving_note("c2", "n1".into());
    released(&mut desk, "c2");
    assert_eq!(desk.lost_notes(), ["Half written"], "no more");
    assert_eq!(desk.open_id(), None);
}

#[test]
fn a_reconnect_keeps_unread_counts_unsent_messages_and_notes_being_written() {
    let mut desk = welcomed(vec![
        fixture::conversation("c1"),
        fixture::conversation("c2"),
    ]);
    desk.apply(AgentServerFrame::Message {
        conversation: "c2".into(),
        message: fixture::message(2, Author::Shopper, "Hi?", None),
    });
    desk.sending("c1", "k1".into(), "typed before the cut".into());
    desk.write_note("c2", "half a note".into());
    desk.write_reply("c2", "half a reply".into());
    desk.resolve_as("c2", Resolution::Spam);
    desk.apply(AgentServerFrame::Welcome {
        profile: fixture::agent(),
        conversations: vec![fixture::conversation("c1"), fixture::conversation("c2")],
    });
    assert_eq!(desk.chats()[1].resolution, Resolution::Spam);
    assert_eq!(desk.chats()[0].resolution, Resolution::Solved);
    assert_eq!(desk.unread(), 1);
    assert_eq!(desk.chats()[0].pending.len(), 1);
    assert_eq!(desk.chats()[1].note.text, "half a note");
    assert_eq!(desk.chats()[1].draft, "half a reply");
    assert_eq!(desk.open_id(), Some("c1"));
}

#[test]
fn a_reply_being_written_or_not_sent_counts_as_unsaved_until_it_is_sent() {
    let mut desk = welcomed(vec![fixture::conversation("c1")]);
    assert!(!desk.unsaved());
    desk.write_reply("c1", "  ".into());
    assert!(!desk.unsaved(), "blank is nothing to lose");
    desk.write_reply("c1", "Your refund".into());
    assert!(desk.unsaved());
    desk.sending("c1", "k1".into(), "Your refund".into());
    assert_eq!(desk.chats()[0].draft, "", "the composer starts afresh");
    assert!(!desk.unsaved(), "on its way");
    desk.failed("k1");
    assert!(desk.unsaved(), "not sent: the agent would lose it");
}

#[test]
fn a_lost_session_keeps_the_desk_for_the_same_agent_and_tells_of_notes_that_left() {
    let mut desk = welcomed(vec![
        fixture::conversation("c1"),
        fixture::conversation("c2"),
        fixture::conversation("c3"),
    ]);
    desk.select("c2");
    desk.write_note("c2", "Refund promised".into());
    desk.write_note("c3", "Asked for a photo".into());
    desk.write_reply("c2", "Let me check the".into());
    desk.sending("c1", "k1".into(), "One moment".into());
    desk.sending("c1", "k2".into(), "Stored meanwhile".into());
    // On its way as the session ends: no answer will come to this desk.
    assert!(desk.saving_note("c2", "n1".into()).is_some());
    desk.session_lost();
    assert!(desk.chats().is_empty(), "nothing shown while signed out");
    assert_eq!(desk.profile, None);
    assert!(desk.unsaved(), "leaving the sign-in page still asks first");
    desk.session_lost();
    assert!(desk.unsaved(), "lost twice: still kept");

    // Back: c3 was closed by a colleague meanwhile. The rest is as it was; c3's note is
    // shown rather than lost unseen.
    desk.signed_in(fixture::agent());
    let mut c1 = fixture::conversation("c1");
    c1.messages.push(Message {
        client_id: Some("k2".into()),
        ..fixture::message(2, Author::Agent, "Stored meanwhile", None)
    });
    let alert = desk.apply(AgentServerFrame::Welcome {
        profile: fixture::agent(),
        conversations: vec![c1, fixture::conversation("c2")],
    });
    assert_eq!(alert, None);
    assert_eq!(desk.lost_notes(), ["Asked for a photo"]);
    assert_eq!(desk.open_id(), Some("c2"), "the one that was shown");
    assert_eq!(desk.chats()[1].note.text, "Refund promised");
    assert_eq!(desk.chats()[1].draft, "Let me check the");
    assert_eq!(
        desk.saving_note("c2", "n2".into()),
        Some(("n1".to_owned(), "Refund promised".to_owned())),
        "the note can be added again, under its first name"
    );
    let pending = &desk.chats()[0].pending;
    assert_eq!(
        pending.len(),
        1,
        "the stored one is not waiting: {pending:?}"
    );
    assert!(pending[0].failed, "the other one can be sent again");

    // Someone else signing in at that browser gets nothing of it.
    desk.session_lost();
    let ben = AgentProfile {
        id: "b2".into(),
        ..fixture::agent()
    };
    desk.signed_in(ben.clone());
    assert!(!desk.unsaved());
    let alert = desk.apply(AgentServerFrame::Welcome {
        profile: ben,
        conversations: vec![fixture::conversation("c2")],
    });
    assert_eq!(alert, None);
    assert!(
        desk.lost_notes().is_empty(),
        "Ada's lost note is not Ben's to read"
    );
    assert_eq!(desk.chats()[0].note, NoteDraft::default());
    assert_eq!(desk.chats()[0].draft, "");
    assert!(desk.chats()[0].pending.is_empty());
}

#[test]
fn typing_shows_for_the_shopper_only_and_stops_with_their_message() {
    let mut desk = welcomed(vec![fixture::conversation("c1")]);
    desk.apply(AgentServerFrame::Typing {
        conversation: "c1".into(),
        author: Author::Shopper,
        typing: true,
    });
    assert!(desk.chats()[0].shopper_typing);
    desk.apply(AgentServerFrame::Message {
        conversation: "c1".into(),
        message: fixture::message(2, Author::Shopper, "Done", None),
    });
    assert!(!desk.chats()[0].shopper_typing);
}

#[test]
fn the_shops_new_context_replaces_the_old_in_that_conversation_only() {
    let mut desk = welcomed(vec![
        fixture::conversation("c1"),
        fixture::conversation("c2"),
    ]);
    let mut context = Map::new();
    context.insert("page".into(), "payment".into());
    desk.apply(AgentServerFrame::Context {
        conversation: "c2".into(),
        context: context.clone(),
        at: 5_000,
    });
    assert_eq!(desk.chats()[1].detail.context, context);
    assert_eq!(desk.chats()[1].detail.context_changed_at, Some(5_000));
    assert!(desk.chats()[0].detail.context.is_empty());
    assert_eq!(desk.chats()[0].detail.context_changed_at, None);
    // One the agent no longer has changes nothing.
    desk.apply(AgentServerFrame::Context {
        conversation: "c9".into(),
        context,
        at: 6_000,
    });
    assert_eq!(desk.chats().len(), 2);
}

fn note(id: &str, text: &str) -> Note {
    Note {
        id: id.into(),
        agent_name: "Ada".into(),
        text: text.into(),
        at: 7_000,
    }
}

#[test]
fn a_note_is_written_per_conversation_sent_once_and_kept_when_refused() {
    let mut desk = welcomed(vec![
        fixture::conversation("c1"),
        fixture::conversation("c2"),
    ]);
    let saving = |desk: &mut Desk, fresh: &str| desk.saving_note("c1", fresh.into());
    assert_eq!(saving(&mut desk, "k1"), None, "nothing written");
    assert!(!desk.unsaved());
    desk.write_note("c1", "  Checked the parcel: lost  ".into());
    desk.write_note("c2", "Other one".into());
    assert!(desk.unsaved());
    let sent = Some(("k1".to_owned(), "Checked the parcel: lost".to_owned()));
    assert_eq!(saving(&mut desk, "k1"), sent);
    assert_eq!(saving(&mut desk, "k2"), None, "already on its way");
    desk.note_failed("c1", "The server cannot be reached.".into(), "");
    let draft = &desk.chats()[0].note;
    assert_eq!(
        draft.problem.as_deref(),
        Some("The server cannot be reached.")
    );
    assert_eq!(
        draft.text, "  Checked the parcel: lost  ",
        "kept to send again"
    );
    assert!(!draft.saving);
    // Sent again as it was: under the same name, so the server stores it once even if the
    // first try arrived; edited first, it is a new note.
    assert_eq!(saving(&mut desk, "k2"), sent);
    desk.note_failed("c1", "Still offline.".into(), "");
    desk.write_note("c1", "Parcel lost".into());
    assert_eq!(
        saving(&mut desk, "k3"),
        Some(("k3".to_owned(), "Parcel lost".to_owned()))
    );
    desk.noted("c1", note("n1", "Parcel lost"));
    assert_eq!(desk.chats()[0].note, NoteDraft::default(), "starts afresh");
    assert_eq!(
        desk.chats()[1].note.text,
        "Other one",
        "the other draft stays"
    );
    assert!(desk.lost_notes().is_empty());
    // A conversation that left the desk while its note was on the way: the note is shown
    // until dismissed.
    desk.note_failed("c9", "Forbidden".into(), "Refund sent");
    assert_eq!(desk.lost_notes(), ["Refund sent"]);
    desk.dismiss_lost_notes();
    assert!(desk.lost_notes().is_empty());
}

#[test]
fn a_note_shows_once_whether_the_answer_or_the_live_connection_tells_first() {
    let mut desk = welcomed(vec![
        fixture::conversation("c1"),
        fixture::conversation("c2"),
    ]);
    desk.noted("c2", note("n1", "Refund agreed"));
    desk.apply(AgentServerFrame::Notes {
        conversation: "c2".into(),
        notes: vec![note("n1", "Refund agreed")],
    });
    desk.noted("c2", note("n1", "Refund agreed"));
    assert_eq!(desk.chats()[1].detail.notes, [note("n1", "Refund agreed")]);
    // Another tab of the same agent wrote one: the live connection brings all of them.
    desk.apply(AgentServerFrame::Notes {
        conversation: "c2".into(),
        notes: vec![note("n1", "Refund agreed"), note("n2", "Sent the label")],
    });
    assert_eq!(desk.chats()[1].detail.notes.len(), 2);
    assert!(
        desk.chats()[0].detail.notes.is_empty(),
        "the other conversation's"
    );
    assert_eq!(
        desk.chats()[1].unread,
        0,
        "a note is not the shopper's: it is never unread"
    );
}

#[test]
fn countdowns_and_waits_read_naturally() {
    assert_eq!(seconds_left(30_000, 0), 30);
    assert_eq!(seconds_left(30_000, 29_500), 1);
    assert_eq!(seconds_left(30_000, 31_000), 0);
    assert_eq!(waited(0, 45_000), "45 s");
    assert_eq!(waited(0, 190_000), "3 min");
    assert_eq!(waited(0, 7_199_000), "119 min");
    assert_eq!(waited(0, 7_200_000), "2 h");
    assert_eq!(waited(0, 3 * 3_600_000), "3 h");
    assert_eq!(waited(0, 172_800_000), "2 d");
    assert_eq!(waited(0, 5 * 86_400_000), "5 d");
}

fn left(id: &str, created_at: i64, handled: bool) -> tandem_protocol::agent::OfflineMessage {
    tandem_protocol::agent::OfflineMessage {
        id: id.into(),
        site: "acme".into(),
        email: "maja@example.com".into(),
        name: None,
        message: "Please call me back".into(),
        transcript: vec![],
        context: Map::new(),
        created_at,
        handled_at: handled.then_some(created_at + 1),
        handled_by: None,
    }
}

#[test]
fn the_inbox_holds_unhandled_messages_oldest_first_until_marked_handled() {
    let mut desk = welcomed(vec![]);
    desk.set_inbox(
        "acme".into(),
        tandem_protocol::agent::OfflineInbox {
            messages: vec![
                left("m2", 20, false),
                left("m1", 10, false),
                left("m0", 5, true),
            ],
            unhandled: 5,
        },
    );
    let ids: Vec<String> = desk.inbox().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, ["m1", "m2"]);
    assert_eq!(desk.inbox_not_shown(), 3, "two of five waiting were sent");
    assert_eq!(desk.handled("m1"), None, "one still shown");
    let ids: Vec<String> = desk.inbox().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, ["m2"]);
    assert_eq!(
        desk.handled("m2").as_deref(),
        Some("acme"),
        "the last shown, with more waiting: the next page is asked for"
    );
    assert_eq!(desk.handled("m2"), None, "not shown any more");
    // An answer asked for before the mark does not bring it back.
    desk.set_inbox(
        "acme".into(),
        tandem_protocol::agent::OfflineInbox {
            messages: vec![left("m2", 20, false), left("m3", 30, false)],
            unhandled: 2,
        },
    );
    let ids: Vec<String> = desk.inbox().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, ["m3"]);
}

#[test]
fn the_inbox_holds_only_the_sites_of_the_agent_signed_in_now_longest_waiting_first() {
    let mut desk = Desk::default();
    let page = |messages| tandem_protocol::agent::OfflineInbox {
        messages,
        unhandled: 1,
    };
    // An answer that comes after signing out is dropped.
    desk.set_inbox("acme".into(), page(vec![left("m1", 10, false)]));
    assert!(desk.inbox().is_empty());
    let mut ada = fixture::agent();
    ada.sites = vec!["acme".into(), "zeta".into()];
    desk.signed_in(ada.clone());
    let mut old = left("z1", 5, false);
    old.site = "zeta".into();
    desk.set_inbox("zeta".into(), page(vec![old]));
    desk.set_inbox("acme".into(), page(vec![left("m1", 10, false)]));
    let ids: Vec<String> = desk.inbox().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, ["z1", "m1"], "across sites, the longest waiting first");
    // No longer working for zeta: its messages go at once.
    ada.sites = vec!["acme".into()];
    desk.apply(AgentServerFrame::Profile { profile: ada });
    let ids: Vec<String> = desk.inbox().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, ["m1"]);
    desk.set_inbox("zeta".into(), page(vec![left("z2", 1, false)]));
    assert_eq!(desk.inbox().len(), 1);
}

#[test]
fn a_tab_says_who_the_shopper_is_or_how_they_began() {
    let mut chat = Chat::new(fixture::conversation("c1"));
    assert_eq!(chat.label().as_deref(), Some("Hello"));
    chat.detail.messages[0].text =
        "My   parcel never arrived and the tracking page says delivered".into();
    assert_eq!(
        chat.label().as_deref(),
        Some("My parcel never arrived and…"),
        "the start, spaces folded"
    );
    chat.detail.identity = Some(tandem_protocol::conversation::Identity {
        id: "u-7".into(),
        name: None,
        email: Some("maja@example.com".into()),
        signature: None,
    });
    assert_eq!(chat.label().as_deref(), Some("maja@example.com"));
    chat.detail.identity.as_mut().unwrap().name = Some("  ".into());
    assert_eq!(
        chat.label().as_deref(),
        Some("maja@example.com"),
        "a blank name is no name"
    );
    chat.detail.identity.as_mut().unwrap().name = Some("Maja".into());
    assert_eq!(chat.label().as_deref(), Some("Maja"));
    chat.detail.identity.as_mut().unwrap().name = Some("Maja ".repeat(20));
    assert_eq!(
        chat.label().map(|l| l.chars().count()),
        Some(LABEL_CHARS),
        "a long name is cut too"
    );
    chat.detail.identity = None;
    chat.detail.messages.clear();
    assert_eq!(chat.label(), None);
}
