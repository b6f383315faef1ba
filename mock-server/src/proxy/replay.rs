//! Replaying a recording (`webhooks-mock serve --replay FILE --provider P`):
//! each request is answered with the recorded answer to the same method,
//! path and query (the n-th identical request with the n-th recording, the
//! last one after that); a request never recorded gets a 404 naming the
//! closest recorded one.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::report::{Recorded, redact_query};
use crate::Provider;

/// A request's identity in a recording.
type Key = (String, String, Option<String>);

/// The recorded exchanges, and how many of each were replayed.
struct Recording {
    exchanges: Vec<Recorded>,
    by_key: HashMap<Key, Vec<usize>>,
    replayed: Mutex<HashMap<Key, usize>>,
}

/// Reads a recording: one JSON exchange per line; an error names the line.
pub fn load(path: &Path) -> Result<Vec<Recorded>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| {
            serde_json::from_str(line).map_err(|e| {
                format!(
                    "{} line {}: not a recorded exchange: {e}",
                    path.display(),
                    n + 1
                )
            })
        })
        .collect()
}

/// A running replay of a recording; stops when dropped.
pub struct ReplayServer {
    addr: SocketAddr,
    base_path: &'static str,
    exchanges: usize,
    stop: Option<super::Stop>,
}

impl ReplayServer {
    /// Serves the recording at `path` of `provider`'s traffic on `addr`.
    pub async fn start(provider: Provider, path: &Path, addr: SocketAddr) -> std::io::Result<Self> {
        let exchanges =
            load(path).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let count = exchanges.len();
        let (addr, stop, _task) = super::serve(addr, router(exchanges)).await?;
        Ok(Self {
            addr,
            base_path: provider.base_path(),
            exchanges: count,
            stop: Some(stop),
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The provider's base URL on it.
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, self.base_path)
    }

    /// How many exchanges it replays.
    pub fn exchanges(&self) -> usize {
        self.exchanges
    }
}

impl Drop for ReplayServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The replaying routes.
fn router(exchanges: Vec<Recorded>) -> Router {
    let mut by_key: HashMap<Key, Vec<usize>> = HashMap::new();
    for (n, exchange) in exchanges.iter().enumerate() {
        by_key.entry(key_of(exchange)).or_default().push(n);
    }
    let recording = Arc::new(Recording {
        exchanges,
        by_key,
        replayed: Mutex::default(),
    });
    Router::new().fallback(replay).with_state(recording)
}

fn key_of(exchange: &Recorded) -> Key {
    (
        exchange.method.clone(),
        exchange.path.clone(),
        exchange.query.clone(),
    )
}

async fn replay(State(recording): State<Arc<Recording>>, request: Request) -> Response {
    let key: Key = (
        request.method().to_string(),
        request.uri().path().to_string(),
        request.uri().query().map(redact_query),
    );
    let Some(indices) = recording.by_key.get(&key) else {
        let wanted = described(&key);
        let closest = recording
            .exchanges
            .iter()
            .min_by_key(|e| nearness(&key_of(e), &key))
            .map(|e| described(&key_of(e)));
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({
                "error": format!("no recording for {wanted}"),
                "closest": closest,
            })),
        )
            .into_response();
    };
    let n = {
        let mut replayed = recording.replayed.lock().unwrap_or_else(|p| p.into_inner());
        let seen = replayed.entry(key).or_default();
        *seen += 1;
        indices[(*seen - 1).min(indices.len() - 1)]
    };
    answer(&recording.exchanges[n])
}

/// The recorded answer.
fn answer(exchange: &Recorded) -> Response {
    let recorded = &exchange.response;
    let body = match &recorded.body {
        Value::Null => Vec::new(),
        Value::String(text) => text.clone().into_bytes(),
        // A recording from before bodies were kept as text.
        other => serde_json::to_vec(other).expect("JSON serialises"),
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = recorded
        .status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    for (name, value) in &recorded.headers {
        if matches!(
            name.as_str(),
            "content-length" | "transfer-encoding" | "connection"
        ) {
            continue;
        }
        if let (Ok(name), Some(Ok(value))) = (
            HeaderName::from_bytes(name.as_bytes()),
            value.as_str().map(HeaderValue::from_str),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

fn described((method, path, query): &Key) -> String {
    match query {
        Some(query) => format!("{method} {path}?{query}"),
        None => format!("{method} {path}"),
    }
}

/// How far a recorded request is from the one asked for: another method
/// first, then another number of path segments, then how many segments
/// differ, then the characters that do.
fn nearness(known: &Key, wanted: &Key) -> (bool, usize, usize, usize) {
    let (a, b): (Vec<&str>, Vec<&str>) =
        (known.1.split('/').collect(), wanted.1.split('/').collect());
    (
        known.0 != wanted.0,
        a.len().abs_diff(b.len()),
        a.iter().zip(&b).filter(|(x, y)| x != y).count(),
        distance(&described(known), &described(wanted)),
    )
}

/// Levenshtein distance, by characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}
