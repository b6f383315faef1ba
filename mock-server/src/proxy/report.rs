//! What the proxy writes and tells: violations (one JSON line each in the
//! report), the summary of every inference (confirmed, refuted, never
//! seen), recorded exchanges, and the redaction all of them go through.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// What a redacted value reads as.
pub const REDACTED: &str = "[redacted]";

/// Body fields that hold secrets, compared without case, `_` or `-`.
const SECRET_FIELDS: &[&str] = &[
    "secret",
    "secretkey",
    "signingsecret",
    "webhooksecret",
    "token",
    "accesstoken",
    "refreshtoken",
    "apikey",
    "password",
];

/// Whether a field or parameter name holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let folded: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .collect::<String>()
        .to_ascii_lowercase();
    SECRET_FIELDS.contains(&folded.as_str())
}

/// Whether a header carries credentials or secrets (never written at all).
pub fn is_secret_header(name: &str, auth_header: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == auth_header
        || matches!(
            name.as_str(),
            "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
        )
        || [
            "token",
            "secret",
            "api-key",
            "apikey",
            "signature",
            "password",
        ]
        .iter()
        .any(|word| name.contains(word))
}

/// `value` with every secret field's value replaced, at any depth.
pub fn redact_json(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if is_secret_name(k) && !v.is_null() {
                        json!(REDACTED)
                    } else {
                        redact_json(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact_json).collect()),
        other => other.clone(),
    }
}

/// A body as recorded: its text byte for byte (a recording is evidence),
/// with each secret field's value replaced where it stands. Should a secret
/// be written in a form that cannot be found in the text, the body is
/// re-serialised redacted instead: a secret is never kept.
pub fn redact_body(body: &[u8]) -> Value {
    if body.is_empty() {
        return Value::Null;
    }
    let text = String::from_utf8_lossy(body);
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return json!(text);
    };
    let mut secrets = Vec::new();
    secret_values(&json, &mut secrets);
    if secrets.is_empty() {
        return json!(text);
    }
    let redacted_token = json!(REDACTED).to_string();
    let mut redacted = text.into_owned();
    for secret in &secrets {
        redacted = redacted.replace(secret.as_str(), &redacted_token);
    }
    let clean = serde_json::from_str::<Value>(&redacted).is_ok_and(|v| v == redact_json(&json));
    if clean {
        json!(redacted)
    } else {
        json!(redact_json(&json).to_string())
    }
}

/// The JSON text of every secret field's value in `value`.
fn secret_values(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if is_secret_name(k) && !v.is_null() {
                    out.push(v.to_string());
                } else {
                    secret_values(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| secret_values(v, out)),
        _ => {}
    }
}

/// A query string with secret parameters' values replaced.
pub fn redact_query(query: &str) -> String {
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| {
            let v = if is_secret_name(&k) {
                REDACTED.into()
            } else {
                v
            };
            format!(
                "{}={}",
                url::form_urlencoded::byte_serialize(k.as_bytes()).collect::<String>(),
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The headers that may be written, as a map (secret ones left out).
pub fn written_headers(headers: &HeaderMap, auth_header: &str) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, value) in headers {
        if is_secret_header(name.as_str(), auth_header) {
            continue;
        }
        out.insert(
            name.as_str().to_string(),
            json!(String::from_utf8_lossy(value.as_bytes())),
        );
    }
    out
}

/// Which way a message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From the client to the upstream.
    Request,
    /// The upstream's answer.
    Response,
}

/// An `x-inferred` item of a spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inferred {
    /// Its JSON pointer in the spec.
    pub at: String,
    /// Its readable name.
    pub item: String,
    /// The guess, as the spec words it.
    pub text: String,
}

/// One way an exchange departs from the hand-written spec.
#[derive(Debug, Clone, Serialize)]
pub struct Violation {
    /// The spec file it departs from.
    pub spec: &'static str,
    /// The operation, if the request was a documented one.
    pub operation: Option<String>,
    /// The request's method.
    pub method: String,
    /// The request's path, below the provider's base path.
    pub path: String,
    /// `request` or `response`.
    pub direction: Direction,
    /// The response's status (responses only).
    pub status: Option<u16>,
    /// What departs: `path`, `parameter`, `header`, `content-type`, `status` or `body`.
    pub part: &'static str,
    /// Where in that part, as a JSON pointer (empty: the whole of it).
    pub pointer: String,
    /// What the spec expects.
    pub expected: String,
    /// What came (secrets redacted).
    pub found: String,
    /// Whether this SDK still reads the response (it reads leniently); for
    /// requests, `null`.
    pub sdk_reads: Option<bool>,
    /// The `x-inferred` guess this departure refutes, if it touches one.
    pub x_inferred: Option<Inferred>,
}

/// How often answers bore out one inference.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct InferenceCount {
    /// The spec it is in.
    pub spec: String,
    /// Its JSON pointer in the spec.
    pub at: String,
    /// Its readable name.
    pub item: String,
    /// The guess.
    pub reason: String,
    /// Answers that satisfied it.
    pub confirmed: u64,
    /// Answers that departed from it.
    pub refuted: u64,
}

/// What the proxy has seen so far: exchanges, violations, and every
/// inference of the provider's specs with its counts (never seen: both 0).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Exchanges forwarded.
    pub exchanges: u64,
    /// Violations reported (requests and responses).
    pub violations: u64,
    /// Every inference, in document order.
    pub inferences: Vec<InferenceCount>,
}

impl Summary {
    /// The counts of one inference.
    pub fn inference(&self, spec: &str, at: &str) -> Option<&InferenceCount> {
        self.inferences
            .iter()
            .find(|i| i.spec == spec && i.at == at)
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} exchange(s), {} violation(s); the specs' inferences:",
            self.exchanges, self.violations
        )?;
        let seen = |i: &&InferenceCount| i.confirmed + i.refuted > 0;
        for i in self.inferences.iter().filter(seen) {
            writeln!(
                f,
                "  confirmed {:>3}, refuted {:>3}  {} {}: {}",
                i.confirmed, i.refuted, i.spec, i.item, i.reason
            )?;
        }
        let never: Vec<_> = self.inferences.iter().filter(|i| !seen(i)).collect();
        writeln!(f, "  never seen ({}):", never.len())?;
        for i in never {
            writeln!(f, "    {} {}", i.spec, i.item)?;
        }
        Ok(())
    }
}

/// The counters behind a [`Summary`].
pub struct Tally {
    inner: Mutex<Summary>,
    index: BTreeMap<(String, String), usize>,
}

impl Tally {
    /// Every inference of `specs` (`(file, its marks)`), none seen yet.
    pub fn new<'a>(
        specs: impl IntoIterator<Item = (&'a str, &'a [crate::openapi::Inference])>,
    ) -> Self {
        let mut inferences = Vec::new();
        for (file, marks) in specs {
            for mark in marks {
                inferences.push(InferenceCount {
                    spec: file.to_string(),
                    at: mark.at.clone(),
                    item: mark.item.clone(),
                    reason: mark.reason.clone(),
                    confirmed: 0,
                    refuted: 0,
                });
            }
        }
        let index = inferences
            .iter()
            .enumerate()
            .map(|(n, i)| ((i.spec.clone(), i.at.clone()), n))
            .collect();
        Self {
            inner: Mutex::new(Summary {
                exchanges: 0,
                violations: 0,
                inferences,
            }),
            index,
        }
    }

    /// Counts one exchange.
    pub fn count<'a>(
        &self,
        spec: &str,
        violations: usize,
        confirmed: impl IntoIterator<Item = &'a String>,
        refuted: impl IntoIterator<Item = &'a String>,
    ) {
        let mut summary = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        summary.exchanges += 1;
        summary.violations += violations as u64;
        for at in confirmed {
            if let Some(&n) = self.index.get(&(spec.to_string(), at.clone())) {
                summary.inferences[n].confirmed += 1;
            }
        }
        for at in refuted {
            if let Some(&n) = self.index.get(&(spec.to_string(), at.clone())) {
                summary.inferences[n].refuted += 1;
            }
        }
    }

    /// The summary now.
    pub fn summary(&self) -> Summary {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// One recorded exchange, as a line of a recording (secrets redacted or left out).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Recorded {
    /// The request's method.
    pub method: String,
    /// The request's path, as the client sent it (base path included).
    pub path: String,
    /// Its query string (secret parameters redacted), if any.
    #[serde(default)]
    pub query: Option<String>,
    /// The request.
    pub request: Message,
    /// The answer.
    pub response: Message,
}

/// A recorded request or answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message {
    /// The answer's status (absent for a request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Headers, credentials left out.
    #[serde(default)]
    pub headers: Map<String, Value>,
    /// The body's text as sent, secrets redacted in place; `null` when
    /// empty. (Recordings from before kept JSON bodies parsed, as values.)
    #[serde(default)]
    pub body: Value,
}

/// A file of JSON lines, appended to as things happen.
pub struct Lines(Mutex<std::io::BufWriter<std::fs::File>>);

impl Lines {
    /// Creates (or empties) the file at `path`.
    pub fn create(path: &Path) -> std::io::Result<Self> {
        let file = std::fs::File::create(path)?;
        Ok(Self(Mutex::new(std::io::BufWriter::new(file))))
    }

    /// Appends one line and flushes it (a report must survive a kill).
    pub fn write(&self, line: &impl Serialize) {
        let mut out = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let written = serde_json::to_writer(&mut *out, line)
            .map_err(std::io::Error::other)
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.flush());
        if let Err(e) = written {
            tracing::warn!("cannot write a line: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_at_any_depth_and_credentials_left_out() {
        let body = json!({"data": {"secretKey": "whsec_1", "id": "wh_1", "items": [{"token": "t"}]}, "secret": null});
        let redacted = redact_json(&body);
        assert_eq!(redacted["data"]["secretKey"], REDACTED);
        assert_eq!(redacted["data"]["items"][0]["token"], REDACTED);
        assert_eq!(redacted["data"]["id"], "wh_1");
        assert_eq!(redacted["secret"], Value::Null, "nothing to hide");
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("authorization", "Bearer sk_live_1"),
            ("x-api-key", "ck_1"),
            ("x-commet-signature", "abc"),
            ("content-type", "application/json"),
        ] {
            headers.insert(name, value.parse().unwrap());
        }
        let written = written_headers(&headers, "authorization");
        assert_eq!(written.keys().collect::<Vec<_>>(), ["content-type"]);
        assert_eq!(
            redact_query("limit=2&api_key=sk_1"),
            "limit=2&api_key=%5Bredacted%5D"
        );
    }
}
