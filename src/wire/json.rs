//! A small JSON reader and writer.
//!
//! Only what the widget exchanges: objects, arrays, strings (all escapes, surrogate pairs),
//! integers, booleans and null. A number with a fraction or an exponent is kept as its text
//! (the widget never computes with one), which spares the float parser and formatter.

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Int(i64),
    /// A number that is not an integer, as written.
    Number(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// Parses a whole document; `None` if it is not valid JSON.
    pub fn parse(text: &str) -> Option<Json> {
        let mut reader = Reader {
            bytes: text.as_bytes(),
            at: 0,
        };
        let value = reader.value(0)?;
        reader.space();
        (reader.at == reader.bytes.len()).then_some(value)
    }

    /// A member of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn int(&self) -> Option<i64> {
        match self {
            Json::Int(n) => Some(*n),
            _ => None,
        }
    }

    pub fn bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn arr(&self) -> &[Json] {
        match self {
            Json::Arr(items) => items,
            _ => &[],
        }
    }

    /// The member's text, if it is a string.
    pub fn text(&self, key: &str) -> Option<String> {
        self.get(key)?.str().map(str::to_owned)
    }

    /// The member as an unsigned number, if it is one.
    pub fn uint(&self, key: &str) -> Option<u64> {
        u64::try_from(self.get(key)?.int()?).ok()
    }
}

/// Nested deeper than this is refused (no stack exhaustion on hostile input).
const MAX_DEPTH: u32 = 64;

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn space(&mut self) {
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
        {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.space();
        let found = self.bytes.get(self.at) == Some(&byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn literal(&mut self, word: &str, value: Json) -> Option<Json> {
        self.bytes[self.at..].starts_with(word.as_bytes()).then(|| {
            self.at += word.len();
            value
        })
    }

    fn value(&mut self, depth: u32) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.space();
        match *self.bytes.get(self.at)? {
            b'{' => {
                self.at += 1;
                let mut members = Vec::new();
                if self.eat(b'}') {
                    return Some(Json::Obj(members));
                }
                loop {
                    self.space();
                    let key = self.string()?;
                    if !self.eat(b':') {
                        return None;
                    }
                    members.push((key, self.value(depth + 1)?));
                    if self.eat(b'}') {
                        return Some(Json::Obj(members));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                if self.eat(b']') {
                    return Some(Json::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    if self.eat(b']') {
                        return Some(Json::Arr(items));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'"' => self.string().map(Json::Str),
            b't' => self.literal("true", Json::Bool(true)),
            b'f' => self.literal("false", Json::Bool(false)),
            b'n' => self.literal("null", Json::Null),
            _ => self.number(),
        }
    }

    fn number(&mut self) -> Option<Json> {
        let start = self.at;
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            self.at += 1;
        }
        let text = std::str::from_utf8(&self.bytes[start..self.at]).ok()?;
        if text.is_empty() {
            return None;
        }
        match text.parse::<i64>() {
            Ok(n) => Some(Json::Int(n)),
            Err(_) => {
                let valid =
                    text.bytes().any(|b| b.is_ascii_digit()) && !text.starts_with(['.', '+']);
                valid.then(|| Json::Number(text.to_owned()))
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes.get(self.at..self.at + 4)?;
        self.at += 4;
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    }

    fn string(&mut self) -> Option<String> {
        if self.bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        self.at += 1;
        let mut out = Vec::new();
        loop {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            match byte {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let escape = *self.bytes.get(self.at)?;
                    self.at += 1;
                    let c = match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let high = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&high) {
                                if self.bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                                    return None;
                                }
                                self.at += 2;
                                let low = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&low) {
                                    return None;
                                }
                                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                high
                            };
                            char::from_u32(code)?
                        }
                        _ => return None,
                    };
                    let mut buffer = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
                }
                0..0x20 => return None,
                _ => out.push(byte),
            }
        }
    }
}

/// Writes a JSON object, member by member.
#[derive(Default)]
pub struct Object {
    out: String,
}

/// Appends `text` as a JSON string literal.
pub fn quote(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(char::from_digit((c as u32) >> 4, 16).expect("a hex digit"));
                out.push(char::from_digit((c as u32) & 15, 16).expect("a hex digit"));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl Object {
    pub fn new() -> Object {
        Object {
            out: String::from("{"),
        }
    }

    fn key(&mut self, key: &str) -> &mut String {
        if self.out.len() > 1 {
            self.out.push(',');
        }
        quote(&mut self.out, key);
        self.out.push(':');
        &mut self.out
    }

    pub fn str(mut self, key: &str, value: &str) -> Object {
        let out = self.key(key);
        quote(out, value);
        self
    }

    pub fn opt_str(self, key: &str, value: Option<&str>) -> Object {
        match value {
            Some(value) => self.str(key, value),
            None => self,
        }
    }

    pub fn int(mut self, key: &str, value: i64) -> Object {
        self.key(key).push_str(&value.to_string());
        self
    }

    pub fn bool(mut self, key: &str, value: bool) -> Object {
        self.key(key).push_str(if value { "true" } else { "false" });
        self
    }

    /// A member whose value is already JSON text.
    pub fn raw(mut self, key: &str, json: &str) -> Object {
        self.key(key).push_str(json);
        self
    }

    /// A member whose value is an array of already-written JSON values.
    pub fn list(self, key: &str, items: impl IntoIterator<Item = String>) -> Object {
        let items: Vec<String> = items.into_iter().collect();
        self.raw(key, &format!("[{}]", items.join(",")))
    }

    pub fn finish(mut self) -> String {
        self.out.push('}');
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_serde_json_writes() {
        let value = serde_json::json!({
            "text": "Grüße \"quoted\" \\ back\nslash \u{1F600} \u{0001}",
            "n": -42, "big": 9007199254740993_i64, "ok": true, "none": null,
            "list": [1, "two", [3], {}], "frac": 0.62, "exp": 1e10
        });
        let parsed = Json::parse(&serde_json::to_string(&value).unwrap()).unwrap();
        assert_eq!(parsed.text("text").as_deref(), value["text"].as_str());
        assert_eq!(parsed.get("n").and_then(Json::int), Some(-42));
        assert_eq!(
            parsed.get("big").and_then(Json::int),
            Some(9007199254740993)
        );
        assert_eq!(parsed.get("ok").and_then(Json::bool), Some(true));
        assert_eq!(parsed.get("none"), Some(&Json::Null));
        assert_eq!(
            parsed.get("list").map(Json::arr).map(<[Json]>::len),
            Some(4)
        );
        assert_eq!(parsed.get("frac"), Some(&Json::Number("0.62".into())));
        assert!(matches!(parsed.get("exp"), Some(Json::Number(_))));
        assert_eq!(
            Json::parse(r#""\ud83d\ude00""#),
            Some(Json::Str("😀".into()))
        );
    }

    #[test]
    fn refuses_what_is_not_json() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "tru",
            "\"unterminated",
            "{} x",
            "\"\\q\"",
            "\"\\ud83d\"",
            "\"a\u{1}\"",
            "-",
            ".5",
        ] {
            assert_eq!(Json::parse(bad), None, "{bad:?}");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert_eq!(Json::parse(&deep), None, "too deep");
    }

    #[test]
    fn writes_what_serde_json_reads() {
        let written = Object::new()
            .str("text", "Grüße \"q\" \\ \n\t\u{1}")
            .int("n", -7)
            .bool("b", false)
            .opt_str("missing", None)
            .raw("raw", "{\"x\":1}")
            .list("items", ["1".to_owned(), "\"two\"".to_owned()])
            .finish();
        let value: serde_json::Value = serde_json::from_str(&written).unwrap();
        assert_eq!(
            value,
            serde_json::json!({ "text": "Grüße \"q\" \\ \n\t\u{1}", "n": -7, "b": false, "raw": { "x": 1 }, "items": [1, "two"] })
        );
    }
}
