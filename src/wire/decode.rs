//! What the server sends, read into the protocol's types (see the module above for why).
//! Numbers with fractions (the assistant's confidence on stored messages) are not read: the
//! widget shows none of them.

use tandem_protocol::{
    Author, Availability, ConversationCreated, ConversationState, ConversationStatus, Message,
    Notice, Position, Problem, SiteInfo, live::ServerFrame, site::Hours,
};

use super::Json;

fn availability(text: &str) -> Option<Availability> {
    Some(match text {
        "online" => Availability::Online,
        "no_agents" => Availability::NoAgents,
        "after_hours" => Availability::AfterHours,
        _ => return None,
    })
}

fn author(text: &str) -> Option<Author> {
    Some(match text {
        "shopper" => Author::Shopper,
        "assistant" => Author::Assistant,
        "agent" => Author::Agent,
        "system" => Author::System,
        _ => return None,
    })
}

fn u32_of(json: &Json, key: &str) -> Option<u32> {
    json.uint(key).and_then(|n| u32::try_from(n).ok())
}

fn hours(json: &Json) -> Option<Hours> {
    let mut days: [Vec<[String; 2]>; 7] = Default::default();
    let given = json.get("days")?.arr();
    if given.len() != 7 {
        return None;
    }
    for (day, ranges) in days.iter_mut().zip(given) {
        for range in ranges.arr() {
            let [from, to] = range.arr() else { return None };
            day.push([from.str()?.to_owned(), to.str()?.to_owned()]);
        }
    }
    Some(Hours {
        timezone: json.text("timezone")?,
        days,
    })
}

/// `GET /v1/sites/{site}`.
pub fn site_info(json: &Json) -> Option<SiteInfo> {
    Some(SiteInfo {
        id: json.text("id")?,
        name: json.text("name")?,
        availability: availability(json.get("availability")?.str()?)?,
        brand_color: json.text("brand_color")?,
        brand_text: json.text("brand_text")?,
        position: match json.get("position")?.str()? {
            "left" => Position::Left,
            _ => Position::Right,
        },
        greeting: json.text("greeting")?,
        languages: json
            .get("languages")?
            .arr()
            .iter()
            .filter_map(|l| l.str().map(str::to_owned))
            .collect(),
        hours: json.get("hours").and_then(hours),
        reply_promise: json.text("reply_promise")?,
        model_url: json.text("model_url"),
        assistant_pending: flag(json, "assistant_pending"),
        // For the launcher; the widget has its own texts.
        launcher: None,
    })
}

/// A boolean that serde leaves out when false.
fn flag(json: &Json, key: &str) -> bool {
    json.get(key).and_then(Json::bool).unwrap_or(false)
}

fn state(text: &str) -> Option<ConversationState> {
    ConversationState::parse(text)
}

/// `POST /v1/conversations`.
pub fn conversation_created(json: &Json) -> Option<ConversationCreated> {
    Some(ConversationCreated {
        id: json.text("id")?,
        token: json.text("token")?,
        state: state(json.get("state")?.str()?)?,
        position: u32_of(json, "position"),
        estimated_wait_secs: u32_of(json, "estimated_wait_secs"),
        availability: availability(json.get("availability")?.str()?)?,
        transcript_seq: json.uint("transcript_seq")?,
    })
}

/// A conversation's status.
pub fn status(json: &Json) -> Option<ConversationStatus> {
    Some(ConversationStatus {
        id: json.text("id")?,
        state: state(json.get("state")?.str()?)?,
        position: u32_of(json, "position"),
        estimated_wait_secs: u32_of(json, "estimated_wait_secs"),
        agent_name: json.text("agent_name"),
        rating: json.uint("rating").and_then(|r| u8::try_from(r).ok()),
        returned_to_assistant: flag(json, "returned_to_assistant"),
        no_agents: flag(json, "no_agents"),
    })
}

/// A stored message.
pub fn message(json: &Json) -> Option<Message> {
    Some(Message {
        seq: json.uint("seq")?,
        author: author(json.get("author")?.str()?)?,
        text: json.text("text")?,
        client_id: json.text("client_id"),
        agent_name: json.text("agent_name"),
        confidence: None,
        entry: json.text("entry"),
        notice: json.get("notice").and_then(notice),
        at: json.get("at")?.int()?,
    })
}

/// A notice of a kind this widget does not know is left out: the message's text still shows.
pub fn notice(json: &Json) -> Option<Notice> {
    let name = || json.text("name");
    Some(match json.get("kind")?.str()? {
        "joined" => Notice::Joined { name: name()? },
        "took_over" => Notice::TookOver { name: name()? },
        "closed" => Notice::Closed { name: name()? },
        "handed_back" => Notice::HandedBack { name: name()? },
        "back_in_queue" => Notice::BackInQueue,
        "disconnected" => Notice::Disconnected { name: name()? },
        _ => return None,
    })
}

/// An error body.
pub fn problem(json: &Json) -> Option<Problem> {
    Some(Problem {
        kind: json
            .text("type")
            .unwrap_or_else(|| "about:blank".to_owned()),
        title: json.text("title")?,
        status: u16::try_from(json.uint("status")?).ok()?,
        detail: json.text("detail"),
    })
}

/// A frame of the live connection.
pub fn server_frame(json: &Json) -> Option<ServerFrame> {
    let Json::Obj(members) = json else {
        return None;
    };
    let [(name, body)] = members.as_slice() else {
        return None;
    };
    Some(match name.as_str() {
        "welcome" => ServerFrame::Welcome {
            status: status(body.get("status")?)?,
        },
        "status" => ServerFrame::Status {
            status: status(body.get("status")?)?,
        },
        "message" => ServerFrame::Message {
            message: message(body.get("message")?)?,
        },
        "ack" => ServerFrame::Ack {
            client_id: body.text("client_id")?,
            seq: body.uint("seq")?,
        },
        "typing" => ServerFrame::Typing {
            author: author(body.get("author")?.str()?)?,
            typing: body.get("typing")?.bool()?,
        },
        "error" => ServerFrame::Error {
            problem: problem(body.get("problem")?)?,
            client_id: body.text("client_id"),
        },
        "reconnect" => ServerFrame::Reconnect {
            after_ms: body.uint("after_ms")?,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use tandem_protocol::site::Hours;

    fn via_serde(value: &impl Serialize) -> Json {
        Json::parse(&serde_json::to_string(value).unwrap()).unwrap()
    }

    fn status_fixture() -> ConversationStatus {
        ConversationStatus {
            id: "c1".into(),
            state: ConversationState::WithAgent,
            position: None,
            estimated_wait_secs: Some(90),
            agent_name: Some("Anna".into()),
            rating: Some(4),
            returned_to_assistant: true,
            no_agents: true,
        }
    }

    #[test]
    fn site_info_reads_as_serde_writes_it() {
        let mut days: [Vec<[String; 2]>; 7] = Default::default();
        days[0].push(["09:00".into(), "17:00".into()]);
        let site = SiteInfo {
            id: "acme".into(),
            name: "Acme Outfitters".into(),
            availability: Availability::NoAgents,
            brand_color: "#1d4ed8".into(),
            brand_text: "#ffffff".into(),
            position: Position::Left,
            greeting: "Hi!".into(),
            languages: vec!["de".into(), "en".into()],
            hours: Some(Hours {
                timezone: "Europe/Berlin".into(),
                days,
            }),
            reply_promise: "Within a day.".into(),
            model_url: Some("/v1/sites/acme/model/abc.bin".into()),
            assistant_pending: false,
            launcher: None,
        };
        assert_eq!(site_info(&via_serde(&site)), Some(site.clone()));
        let labelled = SiteInfo {
            launcher: Some([
                "Chat öffnen".into(),
                "Chat schließen".into(),
                "Neue Nachrichten im Chat: {n}".into(),
            ]),
            ..site.clone()
        };
        assert_eq!(
            site_info(&via_serde(&labelled)),
            Some(site.clone()),
            "the launcher's labels are read past"
        );
        let bare = SiteInfo {
            hours: None,
            model_url: None,
            assistant_pending: true,
            position: Position::Right,
            ..site
        };
        assert_eq!(site_info(&via_serde(&bare)), Some(bare));
    }

    #[test]
    fn handoff_answers_read_as_serde_writes_them() {
        let created = ConversationCreated {
            id: "c1".into(),
            token: "t".into(),
            state: ConversationState::Queued,
            position: Some(3),
            estimated_wait_secs: None,
            availability: Availability::Online,
            transcript_seq: 5,
        };
        assert_eq!(conversation_created(&via_serde(&created)), Some(created));
    }

    #[test]
    fn every_notice_reads_as_serde_writes_it() {
        for notice in tandem_protocol::fixture::notices("Anna") {
            let message = tandem_protocol::fixture::announcement(3, notice);
            assert_eq!(super::message(&via_serde(&message)), Some(message));
        }
        let unknown = Json::parse(
            r#"{"seq":3,"author":"system","text":"Hi","at":1,"notice":{"kind":"new"}}"#,
        )
        .unwrap();
        assert_eq!(super::message(&unknown).unwrap().notice, None);
    }

    #[test]
    fn every_server_frame_reads_as_serde_writes_it() {
        let message = Message {
            seq: 7,
            author: Author::Agent,
            text: "Hi \"there\" 😀".into(),
            client_id: Some("a1".into()),
            agent_name: Some("Anna".into()),
            confidence: None,
            entry: None,
            notice: None,
            at: 1_763_000_000_000,
        };
        let problem = Problem {
            kind: "about:blank".into(),
            title: "Too large".into(),
            status: 413,
            detail: Some("At most 4096 bytes.".into()),
        };
        let frames = [
            ServerFrame::Welcome {
                status: status_fixture(),
            },
            ServerFrame::Status {
                status: ConversationStatus {
                    state: ConversationState::Queued,
                    position: Some(2),
                    ..status_fixture()
                },
            },
            ServerFrame::Message { message },
            ServerFrame::Ack {
                client_id: "c9".into(),
                seq: 12,
            },
            ServerFrame::Typing {
                author: Author::Agent,
                typing: true,
            },
            ServerFrame::Error {
                problem: problem.clone(),
                client_id: Some("c9".into()),
            },
            ServerFrame::Error {
                problem,
                client_id: None,
            },
            ServerFrame::Reconnect { after_ms: 1500 },
        ];
        for frame in frames {
            assert_eq!(
                server_frame(&via_serde(&frame)),
                Some(frame.clone()),
                "{frame:?}"
            );
        }
        assert_eq!(
            server_frame(&Json::parse(r#"{"unknown":{}}"#).unwrap()),
            None
        );
        assert_eq!(
            server_frame(&Json::parse(r#"{"ack":{"client_id":"x"}}"#).unwrap()),
            None
        );
    }

    #[test]
    fn assistant_confidence_on_a_stored_message_is_skipped() {
        let json = Json::parse(r#"{"seq":1,"author":"assistant","text":"2-4 days","confidence":0.62,"entry":"delivery","at":5}"#).unwrap();
        let read = message(&json).unwrap();
        assert_eq!(
            (read.text.as_str(), read.confidence, read.entry.as_deref()),
            ("2-4 days", None, Some("delivery"))
        );
    }
}
