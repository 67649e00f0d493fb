//! Terraform's JSON encoding of values (how state is stored, `RawState.json`).
//!
//! A small dedicated parser keeps numbers as decimal text, so state numbers keep full precision.
//! `dynamic` values are `{"type": <type JSON>, "value": <value>}`. JSON has no unknowns.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{MAX_DEPTH, Number, Type, Value, ValueError};
use crate::path::{AttributePath, PathStep};

/// Parsed JSON with numbers as text.
#[derive(Debug)]
enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    /// Arrays and objects open around the current position.
    depth: usize,
}

impl Parser<'_> {
    fn err(&self, what: &str) -> ValueError {
        ValueError::new(format!("invalid JSON at byte {}: {what}", self.i))
    }

    /// Enters an array or object: past [`MAX_DEPTH`] the input is refused instead of recursing
    /// until the stack overflows.
    fn enter(&mut self) -> Result<(), ValueError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(&format!("nested more than {MAX_DEPTH} levels deep")));
        }
        self.i += 1;
        Ok(())
    }

    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\n' | b'\r' | b'\t') {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Result<Json, ValueError> {
        self.ws();
        match self.s.get(self.i) {
            None => Err(self.err("unexpected end")),
            Some(b'n') => self.word("null", Json::Null),
            Some(b't') => self.word("true", Json::Bool(true)),
            Some(b'f') => self.word("false", Json::Bool(false)),
            Some(b'"') => Ok(Json::String(self.string()?)),
            Some(b'[') => {
                self.enter()?;
                let mut items = Vec::new();
                if self.eat(b']') {
                    self.depth -= 1;
                    return Ok(Json::Array(items));
                }
                loop {
                    items.push(self.value()?);
                    if self.eat(b']') {
                        self.depth -= 1;
                        return Ok(Json::Array(items));
                    }
                    if !self.eat(b',') {
                        return Err(self.err("expected , or ]"));
                    }
                }
            }
            Some(b'{') => {
                self.enter()?;
                let mut entries = Vec::new();
                if self.eat(b'}') {
                    self.depth -= 1;
                    return Ok(Json::Object(entries));
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    if !self.eat(b':') {
                        return Err(self.err("expected :"));
                    }
                    entries.push((k, self.value()?));
                    if self.eat(b'}') {
                        self.depth -= 1;
                        return Ok(Json::Object(entries));
                    }
                    if !self.eat(b',') {
                        return Err(self.err("expected , or }"));
                    }
                }
            }
            Some(b'-' | b'0'..=b'9') => {
                let start = self.i;
                while self.i < self.s.len()
                    && matches!(self.s[self.i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    self.i += 1;
                }
                let text = std::str::from_utf8(&self.s[start..self.i]).map_err(|_| self.err("number"))?;
                Ok(Json::Number(text.to_string()))
            }
            Some(_) => Err(self.err("unexpected character")),
        }
    }

    fn word(&mut self, w: &str, j: Json) -> Result<Json, ValueError> {
        if self.s[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            Ok(j)
        } else {
            Err(self.err("unexpected word"))
        }
    }

    fn string(&mut self) -> Result<String, ValueError> {
        if self.s.get(self.i) != Some(&b'"') {
            return Err(self.err("expected string"));
        }
        // Find the closing quote, then let serde_json handle the escapes.
        let start = self.i;
        self.i += 1;
        while self.i < self.s.len() {
            match self.s[self.i] {
                b'\\' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    return serde_json::from_slice(&self.s[start..self.i])
                        .map_err(|e| self.err(&e.to_string()));
                }
                _ => self.i += 1,
            }
        }
        Err(self.err("unterminated string"))
    }
}

pub(super) fn decode(bytes: &[u8], ty: &Type, lenient: bool) -> Result<Value, ValueError> {
    let mut p = Parser { s: bytes, i: 0, depth: 0 };
    p.ws();
    if p.i == bytes.len() {
        return Ok(Value::Null);
    }
    let json = p.value()?;
    p.ws();
    if p.i != bytes.len() {
        return Err(p.err("trailing characters"));
    }
    from_json(json, ty, &mut AttributePath::root(), lenient)
}

fn to_serde(j: &Json) -> serde_json::Value {
    match j {
        Json::Null => serde_json::Value::Null,
        Json::Bool(b) => (*b).into(),
        Json::Number(n) => n.parse::<serde_json::Number>().map_or(serde_json::Value::Null, Into::into),
        Json::String(s) => s.as_str().into(),
        Json::Array(a) => a.iter().map(to_serde).collect(),
        Json::Object(o) => o.iter().map(|(k, v)| (k.clone(), to_serde(v))).collect(),
    }
}

fn from_json(j: Json, ty: &Type, path: &mut AttributePath, lenient: bool) -> Result<Value, ValueError> {
    let mismatch = |j: &Json, path: &AttributePath| {
        ValueError::with_value(path, format!("expected {ty}, found JSON"), to_serde(j).to_string())
    };
    Ok(match (ty, j) {
        (_, Json::Null) => Value::Null,
        (Type::Dynamic, Json::Object(entries)) => {
            let mut t = None;
            let mut v = None;
            for (k, e) in entries {
                match k.as_str() {
                    "type" => t = Some(Type::from_json(&to_serde(&e))?),
                    "value" => v = Some(e),
                    _ => {}
                }
            }
            match (t, v) {
                (Some(t), Some(v)) => from_json(v, &t, path, lenient)?,
                _ => return Err(ValueError::at(path, "dynamic value needs \"type\" and \"value\"")),
            }
        }
        (Type::String, Json::String(s)) => Value::String(s),
        (Type::Number, Json::Number(n) | Json::String(n)) => Value::Number(
            Number::parse(&n).ok_or_else(|| ValueError::with_value(path, "bad number", format!("{n:?}")))?,
        ),
        (Type::Bool, Json::Bool(b)) => Value::Bool(b),
        (Type::List(t) | Type::Set(t), Json::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                path.push(PathStep::Index(i as i64));
                out.push(from_json(item, t, path, lenient)?);
                path.pop();
            }
            if matches!(ty, Type::Set(_)) { Value::Set(out) } else { Value::List(out) }
        }
        (Type::Tuple(ts), Json::Array(items)) if items.len() == ts.len() => {
            let mut out = Vec::with_capacity(items.len());
            for (i, (item, t)) in items.into_iter().zip(ts).enumerate() {
                path.push(PathStep::Index(i as i64));
                out.push(from_json(item, t, path, lenient)?);
                path.pop();
            }
            Value::Tuple(out)
        }
        (Type::Map(t), Json::Object(entries)) => {
            let mut out = BTreeMap::new();
            for (k, v) in entries {
                path.push(PathStep::Key(k.clone()));
                let v = from_json(v, t, path, lenient)?;
                path.pop();
                out.insert(k, v);
            }
            Value::Map(out)
        }
        (Type::Object(attrs), Json::Object(entries)) => {
            let mut out: BTreeMap<String, Value> =
                attrs.keys().map(|k| (k.clone(), Value::Null)).collect();
            for (k, v) in entries {
                let Some(t) = attrs.get(&k) else {
                    if lenient {
                        continue;
                    }
                    return Err(ValueError::at(path, format!("unsupported attribute {k:?}")));
                };
                path.push(PathStep::Attr(k.clone()));
                let v = from_json(v, t, path, lenient)?;
                path.pop();
                out.insert(k, v);
            }
            Value::Object(out)
        }
        (_, j) => return Err(mismatch(&j, path)),
    })
}

pub(super) fn encode(value: &Value, ty: &Type) -> Result<String, ValueError> {
    let mut out = String::new();
    write(value, ty, &mut out, &mut AttributePath::root())?;
    Ok(out)
}

fn write_str(s: &str, out: &mut String) {
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

fn write(value: &Value, ty: &Type, out: &mut String, path: &mut AttributePath) -> Result<(), ValueError> {
    match (ty, value) {
        (_, Value::Null) => out.push_str("null"),
        (_, Value::Unknown(_)) => {
            return Err(ValueError::at(path, "unknown values cannot be encoded as JSON"));
        }
        (Type::Dynamic, v) => {
            let actual = v.infer_type();
            let _ = write!(out, "{{\"type\":{},\"value\":", actual.to_json());
            write(v, &actual, out, path)?;
            out.push('}');
        }
        (Type::String, Value::String(s)) => write_str(s, out),
        (Type::Number, Value::Number(n)) => out.push_str(&n.to_string()),
        (Type::Bool, Value::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
        (Type::List(t) | Type::Set(t), Value::List(items) | Value::Set(items)) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                path.push(PathStep::Index(i as i64));
                write(item, t, out, path)?;
                path.pop();
            }
            out.push(']');
        }
        (Type::Tuple(ts), Value::Tuple(items) | Value::List(items)) if ts.len() == items.len() => {
            out.push('[');
            for (i, (item, t)) in items.iter().zip(ts).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                path.push(PathStep::Index(i as i64));
                write(item, t, out, path)?;
                path.pop();
            }
            out.push(']');
        }
        (Type::Map(t), Value::Map(m) | Value::Object(m)) => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(k, out);
                out.push(':');
                path.push(PathStep::Key(k.clone()));
                write(v, t, out, path)?;
                path.pop();
            }
            out.push('}');
        }
        (Type::Object(attrs), Value::Object(m)) => {
            out.push('{');
            for (i, (k, t)) in attrs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(k, out);
                out.push(':');
                path.push(PathStep::Attr(k.clone()));
                write(m.get(k).unwrap_or(&Value::Null), t, out, path)?;
                path.pop();
            }
            out.push('}');
        }
        (ty, v) => return Err(ValueError::at(path, format!("expected {ty}, found {}", v.kind()))),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_json_round_trip_with_precision() {
        let ty = Type::object([
            ("id", Type::String),
            ("n", Type::Number),
            ("tags", Type::map(Type::String)),
            ("pool", Type::list(Type::object([("count", Type::Number)]))),
            ("any", Type::Dynamic),
            ("t", Type::Tuple(vec![Type::Bool])),
        ]);
        let text = r#"{"id":"a\"b\u00e9","n":123456789012345678901234567890.123,"tags":{"k":"v"},
            "pool":[{"count":3}],"any":{"type":["list","string"],"value":["x"]},"t":[true]}"#;
        let v = decode(text.as_bytes(), &ty, false).unwrap();
        assert_eq!(v.get("id"), Some(&Value::from("a\"bé")));
        assert_eq!(v.get("n").unwrap().as_number().unwrap().to_string(), "123456789012345678901234567890.123");
        assert_eq!(v.get("any"), Some(&Value::list([Value::from("x")])));
        let again = encode(&v, &ty).unwrap();
        assert_eq!(decode(again.as_bytes(), &ty, false).unwrap(), v);
        assert!(again.contains("123456789012345678901234567890.123"));
    }

    fn nested(depth: usize) -> (Type, String) {
        let ty = (0..depth).fold(Type::String, |t, _| Type::list(t));
        (ty, format!("{}\"x\"{}", "[".repeat(depth), "]".repeat(depth)))
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let (ty, text) = nested(MAX_DEPTH);
        let v = decode(text.as_bytes(), &ty, false).unwrap();
        assert_eq!(encode(&v, &ty).unwrap(), text);
        let (ty, text) = nested(MAX_DEPTH + 1);
        let err = decode(text.as_bytes(), &ty, false).unwrap_err();
        assert!(err.message.contains("nested more than 128 levels deep"), "{err}");
        // Far deeper than any stack: refused before the type is even looked at.
        for open in ["[", "{\"a\":", "[{\"type\":\"dynamic\",\"value\":"] {
            let flood = open.repeat(200_000);
            let err = decode(flood.as_bytes(), &Type::Dynamic, false).unwrap_err();
            assert!(err.message.contains("nested more than"), "{err}");
        }
    }

    #[test]
    fn type_errors_show_the_value_apart_from_the_message() {
        let ty = Type::object([("n", Type::Number)]);
        let err = decode(br#"{"n": ["s3cr3t"]}"#, &ty, false).unwrap_err();
        assert!(!err.message.contains("s3cr3t"), "{err:?}");
        assert_eq!(err.to_string(), r#"n: expected number, found JSON: ["s3cr3t"]"#);
        assert_eq!(err.redacted().to_string(), "n: expected number, found JSON: (sensitive value)");
        let err = decode(br#"{"n": "12x"}"#, &ty, false).unwrap_err();
        assert_eq!(err.redacted().to_string(), "n: bad number: (sensitive value)");
    }

    #[test]
    fn unknowns_cannot_be_json_and_bad_input_fails() {
        let ty = Type::object([("a", Type::String)]);
        let err = encode(&Value::object([("a", Value::unknown())]), &ty).unwrap_err();
        assert_eq!(err.path, AttributePath::new("a"));
        assert!(decode(b"{\"a\": 1", &ty, false).is_err());
        assert!(decode(b"{\"b\": \"x\"}", &ty, false).is_err());
        assert_eq!(decode(b"{\"b\": \"x\"}", &ty, true).unwrap(), Value::object([("a", Value::Null)]));
        assert_eq!(decode(b"", &ty, false).unwrap(), Value::Null);
    }
}
