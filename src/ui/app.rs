//! The root component: restores the chat, loads the site, the shopper's language and the
//! assistant, and carries out every [`Intent`] of the shopper, talking to the server, the
//! live connection and the host page.
//!
//! What the widget holds but never draws (the assistant, the live connection, the merchant's
//! context...) is one [`Parts`] value; [`Widget`] is the handle every handler gets, with a
//! method per thing the widget does.

use std::{cell::RefCell, rc::Rc};

use leptos::{ev, prelude::*, task::spawn_local};
use tandem_assistant::mask_card_numbers;
use tandem_protocol::{
    Availability, CreateConversation, HandoffReason,
    conversation::{Identity, LeaveMessage},
    events::AssistantEvent,
    language::pick_language,
    live::ShopperFrame,
};

use super::{AssistantState, Intent, OfflineForm, Screen, Shell, View, dom};
use crate::{
    api::{self, ApiError},
    assistant::Brain,
    chat::{Chat, ComposeError, HostEvent, LineKind, Phase, Reply, Unavailable},
    handoff,
    host::{FromHost, HostChannel},
    i18n::{Strings, T},
    live::{Connection, Live, Resume},
    report::Reporter,
    storage,
    timer::{self, Timeout},
};

/// How often, and how many times, the widget asks again for a knowledge base that the
/// server is still compiling (a minute in all).
const MODEL_WAIT_MS: u32 = 2000;
const MODEL_WAIT_TRIES: u32 = 30;

/// A fresh client id for an outgoing message: 96 random bits.
fn client_id() -> String {
    let mut bytes = [0u8; 12];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]])
        .map(char::from)
        .collect()
}

/// The shopper's preferred languages, from the browser.
fn browser_languages() -> Vec<String> {
    web_sys::window()
        .map(|w| {
            w.navigator()
                .languages()
                .iter()
                .filter_map(|l| l.as_string())
                .collect()
        })
        .unwrap_or_default()
}

fn plausible_email(email: &str) -> bool {
    email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.ends_with('.')
            && !email.contains(char::is_whitespace)
    })
}

/// What the widget holds besides what it draws.
struct Parts {
    site: String,
    host: HostChannel,
    brain: Option<Brain>,
    live: Option<Live>,
    /// Questions asked while the assistant was still loading, in order.
    waiting_questions: Vec<String>,
    /// The merchant's context (`Tandem.setContext`), as JSON text, once this page said it.
    context: Option<String>,
    identity: Option<Identity>,
    reporter: Reporter,
    /// When the agent was last told the shopper is typing, and the timer that tells them
    /// the shopper stopped.
    typing_since: f64,
    typing_quiet: Option<Timeout>,
}

impl Parts {
    /// The context to send with a handoff or a message left: an empty object if the page
    /// said none.
    fn context_json(&self) -> String {
        self.context.clone().unwrap_or_else(|| "{}".to_owned())
    }
}

/// The widget: what it draws and what it holds.
#[derive(Clone, Copy)]
struct Widget {
    view: View,
    parts: StoredValue<Rc<RefCell<Parts>>, LocalStorage>,
}

impl Widget {
    fn parts(self) -> Rc<RefCell<Parts>> {
        self.parts.get_value()
    }

    fn site(self) -> String {
        self.parts().borrow().site.clone()
    }

    fn edit<R>(self, change: impl FnOnce(&mut Chat) -> R) -> R {
        self.view
            .chat
            .try_update(change)
            .unwrap_or_else(|| unreachable!("the chat lives as long as the widget"))
    }

    fn read<R>(self, look: impl FnOnce(&Chat) -> R) -> R {
        self.view.chat.with_untracked(look)
    }

    fn screen(self, change: impl FnOnce(&mut Screen)) {
        self.view.screen.update(change);
    }

    /// A failed call, told in the shopper's language.
    fn said(self, error: &ApiError) -> String {
        self.view.screen.with_untracked(|s| error.said(&s.strings))
    }

    fn t(self, text: T) -> String {
        self.view
            .screen
            .with_untracked(|s| s.strings.get(text).to_owned())
    }

    fn problem(self, problem: Option<String>) {
        self.screen(|s| s.problem = problem);
    }

    /// Carries out what the shopper asked for.
    fn act(self, intent: Intent) -> Result<(), ComposeError> {
        match intent {
            Intent::Human => {
                // After a closed conversation the button starts a new one, with a person.
                if self.read(|c| matches!(c.phase(), Phase::Closed { .. })) {
                    self.new_chat();
                }
                self.edit(|c| c.ask_for_person(HandoffReason::Asked));
            }
            Intent::Close => self.parts().borrow().host.post("close"),
            Intent::Send(text) => return self.send(text),
            Intent::Typing => self.typing(),
            Intent::Choose(line, index) => self.choose(line, index),
            Intent::Feedback(line, helpful) => self.feedback(line, helpful),
            Intent::Retry(line) => {
                if let Some((client_id, text)) = self.edit(|c| c.retry(line)) {
                    self.frame(ShopperFrame::Send { client_id, text });
                }
            }
            Intent::Confirm => self.confirm(),
            Intent::Dismiss => self.edit(Chat::dismiss_confirmation),
            Intent::LeaveQueue => spawn_local(self.leave_queue(Chat::back_to_assistant)),
            Intent::MessageInstead => spawn_local(self.leave_queue(|c| {
                c.back_to_assistant();
                c.offline(Unavailable::NoAgents);
            })),
            Intent::Rate(score, comment) => spawn_local(self.rate(score, comment)),
            Intent::LeaveMessage(form) => self.leave_message(form),
            Intent::Back => {
                self.problem(None);
                self.edit(Chat::back_to_assistant);
            }
            Intent::NewChat => self.new_chat(),
        }
        Ok(())
    }

    fn record(self, event: Option<AssistantEvent>) {
        if let Some(event) = event {
            self.parts().borrow().reporter.record(event);
        }
    }

    fn say(self, answered: Option<(Reply, Option<AssistantEvent>)>) {
        if let Some((reply, event)) = answered {
            self.record(event);
            self.edit(|c| c.assistant_says(reply));
        }
    }

    /// The assistant answers the shopper's words, here in the browser.
    fn ask(self, text: String) {
        let parts = self.parts();
        let answered = parts.borrow_mut().brain.as_mut().map(|b| b.ask(&text));
        if answered.is_none() {
            match self.view.screen.with_untracked(|s| s.assistant) {
                AssistantState::Loading => parts.borrow_mut().waiting_questions.push(text),
                // No assistant on this site (or it failed to load): only a person can answer.
                AssistantState::Absent => self.edit(|c| c.ask_for_person(HandoffReason::Asked)),
                AssistantState::Ready => {}
            }
        }
        self.say(answered);
    }

    /// A frame to the person, if the live connection is up.
    fn frame(self, frame: ShopperFrame) {
        if let Some(live) = &self.parts().borrow().live {
            live.send(&frame);
        }
    }

    fn start_live(self) {
        let Some(id) = self.read(|c| c.ticket().map(|t| t.id.clone())) else {
            return;
        };
        let resume = move || {
            self.read(|c| {
                c.ticket().filter(|_| c.phase().is_live()).map(|t| Resume {
                    token: t.token.clone(),
                    last_seq: t.last_seq,
                    outbox: c.outbox(),
                    context: self.parts().borrow().context.clone(),
                })
            })
        };
        let on_frame = move |frame| {
            for event in self.edit(|c| c.apply(frame)) {
                let name = match event {
                    HostEvent::AgentJoined => "agent_joined",
                    HostEvent::Message => "message",
                };
                self.parts().borrow().host.event(name);
            }
        };
        let on_state = move |state| self.screen(|s| s.connection = state);
        let live = Live::connect(id, resume, on_frame, on_state);
        self.parts().borrow_mut().live = Some(live);
    }

    fn stop_live(self) {
        let live = self.parts().borrow_mut().live.take();
        if let Some(live) = live {
            live.stop();
        }
        self.screen(|s| s.connection = Connection::Idle);
    }

    /// The site and the shopper's language first, so the widget shows (a fraction of a
    /// second); then the assistant.
    async fn load(self, fresh: bool) {
        let site = self.site();
        let Ok(info) = api::site_info(&site).await else {
            self.screen(|s| {
                s.assistant = AssistantState::Absent;
                s.loaded = true;
            });
            return self.parts().borrow().host.post("ready");
        };
        let language = pick_language(&browser_languages(), &info.languages);
        let mut strings = None;
        if language != "en"
            && let Ok(json) = api::strings(&language).await
        {
            strings = Strings::from_json(&language, &json).ok();
        }
        if fresh {
            self.edit(|c| c.greet(&info.greeting));
        }
        let (mut model_url, mut pending) = (info.model_url.clone(), info.assistant_pending);
        self.screen(|s| {
            s.site = Some(info);
            s.strings = strings.unwrap_or_else(Strings::english);
            s.loaded = true;
        });
        // Posting goes through the event loop: the shell is drawn by then, so the host's
        // "open" finds the composer to put the cursor in.
        self.parts().borrow().host.post("ready");
        // Just after the server starts, the knowledge base may still be compiling.
        for _ in 0..MODEL_WAIT_TRIES {
            if model_url.is_some() || !pending {
                break;
            }
            timer::sleep(MODEL_WAIT_MS).await;
            if let Ok(next) = api::site_info(&site).await {
                (model_url, pending) = (next.model_url, next.assistant_pending);
            }
        }
        let mut brain = None;
        if let Some(url) = model_url
            && let Ok(bytes) = api::model(&url).await
        {
            brain = Brain::from_bytes(&bytes).ok();
        }
        let ready = brain.is_some();
        let questions = {
            let parts = self.parts();
            let mut parts = parts.borrow_mut();
            parts.brain = brain;
            std::mem::take(&mut parts.waiting_questions)
        };
        self.screen(|s| {
            s.assistant = if ready {
                AssistantState::Ready
            } else {
                AssistantState::Absent
            }
        });
        // Each answered in turn, unless one of them brought a person in.
        for question in questions {
            if self.read(Chat::assistant_listens) {
                self.ask(question);
            }
        }
    }

    fn confirm(self) {
        if let Some(reason) = self.edit(Chat::start_handoff) {
            spawn_local(self.hand_over(reason));
        }
    }

    /// Hands the shopper over, unless no one can answer live.
    async fn hand_over(self, reason: HandoffReason) {
        let site = self.site();
        if let Ok(info) = api::site_info(&site).await {
            let why = match info.availability {
                Availability::AfterHours => Some(Unavailable::AfterHours),
                Availability::NoAgents => Some(Unavailable::NoAgents),
                Availability::Online => None,
            };
            self.screen(|s| s.site = Some(info));
            // A handoff tried before may be waiting in the queue: the server says so first.
            if let Some(why) = why
                && !self.read(Chat::handoff_pending)
            {
                return self.edit(|c| c.offline(why));
            }
        }
        let language = self
            .view
            .screen
            .with_untracked(|s| s.strings.language().to_owned());
        let (identity, context) = {
            let parts = self.parts();
            let parts = parts.borrow();
            (parts.identity.clone(), parts.context_json())
        };
        let key = self.edit(|c| c.handoff_key(client_id));
        let packet = CreateConversation {
            key: Some(key),
            ..self.read(|c| handoff::packet(&site, c, reason, identity, &language))
        };
        match api::create_conversation(&packet, &context).await {
            Ok(created) => {
                self.edit(|c| c.handed_over(&created));
                self.record(Some(AssistantEvent::HandedOver { reason }));
                self.parts().borrow().host.event("handoff");
                self.start_live();
            }
            Err(error) if error.status == Some(409) => {
                self.edit(|c| c.offline(Unavailable::AfterHours))
            }
            Err(error) => self.edit(|c| c.handoff_failed(error)),
        }
    }

    /// Typing reaches the agent at most every three seconds, and stops after five of quiet.
    fn typing(self) {
        if !self.read(|c| c.phase().is_live()) {
            return;
        }
        let now = js_sys::Date::now();
        let tell = {
            let parts = self.parts();
            let mut parts = parts.borrow_mut();
            let tell = now - parts.typing_since > 3000.0;
            if tell {
                parts.typing_since = now;
            }
            tell
        };
        if tell {
            self.frame(ShopperFrame::Typing { typing: true });
        }
        let quiet = Timeout::new(5000, move || {
            self.parts().borrow_mut().typing_since = 0.0;
            self.frame(ShopperFrame::Typing { typing: false });
        });
        self.parts().borrow_mut().typing_quiet = quiet;
    }

    fn send(self, text: String) -> Result<(), ComposeError> {
        let id = client_id();
        self.edit(|c| c.shopper_says(&text, id.clone()))?;
        // What goes out is what the outbox holds: trimmed, card numbers masked.
        let outgoing = self.read(|c| {
            c.phase()
                .is_live()
                .then(|| c.outbox().into_iter().find(|(cid, _)| *cid == id))
                .flatten()
        });
        if let Some((client_id, text)) = outgoing {
            self.frame(ShopperFrame::Send { client_id, text });
            // A message ends typing on the agent's side.
            let parts = self.parts();
            let mut parts = parts.borrow_mut();
            parts.typing_quiet = None;
            parts.typing_since = 0.0;
        }
        if self.read(Chat::assistant_listens) {
            self.ask(text);
        }
        Ok(())
    }

    fn choose(self, line: u32, index: usize) {
        let id = self.read(|c| match c.line(line).map(|l| &l.kind) {
            Some(LineKind::Choices { topics, .. }) => topics
                .iter()
                .find(|t| t.index == index)
                .map(|t| t.id.clone()),
            _ => None,
        });
        // Only with the assistant there to answer (a reload shows the buttons before the
        // model is back): the button then stays as it was.
        let answered = id.and_then(|id| self.parts().borrow_mut().brain.as_mut()?.choose(&id));
        if answered.is_some() {
            self.edit(|c| c.choose(line, index));
            self.say(answered);
        }
    }

    fn feedback(self, line: u32, helpful: bool) {
        let entry = self.read(|c| match c.line(line).map(|l| &l.kind) {
            Some(LineKind::Answer {
                topic,
                helpful: None,
                ..
            }) => Some(topic.id.clone()),
            _ => None,
        });
        let Some(entry) = entry else { return };
        self.edit(|c| c.rate_answer(line, helpful));
        let answered = self
            .parts()
            .borrow_mut()
            .brain
            .as_mut()
            .map(|b| b.feedback(&entry, helpful));
        if let Some((next, event)) = answered {
            self.record(Some(event));
            self.say(next.map(|reply| (reply, None)));
        }
    }

    /// Out of the queue; `then` says where the chat goes (back to the assistant, or to the
    /// leave-a-message form).
    async fn leave_queue(self, then: impl FnOnce(&mut Chat)) {
        let Some(ticket) = self.read(|c| c.ticket().cloned()) else {
            return;
        };
        match api::cancel(&ticket).await {
            Ok(_) => {
                self.problem(None);
                self.edit(then);
            }
            // Out of the queue already (a second click), or taken by a person meanwhile.
            Err(_) if !self.read(|c| matches!(c.phase(), Phase::Waiting { .. })) => {}
            Err(error) => self.problem(Some(self.said(&error))),
        }
    }

    async fn rate(self, score: u8, comment: String) {
        let Some(ticket) = self.read(|c| c.ticket().cloned()) else {
            return;
        };
        let comment =
            Some(mask_card_numbers(comment.trim()).into_owned()).filter(|c| !c.is_empty());
        match api::rate(&ticket, score, comment).await {
            Ok(()) => self.edit(|c| c.rated(score)),
            Err(error) => self.problem(Some(self.said(&error))),
        }
    }

    fn leave_message(self, form: OfflineForm) {
        let email = form.email.trim().to_owned();
        if !plausible_email(&email) {
            return self.problem(Some(self.t(T::InvalidEmail)));
        }
        if form.message.trim().is_empty() {
            return self.problem(Some(self.t(T::EmptyMessage)));
        }
        let message = LeaveMessage {
            email: email.clone(),
            name: Some(mask_card_numbers(form.name.trim()).into_owned()).filter(|n| !n.is_empty()),
            message: mask_card_numbers(form.message.trim()).into_owned(),
            transcript: self.read(handoff::transcript),
            context: Default::default(),
        };
        let context = self.parts().borrow().context_json();
        spawn_local(async move {
            match api::leave_message(&self.site(), &message, &context).await {
                Ok(_) => {
                    self.problem(None);
                    self.edit(|c| c.message_left(&email));
                }
                Err(error) => self.problem(Some(self.said(&error))),
            }
        });
    }

    fn new_chat(self) {
        self.problem(None);
        self.stop_live();
        storage::clear(&self.site());
        let greeting = self.view.screen.with_untracked(|s| {
            s.site
                .as_ref()
                .map(|s| s.greeting.clone())
                .unwrap_or_default()
        });
        self.view.chat.set(Chat::new(&greeting));
        if let Some(brain) = &mut self.parts().borrow_mut().brain {
            brain.forget();
        }
    }

    /// The host page: `open` shows the newest line and puts the cursor where the shopper
    /// types; context and identity are kept for the handoff, and a new context goes to the
    /// person, if one is involved.
    fn hear_host(self, event: &web_sys::MessageEvent) {
        let parts = self.parts();
        let said = parts.borrow().host.receive(event);
        match said {
            Some(FromHost::Open) => {
                // Lines that came while the panel was hidden (the widget loads hidden on the
                // shop's next page while a person is involved) were drawn without a layout
                // to scroll.
                if let Some(list) = document().body().and_then(|b| dom::find(&b, ".messages")) {
                    list.set_scroll_top(list.scroll_height());
                }
                if let Some(input) = document().get_element_by_id("tandem-message")
                    && let Ok(input) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(input)
                {
                    let _ = input.focus();
                }
            }
            Some(FromHost::Context(json)) => {
                parts.borrow_mut().context = Some(json.clone());
                // With a person involved, the agent sees where the shopper is now.
                self.frame(ShopperFrame::Context { context: json });
            }
            Some(FromHost::Identify(who)) => parts.borrow_mut().identity = Some(who),
            None => {}
        }
    }
}

/// The whole widget for one site.
#[component]
pub fn App(site: String) -> impl IntoView {
    let restored = storage::load(&site);
    let fresh = restored.is_none();
    let chat = RwSignal::new(restored.unwrap_or_else(|| Chat::new("")));
    // A reload (or the shop's next page) while the handoff request was on its way: it is
    // sent again, with its key, so it ends in the conversation it may have made already.
    let resend = chat.with_untracked(|c| match c.phase() {
        Phase::Connecting { reason } => Some(*reason),
        _ => None,
    });
    let view = View {
        chat,
        screen: RwSignal::new(Screen::new()),
    };
    let parts = Parts {
        host: HostChannel::from_location(),
        brain: None,
        live: None,
        waiting_questions: Vec::new(),
        context: None,
        identity: None,
        reporter: Reporter::start(&site),
        typing_since: 0.0,
        typing_quiet: None,
        site,
    };
    let widget = Widget {
        view,
        parts: StoredValue::new_local(Rc::new(RefCell::new(parts))),
    };

    // Every change is kept, so a reload or the next checkout page resumes the chat; and a
    // chat no longer with a person needs no live connection. The page hears when a person
    // comes in or goes, to bring the widget back on its next page while one is involved.
    Effect::new(move |was_live: Option<bool>| {
        let (live, stale) = chat.with(|c| {
            storage::save(&widget.site(), c);
            (
                c.phase().is_live(),
                !matches!(c.phase(), Phase::Connecting { .. }),
            )
        });
        if was_live != Some(live) {
            widget.parts().borrow().host.live(live);
        }
        if !live && stale && widget.parts().borrow().live.is_some() {
            widget.stop_live();
        }
        live
    });
    if chat.with_untracked(|c| c.phase().is_live()) {
        widget.start_live();
    }
    spawn_local(widget.load(fresh));
    if let Some(reason) = resend {
        spawn_local(widget.hand_over(reason));
    }

    let from_host = window_event_listener(ev::message, move |event| widget.hear_host(&event));
    let online = window_event_listener(ev::online, move |_| {
        if let Some(live) = &widget.parts().borrow().live {
            live.wake();
        }
    });
    on_cleanup(move || {
        from_host.remove();
        online.remove();
    });

    let actions = Callback::new(move |intent| widget.act(intent));
    view! { <Shell view actions /> }
}
