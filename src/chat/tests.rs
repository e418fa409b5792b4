//! The chat's rules, natively.

use tandem_protocol::{Availability, Notice, Problem};

use crate::i18n::{Strings, T};

use super::*;

fn german() -> Strings {
    Strings::from_json("de", include_str!("../../i18n/de.json")).unwrap()
}

fn topic(index: usize, id: &str) -> Topic {
    Topic {
        index,
        id: id.into(),
        title: id.replace('-', " "),
    }
}

fn created(transcript_seq: u64) -> ConversationCreated {
    ConversationCreated {
        id: "c1".into(),
        token: "t0k".into(),
        state: ConversationState::Queued,
        position: Some(2),
        estimated_wait_secs: Some(120),
        availability: Availability::Online,
        transcript_seq,
    }
}

fn status(state: ConversationState, position: Option<u32>, agent: Option<&str>) -> ServerFrame {
    ServerFrame::Status {
        status: ConversationStatus {
            id: "c1".into(),
            state,
            position,
            estimated_wait_secs: None,
            agent_name: agent.map(Into::into),
            rating: None,
            returned_to_assistant: false,
            no_agents: false,
        },
    }
}

fn message(seq: u64, author: Author, text: &str, client_id: Option<&str>) -> ServerFrame {
    ServerFrame::Message {
        message: Message {
            client_id: client_id.map(Into::into),
            agent_name: (author == Author::Agent).then(|| "Anna".into()),
            ..tandem_protocol::fixture::message(seq, author, text, None)
        },
    }
}

/// Tandem's own line, as the server sends it.
fn notice(seq: u64, notice: Notice) -> ServerFrame {
    ServerFrame::Message {
        message: tandem_protocol::fixture::announcement(seq, notice),
    }
}

/// A chat handed over after one question and one answer.
fn waiting_chat() -> Chat {
    let mut chat = Chat::new("Hi!");
    chat.shopper_says("Where is my parcel?", "x".into())
        .unwrap();
    chat.assistant_says(Reply::Answer {
        topic: topic(0, "delivery-times"),
        text: "3-5 days.".into(),
        confidence: 0.6,
    });
    chat.ask_for_person(HandoffReason::Asked);
    chat.start_handoff().unwrap();
    chat.handed_over(&created(3));
    chat
}

#[test]
fn before_a_handoff_nothing_is_queued_to_leave_the_browser() {
    let mut chat = Chat::new("Hi!");
    chat.shopper_says("  Do you ship to Norway?  ", "c-1".into())
        .unwrap();
    assert_eq!(chat.outbox(), vec![]);
    let LineKind::Shopper {
        text,
        client_id,
        delivery,
    } = &chat.lines()[1].kind
    else {
        panic!()
    };
    assert_eq!(
        (text.as_str(), client_id, delivery),
        ("Do you ship to Norway?", &None, &Delivery::Local)
    );
    assert_eq!(
        chat.shopper_says("  ", "c-2".into()),
        Err(ComposeError::Empty)
    );
    assert_eq!(
        chat.shopper_says(&"x".repeat(MAX_MESSAGE_BYTES + 1), "c-3".into()),
        Err(ComposeError::TooLong)
    );
}

#[test]
fn a_handoff_is_confirmed_before_it_starts_and_can_be_dismissed() {
    let mut chat = Chat::new("Hi!");
    assert_eq!(
        chat.start_handoff(),
        None,
        "nothing to start without asking first"
    );
    chat.ask_for_person(HandoffReason::Asked);
    assert_eq!(
        chat.phase(),
        &Phase::Confirming {
            reason: HandoffReason::Asked
        }
    );
    chat.dismiss_confirmation();
    assert_eq!(chat.phase(), &Phase::Assistant);
    chat.assistant_says(Reply::Handoff {
        reason: HandoffReason::Sensitive,
        safety: Some("Call your bank.".into()),
        guesses: vec![],
    });
    assert!(matches!(
        chat.lines().last().unwrap().kind,
        LineKind::Safety { .. }
    ));
    assert_eq!(chat.start_handoff(), Some(HandoffReason::Sensitive));
    assert_eq!(
        chat.phase(),
        &Phase::Connecting {
            reason: HandoffReason::Sensitive
        }
    );
}

#[test]
fn unsure_once_too_often_offers_a_person_beside_the_guesses_and_a_pick_puts_the_offer_away() {
    let mut chat = Chat::new("Hi!");
    chat.assistant_says(Reply::Handoff {
        reason: HandoffReason::LowConfidence,
        safety: None,
        guesses: vec![topic(2, "promo-code")],
    });
    assert_eq!(
        chat.phase(),
        &Phase::Confirming {
            reason: HandoffReason::LowConfidence
        }
    );
    let line = chat.lines().last().unwrap();
    assert!(
        matches!(&line.kind, LineKind::Choices { topics, unsure: true, .. } if topics.len() == 1)
    );
    let guesses = line.id;
    chat.choose(guesses, 2);
    assert_eq!(
        chat.phase(),
        &Phase::Assistant,
        "the shopper went on with the assistant"
    );

    // An offer the shopper asked for stays, whatever older button is pressed.
    chat.ask_for_person(HandoffReason::Asked);
    chat.choose(guesses, 2);
    assert_eq!(
        chat.phase(),
        &Phase::Confirming {
            reason: HandoffReason::Asked
        }
    );

    let mut without = Chat::new("Hi!");
    without.assistant_says(Reply::Handoff {
        reason: HandoffReason::LowConfidence,
        safety: None,
        guesses: vec![],
    });
    assert_eq!(
        without.lines().len(),
        1,
        "no empty list of guesses, only the greeting"
    );
}

#[test]
fn a_card_number_typed_to_a_person_is_masked_in_the_line_and_the_outbox() {
    let mut chat = waiting_chat();
    chat.shopper_says("It was 4242-4242-4242-4242, order 1234567", "c-8".into())
        .unwrap();
    let masked = "It was •••• 4242, order 1234567";
    assert_eq!(chat.outbox(), vec![("c-8".to_owned(), masked.to_owned())]);
    assert!(matches!(
        &chat.lines().last().unwrap().kind,
        LineKind::Shopper { text, .. } if text == masked
    ));
}

#[test]
fn waiting_shows_the_place_in_line_and_messages_go_to_the_outbox() {
    let mut chat = waiting_chat();
    assert_eq!(
        chat.phase(),
        &Phase::Waiting {
            position: Some(2),
            wait_secs: Some(120),
            no_agents: false,
        }
    );
    assert!(
        chat.assistant_listens(),
        "the assistant keeps answering while the shopper waits"
    );
    let line = chat.shopper_says("Any news?", "c-7".into()).unwrap();
    assert_eq!(
        chat.outbox(),
        vec![("c-7".to_owned(), "Any news?".to_owned())]
    );
    chat.apply(status(ConversationState::Queued, Some(1), None));
    assert_eq!(
        chat.phase(),
        &Phase::Waiting {
            position: Some(1),
            wait_secs: None,
            no_agents: false,
        }
    );
    chat.apply(ServerFrame::Ack {
        client_id: "c-7".into(),
        seq: 4,
    });
    assert_eq!(chat.outbox(), vec![]);
    let LineKind::Shopper { delivery, .. } =
        &chat.lines().iter().find(|l| l.id == line).unwrap().kind
    else {
        panic!()
    };
    assert_eq!(delivery, &Delivery::Sent { seq: 4 });
}

#[test]
fn an_agent_joins_types_and_writes() {
    let mut chat = waiting_chat();
    assert_eq!(
        chat.apply(status(ConversationState::WithAgent, None, Some("Anna"))),
        vec![HostEvent::AgentJoined]
    );
    assert!(
        !chat.assistant_listens(),
        "the assistant stays quiet while a person helps"
    );
    let joined = Notice::Joined {
        name: "Anna".into(),
    };
    chat.apply(notice(4, joined.clone()));
    // Kept as a notice, so it is drawn in the shopper's language.
    assert_eq!(
        chat.lines().last().unwrap().kind,
        LineKind::Announcement { notice: joined }
    );
    chat.apply(ServerFrame::Typing {
        author: Author::Agent,
        typing: true,
    });
    assert!(chat.agent_typing());
    assert_eq!(
        chat.apply(message(5, Author::Agent, "Hi, I'm Anna!", Some("a1"))),
        vec![HostEvent::Message]
    );
    assert!(!chat.agent_typing(), "a message ends the typing indicator");
    // Anna typing when Ben takes over: Ben is not shown typing.
    let mut transferred = chat.clone();
    transferred.apply(ServerFrame::Typing {
        author: Author::Agent,
        typing: true,
    });
    transferred.apply(status(ConversationState::WithAgent, None, Some("Ben")));
    assert!(!transferred.agent_typing(), "Ben has not typed");
    let last = &chat.lines().last().unwrap().kind;
    assert_eq!(
        last,
        &LineKind::Agent {
            name: Some("Anna".into()),
            text: "Hi, I'm Anna!".into(),
            seq: 5
        }
    );
    assert_eq!(chat.ticket().unwrap().last_seq, 5);
}

#[test]
fn messages_are_applied_once_and_the_shoppers_own_are_matched_to_their_lines() {
    let mut chat = waiting_chat();
    let lines = chat.lines().len();
    // The transcript the server stored with the handoff is not shown twice.
    chat.apply(message(2, Author::Shopper, "Where is my parcel?", None));
    assert_eq!(chat.lines().len(), lines);
    chat.shopper_says("Hello?", "c-9".into()).unwrap();
    chat.apply(message(4, Author::Shopper, "Hello?", Some("c-9")));
    chat.apply(message(4, Author::Shopper, "Hello?", Some("c-9")));
    assert_eq!(
        chat.lines().len(),
        lines + 1,
        "echo matched to the line, replay ignored"
    );
    chat.apply(message(
        5,
        Author::Shopper,
        "From my phone",
        Some("other-tab"),
    ));
    assert_eq!(
        chat.lines().len(),
        lines + 2,
        "a message from another tab is shown"
    );
}

#[test]
fn a_refused_message_can_be_retried_with_the_same_client_id() {
    let mut chat = waiting_chat();
    let line = chat
        .shopper_says("x".repeat(10).as_str(), "c-1".into())
        .unwrap();
    let problem = Problem {
        kind: "about:blank".into(),
        title: "Too many requests".into(),
        status: 429,
        detail: Some("Try again in 3 seconds.".into()),
    };
    chat.apply(ServerFrame::Error {
        problem,
        client_id: Some("c-1".into()),
    });
    assert_eq!(chat.outbox(), vec![]);
    let LineKind::Shopper { delivery, .. } =
        &chat.lines().iter().find(|l| l.id == line).unwrap().kind
    else {
        panic!()
    };
    assert_eq!(
        delivery,
        &Delivery::Failed {
            reason: ApiError {
                status: Some(429),
                detail: Some("Try again in 3 seconds.".into()),
            }
        }
    );
    assert_eq!(
        chat.retry(line),
        Some(("c-1".to_owned(), "xxxxxxxxxx".to_owned()))
    );
    assert_eq!(chat.outbox().len(), 1);
    assert_eq!(chat.retry(line), None, "only failed messages are retried");
}

#[test]
fn what_was_still_on_its_way_when_the_agent_closed_stays_for_a_later_handoff() {
    let mut chat = waiting_chat();
    let line = chat
        .shopper_says("One more thing, the address is wrong", "c-9".into())
        .unwrap();
    chat.apply(status(ConversationState::Closed, None, Some("Anna")));
    assert_eq!(chat.outbox(), vec![], "no one left to send it to");
    let kept = chat.lines().iter().find(|l| l.id == line).unwrap();
    let LineKind::Shopper { delivery, .. } = &kept.kind else {
        unreachable!()
    };
    assert_eq!(*delivery, Delivery::Local, "not \"sending\" forever");
    let packet = crate::handoff::transcript(&chat);
    assert!(
        packet
            .iter()
            .any(|e| e.text == "One more thing, the address is wrong"),
        "the next person reads it"
    );
}

#[test]
fn closing_rating_and_leaving_the_queue() {
    let mut chat = waiting_chat();
    chat.apply(status(ConversationState::Closed, None, Some("Anna")));
    assert_eq!(chat.phase(), &Phase::Closed { rating: None });
    chat.rated(5);
    assert_eq!(chat.phase(), &Phase::Closed { rating: Some(5) });

    let mut returned = waiting_chat();
    let ServerFrame::Status { status: mut back } = status(ConversationState::Closed, None, None)
    else {
        unreachable!()
    };
    back.returned_to_assistant = true;
    returned.apply(ServerFrame::Status { status: back });
    assert_eq!(
        returned.phase(),
        &Phase::Assistant,
        "handed back: no rating, the assistant goes on"
    );
    assert!(returned.ticket().is_none());

    let mut leaving = waiting_chat();
    leaving.apply(status(ConversationState::Cancelled, None, None));
    assert_eq!(leaving.phase(), &Phase::Assistant);
    assert_eq!(leaving.ticket(), None);
}

#[test]
fn a_conversation_that_cannot_be_resumed_returns_to_the_assistant_with_the_reason() {
    let mut chat = waiting_chat();
    let problem = Problem {
        kind: "about:blank".into(),
        title: "Wrong token".into(),
        status: 401,
        detail: Some("The conversation token is missing or wrong.".into()),
    };
    chat.apply(ServerFrame::Error {
        problem,
        client_id: None,
    });
    assert_eq!(chat.phase(), &Phase::Assistant);
    let LineKind::Failure { error } = &chat.lines().last().unwrap().kind else {
        panic!("the reason is shown")
    };
    assert!(error.said(&Strings::english()).contains("token"));
    let german = german();
    assert_eq!(error.said(&german), german.get(T::ErrorGeneric));
}

#[test]
fn failures_are_stored_as_they_came_and_older_lines_still_read() {
    let mut chat = waiting_chat();
    chat.shopper_says("Hello?", "c-1".into()).unwrap();
    chat.apply(ServerFrame::Error {
        problem: Problem {
            kind: "about:blank".into(),
            title: "Payload Too Large".into(),
            status: 413,
            detail: None,
        },
        client_id: Some("c-1".into()),
    });
    let mut failed = chat.clone();
    failed.handoff_failed(ApiError {
        status: Some(503),
        detail: None,
    });
    // No answer at all (offline): neither status nor words, and the chat still reads back.
    let mut unanswered = chat.clone();
    unanswered.handoff_failed(ApiError::offline());
    for chat in [chat, failed, unanswered] {
        assert_eq!(Chat::from_json(&chat.to_json()).unwrap(), chat);
    }
    // What an older widget stored for a refused message: its words only.
    let older = r#"{"v":1,"next":2,"phase":{"p":"assistant"},"lines":[{"id":1,"k":"shopper","text":"Hi","cid":"c-1","d":"failed","why":"Conversation closed."}]}"#;
    let older = Chat::from_json(older).expect("still readable");
    let LineKind::Shopper {
        delivery: Delivery::Failed { reason },
        ..
    } = &older.lines()[0].kind
    else {
        panic!("a failed message")
    };
    assert_eq!(reason.said(&Strings::english()), "Conversation closed.");
    let german = german();
    assert_eq!(reason.said(&german), german.get(T::ErrorGeneric));
    // A line it cannot read (damaged, or of a kind from a newer build) goes; the rest, and the
    // conversation with a person, stay.
    let damaged = r#"{"v":1,"next":3,"phase":{"p":"with_agent"},"lines":[{"id":1,"k":"shopper","cid":"c-1","d":"failed"},{"id":2,"k":"notice","text":"Hi"}],"ticket":{"id":"c1","token":"t","seq":4}}"#;
    let kept = Chat::from_json(damaged).expect("still readable");
    assert_eq!(kept.lines().len(), 1);
    assert_eq!(kept.lines()[0].id, 2);
    assert!(kept.ticket().is_some(), "the conversation goes on");
}

#[test]
fn answers_take_feedback_once_and_choices_remember_the_pick() {
    let mut chat = Chat::new("Hi!");
    chat.assistant_says(Reply::Answer {
        topic: topic(3, "returns"),
        text: "30 days.".into(),
        confidence: 0.97,
    });
    let answer = chat.lines().last().unwrap().id;
    assert!(chat.rate_answer(answer, false));
    assert!(!chat.rate_answer(answer, true), "once");
    chat.assistant_says(Reply::Choices {
        topics: vec![topic(1, "a"), topic(2, "b")],
        unsure: false,
    });
    let choices = chat.lines().last().unwrap().id;
    chat.choose(choices, 2);
    assert!(matches!(
        &chat.lines().last().unwrap().kind,
        LineKind::Choices {
            chosen: Some(2),
            ..
        }
    ));
}

#[test]
fn offline_form_and_message_left() {
    let mut chat = Chat::new("Hi!");
    chat.offline(Unavailable::AfterHours);
    chat.message_left("sam@example.com");
    assert_eq!(
        chat.phase(),
        &Phase::Offline {
            why: Unavailable::AfterHours,
            sent_to: Some("sam@example.com".into())
        }
    );
    chat.back_to_assistant();
    assert_eq!(chat.phase(), &Phase::Assistant);
}

#[test]
fn a_chat_survives_a_reload_through_its_stored_form() {
    let mut chat = waiting_chat();
    chat.shopper_says("Still waiting", "c-5".into()).unwrap();
    chat.assistant_says(Reply::Choices {
        topics: vec![topic(1, "a"), topic(2, "b")],
        unsure: true,
    });
    let choices = chat.lines().last().unwrap().id;
    chat.choose(choices, 2);
    chat.assistant_says(Reply::Answer {
        topic: topic(3, "returns"),
        text: "30 days.".into(),
        confidence: 0.875,
    });
    chat.rate_answer(chat.lines().last().unwrap().id, true);
    chat.assistant_says(Reply::Handoff {
        reason: HandoffReason::Sensitive,
        safety: Some("Call your bank.".into()),
        guesses: vec![],
    });
    chat.apply(message(4, Author::Agent, "Hi \"there\"", None));
    chat.apply(message(5, Author::System, "Anna joined.", None));
    chat.apply(notice(6, Notice::BackInQueue));
    chat.apply(notice(
        7,
        Notice::TookOver {
            name: "Bo \"B\"".into(),
        },
    ));
    let announced = |chat: &Chat| {
        chat.lines()
            .iter()
            .filter(|l| matches!(l.kind, LineKind::Announcement { .. }))
            .count()
    };
    assert_eq!(announced(&chat), 2);
    let restored = Chat::from_json(&chat.to_json()).unwrap();
    assert_eq!(restored, chat);
    for phase in [
        Phase::Confirming {
            reason: HandoffReason::Frustration,
        },
        Phase::Connecting {
            reason: HandoffReason::Sensitive,
        },
        Phase::Waiting {
            position: Some(3),
            wait_secs: None,
            no_agents: true,
        },
        Phase::WithAgent {
            agent: Some("Anna".into()),
        },
        Phase::Closed { rating: Some(4) },
        Phase::Offline {
            why: Unavailable::NoAgents,
            sent_to: Some("a@b.se".into()),
        },
    ] {
        let mut with_phase = chat.clone();
        with_phase.phase = phase;
        assert_eq!(Chat::from_json(&with_phase.to_json()).unwrap(), with_phase);
    }
    assert_eq!(
        Chat::from_json(&chat.to_json().replace("\"v\":1", "\"v\":0")),
        None,
        "another version"
    );
    assert_eq!(Chat::from_json("{}"), None);
    assert_eq!(
        restored.outbox(),
        vec![("c-5".to_owned(), "Still waiting".to_owned())]
    );
}

#[test]
fn no_one_available_while_waiting_offers_a_message_instead_and_the_form_outlives_the_cancel() {
    let mut chat = waiting_chat();
    let ServerFrame::Status { status: mut said } = status(ConversationState::Queued, Some(1), None)
    else {
        unreachable!()
    };
    said.no_agents = true;
    chat.apply(ServerFrame::Status {
        status: said.clone(),
    });
    assert!(matches!(
        chat.phase(),
        Phase::Waiting {
            no_agents: true,
            ..
        }
    ));
    // The shopper leaves the queue for the form; the server's word that the conversation
    // was cancelled does not take the form away.
    chat.back_to_assistant();
    chat.offline(Unavailable::NoAgents);
    chat.apply(status(ConversationState::Cancelled, None, None));
    assert!(matches!(chat.phase(), Phase::Offline { .. }));
    // Someone came back: no longer offered.
    let mut chat = waiting_chat();
    said.no_agents = false;
    chat.apply(ServerFrame::Status { status: said });
    assert!(matches!(
        chat.phase(),
        Phase::Waiting {
            no_agents: false,
            ..
        }
    ));
}

#[test]
fn a_handoff_tried_again_sends_the_same_key_until_one_goes_through() {
    let mut chat = Chat::new("Hi!");
    assert!(!chat.handoff_pending());
    let first = chat.handoff_key(|| "key-one".into());
    assert!(chat.handoff_pending());
    // The page reloads before the answer: the stored chat keeps the key.
    let mut chat = Chat::from_json(&chat.to_json()).unwrap();
    assert_eq!(chat.handoff_key(|| "key-two".into()), first);
    chat.handed_over(&created(3));
    let stored = Chat::from_json(&chat.to_json()).unwrap();
    let mut chat = stored;
    assert!(!chat.handoff_pending());
    assert_eq!(
        chat.handoff_key(|| "key-three".into()),
        "key-three",
        "the next handoff is a new one"
    );
}
