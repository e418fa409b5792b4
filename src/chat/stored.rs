//! The chat's stored form (see `crate::storage`), written and read with the widget's own
//! JSON codec (`crate::wire`). Confidences are kept in thousandths.

use tandem_protocol::{HandoffReason, Notice};

use super::{Chat, Delivery, Line, LineKind, Phase, Ticket, Topic, Unavailable};
use crate::{
    api::ApiError,
    wire::{Json, decode, json::Object},
};

/// Bumped when older widgets would misread what newer ones store; they then drop it. New
/// kinds of line are not: a widget drops a line it cannot read (of a kind it does not know,
/// after a rollback to an older build, or damaged) and keeps the rest, the conversation
/// with a person above all.
const VERSION: i64 = 1;

/// A notice as the server writes it, so one reader serves both (`wire::decode::notice`).
fn notice(notice: &Notice) -> String {
    let (kind, name) = match notice {
        Notice::Joined { name } => ("joined", Some(name)),
        Notice::TookOver { name } => ("took_over", Some(name)),
        Notice::Closed { name } => ("closed", Some(name)),
        Notice::HandedBack { name } => ("handed_back", Some(name)),
        Notice::BackInQueue => ("back_in_queue", None),
        Notice::Disconnected { name } => ("disconnected", Some(name)),
    };
    Object::new()
        .str("kind", kind)
        .opt_str("name", name.map(String::as_str))
        .finish()
}

/// A failure's status and words, beside the rest of its line (`st`, `why`).
fn write_error(object: Object, error: &ApiError) -> Object {
    let object = object.opt_str("why", error.detail.as_deref());
    match error.status {
        Some(status) => object.int("st", i64::from(status)),
        None => object,
    }
}

/// Lenient: an older widget kept only the words (`why`). Neither is a call that got no
/// answer ([`ApiError::offline`]).
fn read_error(json: &Json) -> ApiError {
    ApiError {
        status: json.uint("st").and_then(|s| u16::try_from(s).ok()),
        detail: json.text("why"),
    }
}

fn topic(topic: &Topic) -> String {
    Object::new()
        .int("i", topic.index as i64)
        .str("id", &topic.id)
        .str("title", &topic.title)
        .finish()
}

fn read_topic(json: &Json) -> Option<Topic> {
    Some(Topic {
        index: usize::try_from(json.uint("i")?).ok()?,
        id: json.text("id")?,
        title: json.text("title")?,
    })
}

fn line(line: &Line) -> String {
    let object = Object::new().int("id", i64::from(line.id));
    match &line.kind {
        LineKind::Shopper {
            text,
            client_id,
            delivery,
        } => {
            let object = object
                .str("k", "shopper")
                .str("text", text)
                .opt_str("cid", client_id.as_deref());
            match delivery {
                Delivery::Local => object.str("d", "local"),
                Delivery::Sending => object.str("d", "sending"),
                Delivery::Sent { seq } => object.str("d", "sent").int("seq", *seq as i64),
                Delivery::Failed { reason } => write_error(object.str("d", "failed"), reason),
            }
        }
        LineKind::Greeting { text } => object.str("k", "greeting").str("text", text),
        LineKind::Answer {
            topic: t,
            text,
            confidence,
            helpful,
        } => {
            let object = object
                .str("k", "answer")
                .raw("t", &topic(t))
                .str("text", text);
            let object = object.int("conf", (confidence.clamp(0.0, 1.0) * 1000.0 + 0.5) as i64);
            match helpful {
                Some(h) => object.bool("h", *h),
                None => object,
            }
        }
        LineKind::Choices {
            topics,
            unsure,
            chosen,
        } => {
            let object = object
                .str("k", "choices")
                .list("topics", topics.iter().map(topic))
                .bool("unsure", *unsure);
            match chosen {
                Some(c) => object.int("chosen", *c as i64),
                None => object,
            }
        }
        LineKind::Safety { text } => object.str("k", "safety").str("text", text),
        LineKind::Agent { name, text, seq } => object
            .str("k", "agent")
            .opt_str("name", name.as_deref())
            .str("text", text)
            .int("seq", *seq as i64),
        LineKind::Notice { text } => object.str("k", "notice").str("text", text),
        LineKind::Failure { error } => write_error(object.str("k", "failure"), error),
        LineKind::Announcement { notice } => object
            .str("k", "announcement")
            .raw("n", &self::notice(notice)),
    }
    .finish()
}

fn read_line(json: &Json) -> Option<Line> {
    let text = || json.text("text");
    let kind = match json.get("k")?.str()? {
        "shopper" => LineKind::Shopper {
            text: text()?,
            client_id: json.text("cid"),
            delivery: match json.get("d")?.str()? {
                "local" => Delivery::Local,
                "sending" => Delivery::Sending,
                "sent" => Delivery::Sent {
                    seq: json.uint("seq")?,
                },
                "failed" => Delivery::Failed {
                    reason: read_error(json),
                },
                _ => return None,
            },
        },
        "greeting" => LineKind::Greeting { text: text()? },
        "answer" => LineKind::Answer {
            topic: read_topic(json.get("t")?)?,
            text: text()?,
            confidence: json.uint("conf")? as f32 / 1000.0,
            helpful: json.get("h").and_then(Json::bool),
        },
        "choices" => LineKind::Choices {
            topics: json
                .get("topics")?
                .arr()
                .iter()
                .map(read_topic)
                .collect::<Option<_>>()?,
            unsure: json.get("unsure")?.bool()?,
            chosen: json.uint("chosen").and_then(|c| usize::try_from(c).ok()),
        },
        "safety" => LineKind::Safety { text: text()? },
        "agent" => LineKind::Agent {
            name: json.text("name"),
            text: text()?,
            seq: json.uint("seq")?,
        },
        "notice" => LineKind::Notice { text: text()? },
        "failure" => LineKind::Failure {
            error: read_error(json),
        },
        "announcement" => LineKind::Announcement {
            notice: decode::notice(json.get("n")?)?,
        },
        _ => return None,
    };
    Some(Line {
        id: u32::try_from(json.uint("id")?).ok()?,
        kind,
    })
}

fn why(unavailable: Unavailable) -> &'static str {
    match unavailable {
        Unavailable::AfterHours => "after_hours",
        Unavailable::NoAgents => "no_agents",
    }
}

fn phase(phase: &Phase) -> String {
    let object = Object::new();
    match phase {
        Phase::Assistant => object.str("p", "assistant"),
        Phase::Confirming { reason } => {
            object.str("p", "confirming").str("reason", reason.as_str())
        }
        Phase::Connecting { reason } => {
            object.str("p", "connecting").str("reason", reason.as_str())
        }
        Phase::Waiting {
            position,
            wait_secs,
            no_agents,
        } => {
            let object = object.str("p", "waiting");
            let object = if *no_agents {
                object.int("no_agents", 1)
            } else {
                object
            };
            let object = match position {
                Some(p) => object.int("position", i64::from(*p)),
                None => object,
            };
            match wait_secs {
                Some(w) => object.int("wait", i64::from(*w)),
                None => object,
            }
        }
        Phase::WithAgent { agent } => object
            .str("p", "with_agent")
            .opt_str("agent", agent.as_deref()),
        Phase::Closed { rating } => {
            let object = object.str("p", "closed");
            match rating {
                Some(r) => object.int("rating", i64::from(*r)),
                None => object,
            }
        }
        Phase::Offline { why: w, sent_to } => object
            .str("p", "offline")
            .str("why", why(*w))
            .opt_str("sent_to", sent_to.as_deref()),
    }
    .finish()
}

fn read_phase(json: &Json) -> Option<Phase> {
    let small = |key| json.uint(key).and_then(|n| u32::try_from(n).ok());
    Some(match json.get("p")?.str()? {
        "assistant" => Phase::Assistant,
        "confirming" => Phase::Confirming {
            reason: HandoffReason::parse(json.get("reason")?.str()?)?,
        },
        // An older widget kept no reason.
        "connecting" => Phase::Connecting {
            reason: json
                .text("reason")
                .and_then(|r| HandoffReason::parse(&r))
                .unwrap_or(HandoffReason::Asked),
        },
        "waiting" => Phase::Waiting {
            position: small("position"),
            wait_secs: small("wait"),
            no_agents: small("no_agents") == Some(1),
        },
        "with_agent" => Phase::WithAgent {
            agent: json.text("agent"),
        },
        "closed" => Phase::Closed {
            rating: json.uint("rating").and_then(|r| u8::try_from(r).ok()),
        },
        "offline" => Phase::Offline {
            why: match json.get("why")?.str()? {
                "after_hours" => Unavailable::AfterHours,
                "no_agents" => Unavailable::NoAgents,
                _ => return None,
            },
            sent_to: json.text("sent_to"),
        },
        _ => return None,
    })
}

impl Chat {
    /// The stored form.
    pub fn to_json(&self) -> String {
        let mut object = Object::new()
            .int("v", VERSION)
            .int("next", i64::from(self.next_id))
            .raw("phase", &phase(&self.phase))
            .list("lines", self.lines.iter().map(line))
            .opt_str("hk", self.handoff_key.as_deref());
        if let Some(ticket) = &self.ticket {
            let stored = Object::new()
                .str("id", &ticket.id)
                .str("token", &ticket.token)
                .int("seq", ticket.last_seq as i64);
            object = object.raw("ticket", &stored.finish());
        }
        object.finish()
    }

    /// A chat from its stored form, without the lines it cannot read; `None` for anything
    /// else (another version, damage outside the lines).
    pub fn from_json(text: &str) -> Option<Chat> {
        let json = Json::parse(text)?;
        if json.get("v")?.int()? != VERSION {
            return None;
        }
        let ticket = match json.get("ticket") {
            Some(t) => Some(Ticket {
                id: t.text("id")?,
                token: t.text("token")?,
                last_seq: t.uint("seq")?,
            }),
            None => None,
        };
        Some(Chat {
            lines: json
                .get("lines")?
                .arr()
                .iter()
                .filter_map(read_line)
                .collect(),
            phase: read_phase(json.get("phase")?)?,
            ticket,
            next_id: u32::try_from(json.uint("next")?).ok()?,
            agent_typing: false,
            handoff_key: json.text("hk"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_are_stored_as_the_server_writes_them() {
        for n in tandem_protocol::fixture::notices("Anna \"A\"") {
            let json = notice(&n);
            assert_eq!(serde_json::from_str::<Notice>(&json).unwrap(), n);
            assert_eq!(decode::notice(&Json::parse(&json).unwrap()), Some(n));
        }
    }
}
