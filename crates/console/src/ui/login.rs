//! The sign-in form. The password goes only to the server, over the page's own origin.

use leptos::{ev, prelude::*};

use crate::i18n::t;

#[component]
pub fn Login(
    /// Called with `(email, password)`.
    on_submit: Callback<(String, String)>,
    /// Why the last try failed, shown as an alert.
    #[prop(into)]
    problem: Signal<Option<String>>,
    #[prop(into)] busy: Signal<bool>,
) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submit = move |event: ev::SubmitEvent| {
        event.prevent_default();
        on_submit.run((email.get_untracked(), password.get_untracked()));
    };
    view! {
        <main class="login">
            <form on:submit=submit aria-labelledby="login-title">
                <h1 id="login-title">{t("sign_in_title")}</h1>
                <label for="login-email">{t("email")}</label>
                <input id="login-email" type="email" autocomplete="username" required
                    prop:value=email on:input=move |e| email.set(event_target_value(&e)) />
                <label for="login-password">{t("password")}</label>
                <input id="login-password" type="password" autocomplete="current-password" required
                    prop:value=password on:input=move |e| password.set(event_target_value(&e)) />
                <p class="problem" role="alert">{move || problem.get()}</p>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { t("signing_in") } else { t("sign_in") }}
                </button>
            </form>
        </main>
    }
}
