//! Helpers shared by the provider tests: a wiremock server that answers every
//! request one way, and assertions on what the SDK put on the wire.

use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A server on 127.0.0.1 (an ephemeral port) answering every request with
/// `status` and the JSON `body`.
pub async fn answering(status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

/// Waits (up to 10 s) until `server` holds `n` requests, and returns them all.
pub async fn received(server: &MockServer, n: usize) -> Vec<Request> {
    for _ in 0..200 {
        let requests = server.received_requests().await.unwrap();
        if requests.len() >= n {
            return requests;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the receiver did not get {n} requests");
}

/// The one request the server received.
pub async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

/// The request carries `auth` with exactly `value`, the crate's `User-Agent`,
/// the version header only when `version` is given, and no header outside
/// what HTTP and the provider's docs account for (progenitor's `api-version`
/// in particular).
pub fn assert_documented_headers(
    request: &Request,
    auth: (&str, &str),
    version: Option<(&str, &str)>,
) {
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    assert_eq!(header(auth.0).as_deref(), Some(auth.1), "auth header");
    assert_eq!(
        header("user-agent").as_deref(),
        Some(webhooks_sdk::USER_AGENT)
    );
    assert_eq!(
        header("api-version"),
        None,
        "progenitor's api-version must not be sent"
    );
    for name in ["charge-version", "commet-version"] {
        let expected = version
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string());
        assert_eq!(header(name), expected, "{name}");
    }
    let allowed = [
        auth.0,
        "user-agent",
        "accept",
        "content-type",
        "content-length",
        "host",
        "idempotency-key",
        "charge-version",
        "commet-version",
    ];
    for name in request.headers.keys() {
        assert!(
            allowed.contains(&name.as_str()),
            "undocumented header sent: {name}"
        );
    }
}

/// Drops `null` and `[]` members: the SDK reads an absent and a null
/// optional field alike (`None`), and an absent optional list as an empty
/// one, and writes neither back.
pub fn without_empty(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
                .map(|(k, v)| (k.clone(), without_empty(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_empty).collect()),
        other => other.clone(),
    }
}

/// A program a test calls, or one clear failure naming what to install.
pub fn tool(name: &str, package: &str) -> std::process::Command {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()));
    assert!(
        found,
        "this test needs `{name}` on the PATH: install the `{package}` package (apt-get install {package})"
    );
    std::process::Command::new(name)
}

/// Kills the process with this ID when dropped, also when a test fails.
pub struct KillOnDrop(pub u32);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &self.0.to_string()])
            .status();
    }
}
