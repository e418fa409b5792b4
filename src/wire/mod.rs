//! The widget's JSON, without serde.
//!
//! The protocol's types are defined once, in `tandem-protocol`, and the server reads and
//! writes them with serde. In the browser, serde's generic machinery would cost more code
//! than all of the widget's own (measured: about 18 KB gzip for decoding alone), against a
//! first-open budget of 100 KB; so the widget reads the few messages it receives and writes
//! the few it sends with a small codec of its own. The types stay the protocol's, and
//! round-trip tests against serde (`decode`, `encode`) keep the two ends in step: a change
//! to a protocol type that this codec misses fails them.
//!
//! - [`json`]: the reader and writer.
//! - [`decode`]: what the server sends, into protocol types.
//! - [`encode`]: what the widget sends, from protocol types.

pub mod decode;
pub mod encode;
pub mod json;

pub use json::Json;
