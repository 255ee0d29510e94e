//! Property-based fuzz: random methods, paths, headers (bytes past ASCII, huge values) and bodies,
//! sent as raw bytes over a socket, since an HTTP client library refuses to send much of it. Every
//! answer is below 500, every error the JSON error shape, and the host is still healthy after.
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use mcp_orchestration_blackbox::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Methods every host's HTTP layer takes (workerd answers others itself: 501, or 500 for
/// `CONNECT`, before the Worker runs).
const METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "PROPFIND",
];

/// Header names the request's framing owns, never generated.
const FRAMING: [&str; 8] = [
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "expect",
    "upgrade",
    "te",
    "cf-connecting-ip",
];

/// One request as bytes on the wire.
#[derive(Debug, Clone)]
struct Raw {
    method: Vec<u8>,
    target: Vec<u8>,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
    body: Vec<u8>,
}

/// Words of the API's paths, so that many requests reach real routes.
fn path_words() -> Vec<String> {
    let mut words: Vec<String> = operations()
        .iter()
        .flat_map(|op| op.path.split('/').map(str::to_owned).collect::<Vec<_>>())
        .filter(|w| !w.is_empty() && !w.starts_with('{'))
        .collect();
    words.extend([CLIENT, "default", "cursor", "filesystem", "memory"].map(str::to_owned));
    words.sort();
    words.dedup();
    words
}

fn percent_encoded(bytes: Vec<u8>) -> Vec<u8> {
    bytes
        .iter()
        .flat_map(|b| format!("%{b:02X}").into_bytes())
        .collect()
}

/// A request target a URI may hold: API words, unreserved text, percent-encoded bytes, dots.
fn target() -> impl Strategy<Value = Vec<u8>> {
    let segment = prop_oneof![
        4 => proptest::sample::select(path_words()).prop_map(String::into_bytes),
        2 => "[A-Za-z0-9._~-]{0,24}".prop_map(String::into_bytes),
        2 => proptest::collection::vec(any::<u8>(), 0..12).prop_map(percent_encoded),
        1 => prop_oneof![Just(".."), Just("%2e%2e"), Just("."), Just("")].prop_map(|s| s.as_bytes().to_vec()),
        1 => (1usize..3000).prop_map(|n| vec![b'a'; n]),
    ];
    let query = proptest::option::of(proptest::collection::vec(
        (
            "[a-z_]{1,10}",
            proptest::collection::vec(any::<u8>(), 0..20),
        ),
        0..4,
    ));
    (proptest::collection::vec(segment, 0..7), query).prop_map(|(segments, query)| {
        let mut out = b"/".to_vec();
        out.extend(segments.join(&b'/'));
        if let Some(pairs) = query {
            out.push(b'?');
            for (i, (k, v)) in pairs.into_iter().enumerate() {
                if i > 0 {
                    out.push(b'&');
                }
                out.extend(k.into_bytes());
                out.push(b'=');
                out.extend(percent_encoded(v));
            }
        }
        out
    })
}

/// A header value HTTP allows: visible ASCII, spaces and tabs, and bytes past ASCII (obs-text),
/// sometimes thousands of them.
fn header_value() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![0x20u8..=0x7e, 0x80u8..=0xff, Just(b'\t')];
    prop_oneof![
        8 => proptest::collection::vec(byte.clone(), 0..80),
        1 => proptest::collection::vec(byte, 4000..8000),
    ]
    .prop_map(|mut v| {
        // Surrounding whitespace is not part of a value.
        while v.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            v.remove(0);
        }
        while v.last().is_some_and(|b| *b == b' ' || *b == b'\t') {
            v.pop();
        }
        v
    })
}

fn header_name() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::sample::select(vec![
            "content-type",
            "origin",
            "if-none-match",
            "mcp-session-id",
            "mcp-protocol-version",
            "accept",
            "x-request-id",
            "access-control-request-method",
            "x-mcp-orchestration-edge-usage",
            "x-mcp-orchestration-edge-grant",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}".prop_map(String::into_bytes),
    ]
    .prop_filter("framing headers are the test's", |name| {
        !FRAMING
            .iter()
            .any(|f| f.as_bytes().eq_ignore_ascii_case(name))
    })
}

/// Credentials: none, the right key, wrong ones, or a malformed header.
fn credentials(key: String) -> impl Strategy<Value = Option<(Vec<u8>, Vec<u8>)>> {
    let pair = |n: &str, v: String| Some((n.as_bytes().to_vec(), v.into_bytes()));
    prop_oneof![
        3 => Just(None),
        5 => Just(pair("X-API-Key", key)),
        1 => "[A-Za-z0-9]{1,40}".prop_map(move |k| pair("X-API-Key", k)),
        1 => "[A-Za-z0-9_-]{1,60}".prop_map(move |t| pair("Authorization", format!("Bearer {t}"))),
        1 => "[ -~]{0,30}".prop_map(move |v| pair("Authorization", v)),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => Just(Vec::new()),
        2 => proptest::collection::vec(any::<u8>(), 0..2048),
        3 => ("[a-z_]{1,12}", "[ -~]{0,40}").prop_map(|(k, v)| {
            serde_json::json!({ k: v, "server_id": "filesystem" }).to_string().into_bytes()
        }),
        1 => Just(b"[1,2,{\"a\":null}]".to_vec()),
    ]
}

/// A well-formed HTTP/1.1 request with hostile content: what reaches the host's own code.
fn well_formed(key: String) -> impl Strategy<Value = Raw> {
    (
        proptest::sample::select(METHODS.to_vec()),
        target(),
        proptest::collection::vec((header_name(), header_value()), 0..6),
        credentials(key),
        body(),
    )
        .prop_map(|(method, target, mut headers, credentials, body)| {
            headers.extend(credentials);
            Raw {
                method: method.as_bytes().to_vec(),
                target,
                headers,
                body,
            }
        })
}

/// Requests that break HTTP itself: any bytes in the method, the target and header names, control
/// bytes in values, values of tens of kilobytes.
fn malformed(key: String) -> impl Strategy<Value = Raw> {
    let no_breaks = |range: std::ops::Range<usize>| {
        proptest::collection::vec(
            any::<u8>().prop_filter("no line break or space", |b| !b"\r\n ".contains(b)),
            range,
        )
    };
    let value = prop_oneof![
        4 => proptest::collection::vec(any::<u8>().prop_filter("no line break", |b| !b"\r\n".contains(b)), 0..60),
        1 => (20_000usize..100_000).prop_map(|n| vec![b'v'; n]),
    ];
    let name = prop_oneof![
        header_name(),
        proptest::collection::vec(
            any::<u8>().prop_filter("no colon or line break", |b| !b":\r\n".contains(b)),
            1..20
        ),
    ];
    (
        prop_oneof![
            proptest::sample::select(METHODS.to_vec()).prop_map(|m| m.as_bytes().to_vec()),
            no_breaks(1..12),
        ],
        prop_oneof![
            target(),
            no_breaks(1..80).prop_map(|mut t| {
                t.insert(0, b'/');
                t
            })
        ],
        proptest::collection::vec((name, value), 0..5),
        credentials(key),
        body(),
    )
        .prop_map(|(method, target, mut headers, credentials, body)| {
            headers.extend(credentials);
            Raw {
                method,
                target,
                headers,
                body,
            }
        })
}

/// An answer read off the socket.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `raw` on a fresh connection (closed after the answer) and reads the answer; `None` when
/// the host closed the connection without one.
fn send(host: &Guessable, raw: &Raw) -> Option<Answer> {
    let mut wire = raw.method.clone();
    wire.push(b' ');
    wire.extend(&raw.target);
    wire.extend(format!(" HTTP/1.1\r\nHost: {}\r\n", host.authority()).into_bytes());
    for (name, value) in raw
        .headers
        .iter()
        .map(|(n, v)| (n.clone(), v.clone()))
        .chain(
            host.raw_headers()
                .into_iter()
                .map(|(n, v)| (n.into_bytes(), v.into_bytes())),
        )
    {
        wire.extend(name);
        wire.extend(b": ");
        wire.extend(value);
        wire.extend(b"\r\n");
    }
    wire.extend(
        format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            raw.body.len()
        )
        .into_bytes(),
    );
    wire.extend(&raw.body);
    let mut stream = TcpStream::connect(host.authority()).expect("connect to the host");
    stream.set_read_timeout(Some(Duration::from_secs(20))).ok();
    stream.set_write_timeout(Some(Duration::from_secs(20))).ok();
    // A host may answer and close before reading everything: a failed write is not a failure.
    let _ = stream.write_all(&wire);
    let head_request = raw.method == b"HEAD";
    let mut got = Vec::new();
    let mut buf = [0u8; 16384];
    // Read until the answer is whole (a host may keep the connection open after it).
    let (end, mut answer) = loop {
        if let Some((end, answer)) = parse_head(&got) {
            let length = answer
                .header("content-length")
                .and_then(|v| v.parse::<usize>().ok());
            let bodiless = head_request || answer.status == 204 || answer.status == 304;
            // A chunked answer (the Worker's static assets) is whole at its last, empty chunk.
            let chunked_done = answer
                .header("transfer-encoding")
                .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
                && got.ends_with(b"0\r\n\r\n");
            if bodiless || chunked_done || length.is_some_and(|len| got.len() >= end + 4 + len) {
                break (end, answer);
            }
        }
        match stream.read(&mut buf) {
            Ok(0) => break parse_head(&got)?,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if got.is_empty() && e.kind() == std::io::ErrorKind::WouldBlock => {
                panic!("no answer within 20 s to {raw:?}")
            }
            // Reset before any answer: the host refused the request by closing.
            Err(_) if got.is_empty() => return None,
            Err(e) => panic!(
                "the answer to {raw:?} broke off ({e}): {:?}",
                String::from_utf8_lossy(&got)
            ),
        }
    };
    if !head_request {
        answer.body = got[end + 4..].to_vec();
    }
    Some(answer)
}

/// The end of the head and the answer in `got` (status and headers, names lowercased; no body
/// yet), once its head has arrived.
fn parse_head(got: &[u8]) -> Option<(usize, Answer)> {
    let end = got.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&got[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line in {head:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let answer = Answer {
        status,
        headers,
        body: Vec::new(),
    };
    Some((end, answer))
}

/// An error answer of the host's own code: the JSON error shape (a `HEAD` answer has no body).
fn assert_json_error(raw: &Raw, answer: &Answer) {
    let what = format!(
        "{} {}",
        String::from_utf8_lossy(&raw.method),
        String::from_utf8_lossy(&raw.target)
    );
    assert_eq!(
        answer.header("content-type"),
        Some("application/json"),
        "{what}: error {} without the JSON content type",
        answer.status
    );
    if raw.method != b"HEAD" {
        let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_else(|e| {
            panic!(
                "{what}: error body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&answer.body)
            )
        });
        assert_error_body(&what, &body);
    }
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        // A hang is a failure too, and each hung case costs the 20 s read timeout: shrinking
        // stops after a minute with the smallest case found so far.
        max_shrink_time: 60_000,
        ..Config::default()
    })
}

#[test]
fn hostile_but_well_formed_requests_get_json_errors_and_never_a_5xx() {
    let host = Guessable::new("hostile_but_well_formed_requests_get_json_errors_and_never_a_5xx");
    runner()
        .run(&well_formed(host.api_key().to_owned()), |raw| {
            let answer = send(&host, &raw)
                .unwrap_or_else(|| panic!("the connection closed without an answer to {raw:?}"));
            assert!(answer.status < 500, "{} to {raw:?}", answer.status);
            if answer.status >= 400 {
                assert_json_error(&raw, &answer);
            }
            Ok(())
        })
        .unwrap();
    host.anonymous().get("/health").expect(200);
}

#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: malformed HTTP never reaches the Worker (workerd answers it, e.g. 501 for an unknown method)"
)]
fn malformed_http_is_refused_without_a_5xx_and_the_host_stays_up() {
    let host = Guessable::new("malformed_http_is_refused_without_a_5xx_and_the_host_stays_up");
    runner()
        .run(&malformed(host.api_key().to_owned()), |raw| {
            let Some(answer) = send(&host, &raw) else {
                return Ok(()); // refused by closing the connection
            };
            assert!(answer.status < 500, "{} to {raw:?}", answer.status);
            // What the HTTP layer cannot parse is refused with the JSON error shape too.
            if answer.status >= 400 {
                assert_json_error(&raw, &answer);
            }
            Ok(())
        })
        .unwrap();
    host.anonymous().get("/health").expect(200);
}
