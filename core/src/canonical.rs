//! Canonical JSON: the JSON Canonicalization Scheme (RFC 8785, "JCS").
//!
//! The canonical bytes of a payload are what an artifact id hashes and what its signature signs,
//! so they must be the same everywhere: object members sorted by the UTF-16 code units of their
//! names, no insignificant whitespace, strings escaping only `"`, `\` and control characters
//! (`\b \f \n \r \t`, else `\u00xx` in lowercase hex; everything else raw UTF-8), and floating
//! point numbers in ECMAScript `Number.prototype.toString` form (via `ryu-js`).
//!
//! Integers that JSON carried as integers are written exactly as they are, like Python's
//! `json.dumps` does, even past 2^53 where strict JCS would round them to a double. For payloads
//! of printable ASCII strings, integers, booleans and nulls the output equals Python's
//! `json.dumps(v, sort_keys=True, separators=(",", ":"))`, which is how the Python
//! mcp-orchestration signs. (Python differs only on floats, e.g. `1.0`, and on non-ASCII or
//! DEL characters, which it escapes as `\uXXXX`.)
//!
//! `serde_json_canonicalizer` was considered and not used: it writes every integer as a double
//! (losing digits past 2^53, unlike the Python system) and is fallible over any `Serialize`,
//! while canonicalizing an already-parsed [`Value`] cannot fail.

use serde_json::{Number, Value};

/// The canonical (RFC 8785) bytes of `value`.
pub fn to_vec(value: &Value) -> Vec<u8> {
    to_string(value).into_bytes()
}

/// The canonical (RFC 8785) text of `value`.
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(members) => write_object(out, members.iter()),
    }
}

/// Writes an object whose members arrive in any order (a `Map` may keep insertion order when
/// serde_json's `preserve_order` is on anywhere in the build).
fn write_object<'a>(out: &mut String, members: impl Iterator<Item = (&'a String, &'a Value)>) {
    let mut sorted: Vec<(&String, &Value)> = members.collect();
    sorted.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
    out.push('{');
    for (i, (name, value)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, name);
        out.push(':');
        write_value(out, value);
    }
    out.push('}');
}

fn write_number(out: &mut String, n: &Number) {
    if let Some(u) = n.as_u64() {
        out.push_str(&u.to_string());
    } else if let Some(i) = n.as_i64() {
        out.push_str(&i.to_string());
    } else if let Some(f) = n.as_f64().filter(|f| f.is_finite()) {
        out.push_str(ryu_js::Buffer::new().format_finite(f));
    } else {
        // Only reachable if serde_json's `arbitrary_precision` is on and the number fits no
        // primitive; its own text is then the most faithful form.
        out.push_str(&n.to_string());
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    fn canon(text: &str) -> String {
        to_string(&serde_json::from_str(text).unwrap())
    }

    #[test]
    fn sorts_keys_and_drops_whitespace() {
        assert_eq!(
            canon(r#"{ "b": [1, 2, {"z": null, "a": true}], "a": "x" }"#),
            r#"{"a":"x","b":[1,2,{"a":true,"z":null}]}"#
        );
        assert_eq!(to_vec(&json!({})), b"{}");
    }

    #[test]
    fn sorts_keys_by_utf16_code_units_not_bytes() {
        // U+FB33 is one UTF-16 unit (0xFB33); U+1F600 is a surrogate pair (0xD83D ...), so it
        // sorts first in UTF-16 although its UTF-8 bytes sort last.
        let v = json!({"\u{fb33}": 1, "\u{1f600}": 2, "a": 3});
        assert_eq!(to_string(&v), "{\"a\":3,\"\u{1f600}\":2,\"\u{fb33}\":1}");
    }

    #[test]
    fn escapes_only_what_jcs_escapes() {
        let v = json!("q\" b\\ s/ \u{8}\u{c}\n\r\t \u{1}\u{1f}\u{7f} é €");
        assert_eq!(
            to_string(&v),
            "\"q\\\" b\\\\ s/ \\b\\f\\n\\r\\t \\u0001\\u001f\u{7f} é €\""
        );
    }

    #[test]
    fn numbers_take_ecmascript_form() {
        // Cases from RFC 8785 Appendix B and the ECMAScript rules.
        assert_eq!(
            canon("[1.0, -0.0, 1e21, 1e20, 1e-7, 0.000001, 333333333.33333329, 4.50, 2e-3, 1E+30]"),
            "[1,0,1e+21,100000000000000000000,1e-7,0.000001,333333333.3333333,4.5,0.002,1e+30]"
        );
        assert_eq!(
            canon("[9007199254740993, -9223372036854775808, 18446744073709551615]"),
            "[9007199254740993,-9223372036854775808,18446744073709551615]"
        );
    }

    #[test]
    fn rfc_8785_example_matches() {
        // The example of RFC 8785 section 3.2.3 (minus its non-ASCII string, tested above).
        let input = r#"{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "literals": [null, true, false]}"#;
        assert_eq!(
            canon(input),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27]}"#
        );
    }

    #[test]
    fn ascii_payloads_equal_python_json_dumps() {
        // Expected strings produced by Python 3:
        // json.dumps(v, sort_keys=True, separators=(",", ":"))
        let v = json!({"mcpServers": {"b": {"command": "npx", "args": ["-y", "a b", "x\"y", "c:\\dir", "/p"],
            "env": {"Z": "1", "A": "line\nnext\ttab\u{1}"}}, "a": {"url": "https://x/y?q=1", "n": 42, "ok": false, "v": null}}});
        let python = r#"{"mcpServers":{"a":{"n":42,"ok":false,"url":"https://x/y?q=1","v":null},"b":{"args":["-y","a b","x\"y","c:\\dir","/p"],"command":"npx","env":{"A":"line\nnext\ttab\u0001","Z":"1"}}}}"#;
        assert_eq!(to_string(&v), python);
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            any::<String>().prop_map(Value::String),
            "[a-z\"\\\\/\\n\\t\\u{0}-\\u{1f}é€😀]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((any::<String>(), inner), 0..6)
                    .prop_map(|members| Value::Object(members.into_iter().collect())),
            ]
        })
    }

    /// Equality where a float and an integer of the same value count as equal (JCS writes
    /// `1.0` as `1`, which parses back as an integer).
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => {
                match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                    (Some(p), Some(q), _, _) => p == q,
                    (_, _, Some(p), Some(q)) => p == q,
                    _ => x.as_f64() == y.as_f64(),
                }
            }
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
            }
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
            }
            _ => a == b,
        }
    }

    proptest! {
        #[test]
        fn canonical_form_is_idempotent(v in arb_json()) {
            let once = to_string(&v);
            let reparsed: Value = serde_json::from_str(&once).unwrap();
            prop_assert_eq!(to_string(&reparsed), once);
        }

        #[test]
        fn output_parses_back_to_an_equal_value(v in arb_json()) {
            let reparsed: Value = serde_json::from_slice(&to_vec(&v)).unwrap();
            prop_assert!(same(&v, &reparsed), "{:?} became {:?}", v, reparsed);
        }

        #[test]
        fn member_order_does_not_matter(
            (members, shuffled) in prop::collection::btree_map(any::<String>(), arb_json(), 0..8)
                .prop_flat_map(|m| {
                    let members: Vec<(String, Value)> = m.into_iter().collect();
                    (Just(members.clone()), Just(members).prop_shuffle())
                })
        ) {
            let (mut a, mut b) = (String::new(), String::new());
            write_object(&mut a, members.iter().map(|(k, v)| (k, v)));
            write_object(&mut b, shuffled.iter().map(|(k, v)| (k, v)));
            prop_assert_eq!(a, b);
        }
    }
}
