//! The few DOM operations the components use to keep the widget's static markup up to date:
//! find elements, set their text (always as text, never parsed as HTML), show or hide them,
//! and build new elements for the conversation.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement};

/// Every element under `root` that matches `selector`.
pub fn all(root: &Element, selector: &str) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect()
}

/// The first element under `root` that matches `selector`.
pub fn find(root: &Element, selector: &str) -> Option<HtmlElement> {
    root.query_selector(selector).ok()??.dyn_into().ok()
}

/// Sets the text of an element, if it is not that already: a live region announces every
/// change, so the same text is not written again.
pub fn text(element: &Element, text: &str) {
    if element.text_content().as_deref() != Some(text) {
        element.set_text_content(Some(text));
    }
}

/// Sets the text of every element that matches `selector`.
pub fn set_text(root: &Element, selector: &str, content: &str) {
    for element in all(root, selector) {
        text(&element, content);
    }
}

/// Sets an attribute, if it does not have that value already.
pub fn attribute(element: &Element, name: &str, value: &str) {
    if element.get_attribute(name).as_deref() != Some(value) {
        let _ = element.set_attribute(name, value);
    }
}

/// Sets or removes a boolean attribute (`hidden`, `disabled`).
pub fn toggle(element: &Element, attribute: &str, on: bool) {
    let _ = if on {
        element.set_attribute(attribute, "")
    } else {
        element.remove_attribute(attribute)
    };
}

/// A new element with a class, appended to `parent`.
pub fn child(document: &Document, parent: &Element, tag: &str, class: &str) -> Element {
    let element = document
        .create_element(tag)
        .unwrap_or_else(|_| unreachable!("a valid tag name"));
    if !class.is_empty() {
        element.set_class_name(class);
    }
    let _ = parent.append_child(&element);
    element
}

/// A span of text, appended to `parent`.
pub fn span(document: &Document, parent: &Element, class: &str, content: &str) -> Element {
    let span = child(document, parent, "span", class);
    span.set_text_content(Some(content));
    span
}
