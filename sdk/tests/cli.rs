//! The `webhooks` binary against the `webhooks-mock` binary: `sync plan`
//! and `apply` (creates, updates, refused and allowed replaces, lost
//! answers), `endpoints`, and no secret ever on a terminal.
//!
//! Needs the mock's binary beside this test's (`cargo test --workspace`
//! builds it; alone: `cargo build -p webhooks-mock`).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Mutex;

use serde_json::Value;

/// A running mock, its base URLs, a scratch directory, and every line the
/// `webhooks` binary printed (to check for secrets).
struct Setup {
    mock: Child,
    addr: String,
    base_urls: BTreeMap<String, String>,
    dir: PathBuf,
    printed: Mutex<String>,
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = self.mock.kill();
        let _ = self.mock.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn mock_binary() -> PathBuf {
    let binary = Path::new(env!("CARGO_BIN_EXE_webhooks"))
        .with_file_name(format!("webhooks-mock{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.is_file(),
        "{} is missing: cargo build -p webhooks-mock",
        binary.display()
    );
    binary
}

impl Setup {
    fn new(name: &str) -> Self {
        Self::with(name, &[])
    }

    /// A mock started with these options too.
    fn with(name: &str, options: &[&str]) -> Self {
        let mut mock = Command::new(mock_binary())
            .args(["--addr", "127.0.0.1:0"])
            .args(options)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(mock.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap()
            .to_string();
        // Where the mock serves each provider, from its own list of contracts.
        let contracts = Command::new(mock_binary())
            .arg("contracts")
            .output()
            .unwrap();
        let base_urls = String::from_utf8(contracts.stdout)
            .unwrap()
            .lines()
            .map(|line| {
                let mut fields = line.split('\t');
                let (name, path) = (fields.next().unwrap(), fields.next().unwrap());
                (name.to_string(), format!("{url}{path}"))
            })
            .collect();
        let dir = std::env::temp_dir().join(format!("webhooks-cli-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            mock,
            addr: url.trim_start_matches("http://").to_string(),
            base_urls,
            dir,
            printed: Mutex::new(String::new()),
        }
    }

    fn path(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }

    /// An endpoints file holding `contents`, and where its secrets go.
    fn files(&self, contents: &str) -> (String, String) {
        let file = self.path("endpoints.toml");
        std::fs::write(&file, contents).unwrap();
        (file, self.path("secrets.json"))
    }

    /// Runs `webhooks` with `args`, the mock's base URLs after them, and keys in the environment.
    /// `webhooks sync apply --file FILE --secrets-out SECRETS`, and `extra` arguments.
    fn apply(&self, file: &str, secrets: &str, extra: &[&str]) -> Output {
        let mut args = vec!["sync", "apply", "--file", file, "--secrets-out", secrets];
        args.extend_from_slice(extra);
        self.webhooks(&args)
    }

    fn webhooks(&self, args: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_webhooks"));
        command.args(args);
        for provider in ["billing-io", "chargeapi", "donutwork", "meum", "commet"] {
            command
                .arg("--base-url")
                .arg(format!("{provider}={}", self.base_urls[provider]));
        }
        let output = command
            .env("WEBHOOKS_BILLING_IO_API_KEY", "sk_test_cli")
            .env("WEBHOOKS_COMMET_API_KEY", "ck_sandbox_cli")
            .env("WEBHOOKS_DONUTWORK_API_KEY", "donut_cli")
            .env("WEBHOOKS_MEUM_API_KEY", "sk_live_cli")
            .env("WEBHOOKS_CHARGEAPI_API_KEY", "ch_sk_test_cli")
            .output()
            .unwrap();
        let mut printed = self.printed.lock().unwrap();
        printed.push_str(&String::from_utf8_lossy(&output.stdout));
        printed.push_str(&String::from_utf8_lossy(&output.stderr));
        output
    }

    /// The mock's admin API: POST `body` to `path`.
    fn admin(&self, path: &str, body: &str) {
        let (status, answer) = self.http("POST", path, None, body);
        assert!((200..300).contains(&status), "{status} {answer}");
    }

    /// One request to the mock (`bearer`: an API key); its status and JSON body.
    fn http(&self, method: &str, path: &str, bearer: Option<&str>, body: &str) -> (u16, Value) {
        let mut stream = std::net::TcpStream::connect(&self.addr).unwrap();
        let auth = bearer
            .map(|k| format!("Authorization: Bearer {k}\r\n"))
            .unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status = answer[9..12].parse().unwrap();
        let json = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        (status, serde_json::from_str(json).unwrap_or(Value::Null))
    }

    /// The endpoints at `provider` for `url`, as `webhooks endpoints list` prints them.
    fn endpoints_at(&self, provider: &str, url: &str) -> Vec<Value> {
        let out = self.webhooks(&[
            "endpoints",
            "list",
            "--provider",
            provider,
            "--format",
            "json",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let all: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        all.into_iter().filter(|e| e["url"] == url).collect()
    }

    /// Fails if anything printed holds one of these secrets.
    fn assert_never_printed(&self, secrets: &[String]) {
        let printed = self.printed.lock().unwrap();
        for secret in secrets {
            assert!(!printed.contains(secret.as_str()), "a secret was printed");
        }
    }
}

fn secrets(path: &str) -> BTreeMap<String, Value> {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn every_secret(path: &str) -> Vec<String> {
    secrets(path)
        .values()
        .filter_map(|r| r["secret"].as_str().map(str::to_string))
        .collect()
}

const BILLING: &str = "https://example.com/hooks/billing";
const COMMET: &str = "https://example.com/hooks/commet";
const DONUT: &str = "https://example.com/hooks/donut";

fn desired(billing_events: &str, commet_events: &str) -> String {
    format!(
        r#"
[[endpoint]]
provider = "billing-io"
url = "{BILLING}"
events = [{billing_events}]
description = "Billing"

[[endpoint]]
provider = "commet"
url = "{COMMET}"
events = [{commet_events}]

[[endpoint]]
provider = "donutwork"
url = "{DONUT}"
events = ["RecurringPayments.charge.paid"]
"#
    )
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn sync_creates_then_changes_nothing_then_updates_and_replaces_only_when_allowed() {
    let setup = Setup::new("sync");
    let (file, secrets_file) = setup.files(&desired(
        r#""checkout.completed""#,
        r#""subscription.created""#,
    ));

    let plan = setup.webhooks(&["sync", "plan", "--file", &file, "--detailed-exitcode"]);
    assert_eq!(plan.status.code(), Some(2), "{}", text(&plan.stderr));
    assert_eq!(
        text(&plan.stdout).matches("create ").count(),
        3,
        "{}",
        text(&plan.stdout)
    );

    let apply = setup.apply(&file, &secrets_file, &[]);
    assert!(apply.status.success(), "{}", text(&apply.stderr));
    let first = secrets(&secrets_file);
    assert_eq!(first.len(), 3);
    assert!(
        first
            .values()
            .all(|r| r["secret"].as_str().is_some_and(|s| !s.is_empty()))
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secrets_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let again = [
        "sync",
        "plan",
        "--file",
        &file,
        "--secrets-out",
        &secrets_file,
        "--detailed-exitcode",
    ];
    let plan = setup.webhooks(&again);
    assert_eq!(
        plan.status.code(),
        Some(0),
        "{}{}",
        text(&plan.stdout),
        text(&plan.stderr)
    );

    // New events: Commet updates in place; billing.io can only replace.
    let events = r#""checkout.completed", "checkout.expired""#;
    std::fs::write(
        &file,
        desired(events, r#""subscription.created", "subscription.canceled""#),
    )
    .unwrap();
    let plan = setup.webhooks(&[
        "sync",
        "plan",
        "--file",
        &file,
        "--secrets-out",
        &secrets_file,
        "--format",
        "json",
    ]);
    assert_eq!(plan.status.code(), Some(1));
    let stderr = text(&plan.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("billing-io")
            && stderr.contains("--allow-replace")
            && stderr.contains("rotates"),
        "{stderr}"
    );
    let json: Value = serde_json::from_slice(&plan.stdout).unwrap();
    let actions: Vec<_> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["provider"].clone(), i["action"].clone()))
        .collect();
    assert!(
        actions.contains(&("commet".into(), "update".into())),
        "{actions:?}"
    );
    assert!(
        actions.contains(&("billing-io".into(), "replace".into())),
        "{actions:?}"
    );

    let refused = setup.apply(&file, &secrets_file, &[]);
    assert!(!refused.status.success());
    assert_eq!(
        secrets(&secrets_file),
        first,
        "a refused apply changes nothing"
    );

    let apply = setup.apply(&file, &secrets_file, &["--allow-replace"]);
    assert!(apply.status.success(), "{}", text(&apply.stderr));
    let second = secrets(&secrets_file);
    let key = format!("billing-io {BILLING}");
    assert_ne!(
        second[&key]["secret"], first[&key]["secret"],
        "the replace's new secret is written"
    );
    assert_ne!(second[&key]["endpoint_id"], first[&key]["endpoint_id"]);
    let commet = format!("commet {COMMET}");
    assert_eq!(
        second[&commet], first[&commet],
        "an update keeps the endpoint and its secret"
    );
    let billing = setup.endpoints_at("billing-io", BILLING);
    assert_eq!(billing.len(), 1, "the replaced endpoint is gone");
    assert_eq!(billing[0]["id"], second[&key]["endpoint_id"]);
    let commet = setup.endpoints_at("commet", COMMET);
    assert_eq!(commet[0]["events"].as_array().unwrap().len(), 2);

    let plan = setup.webhooks(&again);
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan.stdout));
    let mut all = every_secret(&secrets_file);
    all.extend(
        first
            .values()
            .filter_map(|r| r["secret"].as_str().map(str::to_string)),
    );
    setup.assert_never_printed(&all);
}

#[test]
fn a_create_whose_answer_is_lost_leaves_one_endpoint() {
    let setup = Setup::new("lost");
    let (file, secrets_file) = setup.files(&desired(
        r#""checkout.completed""#,
        r#""subscription.created""#,
    ));
    // Each create is stored, then its connection closed unanswered.
    for (provider, operation) in [
        ("billing-io", "createWebhookEndpoint"),
        ("donutwork", "createWebhook"),
    ] {
        let fault = format!(
            r#"{{"provider": "{provider}", "kind": "reset", "after_handler": true, "operation": "{operation}"}}"#
        );
        setup.admin("/__mock/faults", &fault);
    }
    let apply = setup.apply(&file, &secrets_file, &[]);
    assert!(apply.status.success(), "{}", text(&apply.stderr));
    let written = secrets(&secrets_file);

    // billing.io: the retry carries the same idempotency key and is answered with the first endpoint.
    let billing = setup.endpoints_at("billing-io", BILLING);
    assert_eq!(billing.len(), 1);
    let record = &written[&format!("billing-io {BILLING}")];
    assert_eq!(record["endpoint_id"], billing[0]["id"]);
    assert!(record["secret"].as_str().is_some_and(|s| !s.is_empty()));

    // Donutwork takes no key: the endpoint is found by URL, its secret unknown.
    let donut = setup.endpoints_at("donutwork", DONUT);
    assert_eq!(donut.len(), 1);
    let record = &written[&format!("donutwork {DONUT}")];
    assert_eq!(record["endpoint_id"], donut[0]["id"]);
    assert!(record.get("secret").is_none());
    assert!(
        text(&apply.stdout).contains("secret unknown"),
        "{}",
        text(&apply.stdout)
    );

    let again = [
        "sync",
        "plan",
        "--file",
        &file,
        "--secrets-out",
        &secrets_file,
        "--detailed-exitcode",
    ];
    assert_eq!(setup.webhooks(&again).status.code(), Some(0));
    setup.assert_never_printed(&every_secret(&secrets_file));
}

#[test]
fn endpoints_one_at_a_time_with_the_secret_in_a_file() {
    let setup = Setup::new("endpoints");
    let secret_file = setup.path("secret");
    let create = setup.webhooks(&[
        "endpoints",
        "create",
        "--provider",
        "commet",
        "--url",
        COMMET,
        "--event",
        "subscription.created",
        "--secret-out",
        &secret_file,
        "--format",
        "json",
    ]);
    assert!(create.status.success(), "{}", text(&create.stderr));
    let created: Value = serde_json::from_slice(&create.stdout).unwrap();
    let id = created["id"].as_str().unwrap();
    let secret = std::fs::read_to_string(&secret_file)
        .unwrap()
        .trim()
        .to_string();
    assert!(!secret.is_empty());

    let disabled = setup.webhooks(&[
        "endpoints",
        "disable",
        id,
        "--provider",
        "commet",
        "--format",
        "json",
    ]);
    let disabled: Value = serde_json::from_slice(&disabled.stdout).unwrap();
    assert_eq!(disabled["enabled"], false);
    let got = setup.webhooks(&[
        "--format",
        "json",
        "endpoints",
        "get",
        id,
        "--provider",
        "commet",
    ]);
    assert_eq!(
        serde_json::from_slice::<Value>(&got.stdout).unwrap()["enabled"],
        false
    );
    assert!(
        setup
            .webhooks(&["endpoints", "delete", id, "--provider", "commet"])
            .status
            .success()
    );
    assert!(setup.endpoints_at("commet", COMMET).is_empty());
    let missing = setup.webhooks(&["endpoints", "get", id, "--provider", "commet"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr).starts_with("error: 404"),
        "{}",
        text(&missing.stderr)
    );
    setup.assert_never_printed(&[secret]);
}

#[test]
fn api_keys_are_never_taken_as_arguments() {
    let out = Command::new(env!("CARGO_BIN_EXE_webhooks"))
        .args([
            "endpoints",
            "list",
            "--provider",
            "commet",
            "--api-key",
            "ck_sandbox_x",
        ])
        .env_remove("WEBHOOKS_COMMET_API_KEY")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "clap refuses the unknown option"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_webhooks"))
        .args(["endpoints", "list", "--provider", "commet"])
        .env_remove("WEBHOOKS_COMMET_API_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("WEBHOOKS_COMMET_API_KEY"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_run_that_dies_with_its_create_unanswered_is_resumed_by_the_next_with_the_same_endpoint() {
    let setup = Setup::new("resume");
    let file = setup.path("endpoints.toml");
    let secrets_file = setup.path("secrets.json");
    let one = format!(
        "[[endpoint]]\nprovider = \"billing-io\"\nurl = \"{BILLING}\"\nevents = [\"checkout.completed\"]\n"
    );
    std::fs::write(&file, one).unwrap();
    // Every attempt of the first run (the client retries twice) is stored and never answered.
    let attempts = webhooks_sdk::DEFAULT_MAX_RETRIES + 1;
    let fault = format!(
        r#"{{"provider": "billing-io", "kind": "reset", "after_handler": true, "count": {attempts}, "operation": "createWebhookEndpoint"}}"#
    );
    setup.admin("/__mock/faults", &fault);
    let failed = setup.apply(&file, &secrets_file, &[]);
    assert_eq!(failed.status.code(), Some(1));
    let pending = secrets(&secrets_file);
    let record = &pending[&format!("billing-io {BILLING}")];
    assert!(
        record["unanswered_create"].is_string() && record.get("secret").is_none(),
        "{record}"
    );

    let plan = setup.webhooks(&[
        "sync",
        "plan",
        "--file",
        &file,
        "--secrets-out",
        &secrets_file,
    ]);
    assert!(
        text(&plan.stdout).contains("resumes a create"),
        "{}",
        text(&plan.stdout)
    );
    let resumed = setup.apply(&file, &secrets_file, &[]);
    assert!(resumed.status.success(), "{}", text(&resumed.stderr));
    let billing = setup.endpoints_at("billing-io", BILLING);
    assert_eq!(
        billing.len(),
        1,
        "the same key answered the endpoint the first run made"
    );
    let record = &secrets(&secrets_file)[&format!("billing-io {BILLING}")];
    assert_eq!(record["endpoint_id"], billing[0]["id"]);
    assert!(record["secret"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(record.get("unanswered_create").is_none());
    setup.assert_never_printed(&every_secret(&secrets_file));
}

#[test]
fn meum_which_lists_nothing_is_reconciled_from_the_state_file() {
    let setup = Setup::new("meum");
    let file = setup.path("endpoints.toml");
    let secrets_file = setup.path("secrets.json");
    let state = setup.path("state.json");
    let meum = |events: &str| {
        format!(
            "[[endpoint]]\nprovider = \"meum\"\nurl = \"https://example.com/hooks/meum\"\nevents = [{events}]\n"
        )
    };
    std::fs::write(&file, meum(r#""order.paid""#)).unwrap();
    let without = setup.webhooks(&["sync", "plan", "--file", &file]);
    assert_eq!(without.status.code(), Some(1));
    assert!(
        text(&without.stderr).contains("--state"),
        "{}",
        text(&without.stderr)
    );

    let with_state = [
        "--file",
        &file,
        "--secrets-out",
        &secrets_file,
        "--state",
        &state,
    ];
    let apply = setup.webhooks(&[&["sync", "apply"][..], &with_state].concat());
    assert!(apply.status.success(), "{}", text(&apply.stderr));
    let plan =
        setup.webhooks(&[&["sync", "plan", "--detailed-exitcode"][..], &with_state].concat());
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan.stdout));
    assert!(text(&plan.stdout).contains("reconciled from the state file"));

    std::fs::write(&file, meum(r#""order.paid", "order.refunded""#)).unwrap();
    let plan =
        setup.webhooks(&[&["sync", "plan", "--detailed-exitcode"][..], &with_state].concat());
    assert_eq!(plan.status.code(), Some(2));
    assert!(
        text(&plan.stdout).starts_with("update"),
        "{}",
        text(&plan.stdout)
    );
    let apply = setup.webhooks(&[&["sync", "apply"][..], &with_state].concat());
    assert!(apply.status.success(), "{}", text(&apply.stderr));
    let plan =
        setup.webhooks(&[&["sync", "plan", "--detailed-exitcode"][..], &with_state].concat());
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan.stdout));
    setup.assert_never_printed(&every_secret(&secrets_file));
}

/// A webhook receiver that verifies billing.io's documented scheme with its
/// own HMAC (not the SDK's): `t=<unix>,v1=<hex HMAC-SHA256 of "{t}.{body}">`.
/// It answers 500 to the event named in `fail`, and records each delivery.
struct BillingReceiver {
    url: String,
    fail: std::sync::Arc<Mutex<Option<String>>>,
    got: std::sync::Arc<Mutex<Vec<(String, bool, u16)>>>,
}

impl BillingReceiver {
    fn start(secret: String) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let fail: std::sync::Arc<Mutex<Option<String>>> = Default::default();
        let got: std::sync::Arc<Mutex<Vec<(String, bool, u16)>>> = Default::default();
        let (failing, seen) = (fail.clone(), got.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let mut stream = stream.unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let (mut length, mut signature) = (0, String::new());
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    let (name, value) = line.split_once(':').unwrap_or((line, ""));
                    match name.to_ascii_lowercase().as_str() {
                        "content-length" => length = value.trim().parse().unwrap(),
                        "x-billing-signature" => signature = value.trim().to_string(),
                        _ => {}
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let verified = verify(&secret, &signature, &body);
                let event: Value = serde_json::from_slice(&body).unwrap_or_default();
                let id = event["event_id"].as_str().unwrap_or_default().to_string();
                let status = match (
                    verified,
                    failing.lock().unwrap().as_deref() == Some(id.as_str()),
                ) {
                    (false, _) => 401,
                    (true, true) => 500,
                    (true, false) => 200,
                };
                seen.lock().unwrap().push((id, verified, status));
                write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
                .unwrap();
            }
        });
        Self { url, fail, got }
    }
}

fn verify(secret: &str, header: &str, body: &[u8]) -> bool {
    use hmac::{Hmac, Mac};
    let part = |name: &str| {
        header
            .split(',')
            .find_map(|p| p.strip_prefix(name))
            .unwrap_or_default()
            .to_string()
    };
    let (t, v1) = (part("t="), part("v1="));
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    !t.is_empty() && hex == v1
}

#[test]
fn missed_events_are_listed_then_replayed_once_oldest_first_resuming_after_a_failure() {
    let setup = Setup::with("replay", &["--clock", "manual"]);
    let key = "sk_test_cli";
    // An endpoint where nothing listens: every attempt fails.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let secret_file = setup.path("secret");
    let create = setup.webhooks(&[
        "endpoints",
        "create",
        "--provider",
        "billing-io",
        "--url",
        &format!("http://{closed}/hook"),
        "--event",
        "checkout.completed",
        "--event",
        "checkout.expired",
        "--secret-out",
        &secret_file,
    ]);
    assert!(create.status.success(), "{}", text(&create.stderr));
    let mut sent = Vec::new();
    for event_type in [
        "checkout.completed",
        "checkout.expired",
        "checkout.completed",
    ] {
        let body = format!(r#"{{"type": "{event_type}"}}"#);
        let (status, answer) = setup.http("POST", "/__mock/billing-io/events", Some(key), &body);
        assert_eq!(status, 202, "{answer}");
        sent.push(answer["event"].clone());
    }
    setup.admin("/__mock/clock", r#"{"advance_seconds": 3600}"#);
    let (_, attempts) = setup.http("GET", "/__mock/deliveries?provider=billing-io", None, "");
    let attempts = attempts.as_array().unwrap();
    assert_eq!(attempts.len(), 9, "three attempts of each of three events");
    assert!(
        attempts.iter().all(|a| a["status_code"].is_null()),
        "none delivered"
    );

    let base = setup.base_urls["billing-io"]
        .split_once("//")
        .unwrap()
        .1
        .split_once('/')
        .unwrap()
        .1
        .to_string();
    let (status, page) = setup.http("GET", &format!("/{base}/events"), Some(key), "");
    assert_eq!(status, 200);
    let newest_first: Vec<Value> = sent.iter().rev().cloned().collect();
    assert_eq!(
        page["data"].as_array().unwrap(),
        &newest_first,
        "the events as delivered, newest first"
    );
    let (_, expired) = setup.http(
        "GET",
        &format!("/{base}/events?type=checkout.expired"),
        Some(key),
        "",
    );
    assert_eq!(expired["data"].as_array().unwrap(), &[sent[1].clone()]);
    let (_, first_two) = setup.http("GET", &format!("/{base}/events?limit=2"), Some(key), "");
    assert_eq!(
        (
            first_two["data"].as_array().unwrap().len(),
            &first_two["has_more"]
        ),
        (2, &Value::Bool(true))
    );
    for event in &sent {
        let (status, got) = setup.http(
            "GET",
            &format!("/{base}/events/{}", event["event_id"].as_str().unwrap()),
            Some(key),
            "",
        );
        assert_eq!((status, &got), (200, event));
    }

    let secret = std::fs::read_to_string(&secret_file)
        .unwrap()
        .trim()
        .to_string();
    let receiver = BillingReceiver::start(secret.clone());
    let id = |i: usize| sent[i]["event_id"].as_str().unwrap().to_string();
    *receiver.fail.lock().unwrap() = Some(id(1));
    let checkpoint = setup.path("checkpoint.json");
    let replay = [
        "events",
        "replay",
        "--provider",
        "billing-io",
        "--to",
        &receiver.url,
        "--secret-file",
        &secret_file,
        "--checkpoint",
        &checkpoint,
    ];
    let stopped = setup.webhooks(&replay);
    assert_eq!(stopped.status.code(), Some(1), "the second event failed");
    assert!(
        text(&stopped.stderr).contains(&id(1)),
        "{}",
        text(&stopped.stderr)
    );
    *receiver.fail.lock().unwrap() = None;
    let resumed = setup.webhooks(&[&replay[..], &["--format", "json"]].concat());
    assert!(resumed.status.success(), "{}", text(&resumed.stderr));
    let report: Value = serde_json::from_slice(&resumed.stdout).unwrap();
    let resent: Vec<_> = report["sent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["event_id"].clone(), s["status"].clone()))
        .collect();
    assert_eq!(
        resent,
        [
            (Value::from(id(1)), Value::from(200)),
            (Value::from(id(2)), Value::from(200))
        ]
    );
    let again = setup.webhooks(&replay);
    assert!(
        again.status.success() && again.stdout.is_empty(),
        "nothing newer: nothing sent"
    );

    let got = receiver.got.lock().unwrap().clone();
    let expected = [
        (id(0), true, 200),
        (id(1), true, 500),
        (id(1), true, 200),
        (id(2), true, 200),
    ];
    assert_eq!(
        got, expected,
        "oldest first, each verified, the failed one resumed"
    );
    setup.assert_never_printed(&[secret]);
}
