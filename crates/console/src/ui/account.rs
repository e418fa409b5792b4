//! The agent's own account: who is signed in, and changing the password. The server checks
//! the current password and the new one's length; once it is changed, every other place the
//! agent was signed in is signed out, and this one stays.

use leptos::{ev, prelude::*};
use tandem_protocol::agent::ChangePassword;

use crate::i18n::{t, t_with};

#[component]
pub fn AccountView(
    #[prop(into)] email: Signal<String>,
    on_change: Callback<ChangePassword>,
    /// The last change: `Ok` once made, or why it was refused.
    #[prop(into)]
    outcome: Signal<Option<Result<(), String>>>,
    #[prop(into)] busy: Signal<bool>,
) -> impl IntoView {
    let (current, new, repeat) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    // The two new passwords differ: the agent would not know which one they set.
    let mismatch = RwSignal::new(false);
    let submit = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let differ = new.get_untracked() != repeat.get_untracked();
        mismatch.set(differ);
        if !differ {
            on_change.run(ChangePassword {
                current: current.get_untracked(),
                new: new.get_untracked(),
            });
        }
    };
    Effect::new(move |_| {
        if outcome.with(|o| matches!(o, Some(Ok(())))) {
            for field in [current, new, repeat] {
                field.set(String::new());
            }
        }
    });
    let problem = move || {
        if mismatch.get() {
            Some(t("passwords_differ"))
        } else {
            outcome.get().and_then(Result::err)
        }
    };
    let done = move || {
        (!mismatch.get() && outcome.with(|o| matches!(o, Some(Ok(())))))
            .then(|| t("password_changed"))
    };
    let field = |id: &'static str,
                 label: &'static str,
                 autocomplete: &'static str,
                 value: RwSignal<String>| {
        view! {
            <label for=id>{t(label)}</label>
            <input id=id type="password" autocomplete=autocomplete required prop:value=value
                on:input=move |e| value.set(event_target_value(&e)) />
        }
    };
    view! {
        <section class="account" aria-labelledby="account-title">
            <h2 id="account-title">{t("account")}</h2>
            <p class="signed-in-as">{move || t_with("signed_in_as", "email", &email.get())}</p>
            <form class="change-password" on:submit=submit aria-labelledby="change-password-title">
                <h3 id="change-password-title">{t("change_password")}</h3>
                {field("account-current", "current_password", "current-password", current)}
                {field("account-new", "new_password", "new-password", new)}
                {field("account-repeat", "repeat_new_password", "new-password", repeat)}
                <p class="hint">{t("new_password_hint")}</p>
                <p class="problem" role="alert">{problem}</p>
                <p class="done" role="status">{done}</p>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {t("change_password")}
                </button>
            </form>
        </section>
    }
}
