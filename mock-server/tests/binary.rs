//! The `webhooks-mock` binary: help, the base URLs it prints, a seed request
//! against it, a clean stop on SIGTERM, and `send` to a receiver.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// A program these tests call, or one clear failure naming what to install.
fn tool(name: &str, package: &str) -> Command {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()));
    assert!(
        found,
        "this test needs `{name}` on the PATH: install the `{package}` package (apt-get install {package})"
    );
    Command::new(name)
}

/// A running `webhooks-mock`, killed when dropped (also when a test panics).
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary with `args` (quiet logs) and returns it with the first
/// line it printed and a reader of the rest.
fn start_mock(
    args: &[&str],
) -> (
    Running,
    String,
    std::io::Lines<BufReader<std::process::ChildStdout>>,
) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_webhooks-mock"))
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    (running, first, lines)
}

#[test]
fn help_documents_the_options() {
    let out = Command::new(env!("CARGO_BIN_EXE_webhooks-mock"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for option in [
        "--addr",
        "--provider",
        "billing-io",
        "--seed",
        "--clock",
        "--clock-start",
        "--fixtures",
        "/__mock/reset",
        "/__mock/requests[?provider=&operation=&status=&api_key=]",
        "/__mock/deliveries/{event_id}/resend",
        "/__mock/faults",
        "/__mock/clock",
        "/__mock/fixtures",
    ] {
        assert!(text.contains(option), "{option} missing from --help");
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_webhooks-mock"))
        .args(["--provider", "nope"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

/// `--fixtures FILE` sets up state at start and prints the answers on one
/// line; `--seed` and a manual clock make them the same on every run.
#[test]
fn fixtures_at_start_print_their_answers_the_same_on_every_seeded_run() {
    let file = std::env::temp_dir().join(format!(
        "webhooks-mock-fixtures-{}.json",
        std::process::id()
    ));
    std::fs::write(
        &file,
        r#"[{"name": "hook", "provider": "billing-io", "api_key": "sk_test_cli",
             "create": {"url": "https://example.com/h", "events": ["checkout.completed"]}},
            {"name": "again", "provider": "commet", "api_key": "ck_sandbox_cli",
             "create": {"url": "https://example.com/${hook.webhook_id}", "events": ["invoice.created"]}}]"#,
    )
    .unwrap();
    let answers = || {
        let file = file.to_str().unwrap();
        let (_mock, _, lines) = start_mock(&[
            "--addr",
            "127.0.0.1:0",
            "--seed",
            "5",
            "--clock",
            "manual",
            "--fixtures",
            file,
        ]);
        let line = lines
            .map(|l| l.unwrap())
            .find(|l| l.starts_with("fixtures: "))
            .unwrap();
        serde_json::from_str::<serde_json::Value>(line.trim_start_matches("fixtures: ")).unwrap()
    };
    let first = answers();
    let hook = first["hook"]["webhook_id"].as_str().unwrap();
    assert_eq!(
        first["again"]["data"]["url"],
        format!("https://example.com/{hook}")
    );
    assert_eq!(first["hook"]["created_at"], "2026-01-01T00:00:00Z");
    assert_eq!(answers(), first, "the same seed, the same answers");
    std::fs::remove_file(file).unwrap();
}

#[test]
fn serves_one_provider_at_its_real_base_path_and_stops_on_sigterm() {
    let (mut mock, first, mut lines) =
        start_mock(&["--addr", "127.0.0.1:0", "--provider", "billing-io"]);
    let base = first.rsplit(' ').next().unwrap().to_string();
    let listed = lines.next().unwrap().unwrap();
    assert!(listed.contains(&format!("{base}/v1")), "{listed}");

    // The seed page's curl, with the host replaced.
    let out = tool("curl", "curl")
        .args(["-s", "-X", "POST", &format!("{base}/v1/webhooks"), "-w", "\n%{http_code}"])
        .args(["-H", "Authorization: Bearer sk_test_binary", "-H", "Content-Type: application/json"])
        .args(["-d", r#"{"url": "https://your-app.com/webhooks/billing", "events": ["checkout.completed", "checkout.expired"], "description": "Production webhook"}"#])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let (body, status) = text.rsplit_once('\n').unwrap();
    assert_eq!(status, "201", "{body}");
    let body: serde_json::Value = serde_json::from_str(body).unwrap();
    assert!(body["webhook_id"].as_str().unwrap().starts_with("we_"));
    assert!(body["secret"].as_str().unwrap().starts_with("whsec_"));

    tool("kill", "procps")
        .args(["-TERM", &mock.0.id().to_string()])
        .status()
        .unwrap();
    let status = mock.0.wait().unwrap();
    assert!(status.success(), "clean exit on SIGTERM: {status:?}");
}

/// A captured request: lowercase header names and values, and the raw body.
type Captured = (Vec<(String, String)>, Vec<u8>);

/// A receiver that shares no code with the project: a plain TCP socket that
/// reads one HTTP request and answers 200.
fn capture_one_request(listener: std::net::TcpListener) -> std::thread::JoinHandle<Captured> {
    use std::io::{Read, Write};
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut data = Vec::new();
        let mut buf = [0u8; 4096];
        let (head_end, length) = loop {
            let n = stream.read(&mut buf).unwrap();
            data.extend_from_slice(&buf[..n]);
            if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse::<usize>().unwrap());
                break (end + 4, length);
            }
        };
        while data.len() < head_end + length {
            let n = stream.read(&mut buf).unwrap();
            data.extend_from_slice(&buf[..n]);
        }
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .unwrap();
        let head = String::from_utf8_lossy(&data[..head_end]).to_string();
        let headers = head
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        (headers, data[head_end..head_end + length].to_vec())
    })
}

fn curl_json(args: &[&str]) -> serde_json::Value {
    let out = tool("curl", "curl").arg("-s").args(args).output().unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn a_delivery_from_the_binary_verifies_with_openssl_as_billing_io_documents() {
    let (_mock, first, lines) = start_mock(&["--addr", "127.0.0.1:0"]);
    let base = first.rsplit(' ').next().unwrap().to_string();
    std::thread::spawn(move || lines.for_each(drop));

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    let capture = capture_one_request(listener);
    let auth = "Authorization: Bearer sk_test_openssl";
    let created = curl_json(&[
        "-X",
        "POST",
        &format!("{base}/billing-io/v1/webhooks"),
        "-H",
        auth,
        "-H",
        "Content-Type: application/json",
        "-d",
        &format!(r#"{{"url": "{hook}", "events": ["checkout.completed"]}}"#),
    ]);
    let secret = created["secret"].as_str().unwrap().to_string();
    curl_json(&[
        "-X",
        "POST",
        &format!("{base}/__mock/billing-io/events"),
        "-H",
        auth,
        "-H",
        "Content-Type: application/json",
        "-d",
        r#"{"type": "checkout.completed"}"#,
    ]);
    let (headers, body) = capture.join().unwrap();

    // X-Billing-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "{t}.{raw body}">
    let header = headers
        .iter()
        .find(|(k, _)| k == "x-billing-signature")
        .map(|(_, v)| v.clone())
        .unwrap();
    let (t, v1) = header.split_once(",v1=").unwrap();
    let t = t.strip_prefix("t=").unwrap();
    let mut signed = format!("{t}.").into_bytes();
    signed.extend_from_slice(&body);
    let mut openssl = tool("openssl", "openssl")
        .args(["dgst", "-sha256", "-hmac", &secret])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut openssl.stdin.take().unwrap(), &signed).unwrap();
    let digest = String::from_utf8(openssl.wait_with_output().unwrap().stdout).unwrap();
    assert_eq!(digest.trim().rsplit(' ').next().unwrap(), v1);
    let event: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(event["type"], "checkout.completed");
}

#[test]
fn every_seed_pages_curl_succeeds_against_the_binary() {
    let (_mock, first, lines) = start_mock(&["--addr", "127.0.0.1:0"]);
    let base = first.rsplit(' ').next().unwrap().to_string();
    std::thread::spawn(move || lines.for_each(drop));
    // (path under the mock, auth header, body, a field the docs say comes back)
    let seeds = [
        (
            "/billing-io/v1/webhooks",
            "Authorization: Bearer sk_test_seed",
            r#"{"url": "https://your-app.com/webhooks/billing", "events": ["checkout.completed", "checkout.expired"], "description": "Production webhook"}"#,
            "/webhook_id",
        ),
        (
            "/chargeapi/v1/webhook_endpoints",
            "Authorization: Bearer ch_sk_test_seed",
            r#"{"enabled_events": ["report.succeeded"], "url": "https://example.com/webhook/endpoint"}"#,
            "/secret",
        ),
        (
            "/donutwork/2026-02-01/webhooks.json",
            "Authorization: Bearer seed",
            r#"{"webhook": {"name": "Billing Events", "description": "Receive invoice and payment updates", "url": "https://example.com/webhooks/billing", "events": ["RecurringPayments.charge.paid"]}}"#,
            "/token",
        ),
        (
            "/meum/v1/webhook-endpoints",
            "Authorization: Bearer sk_live_seed",
            r#"{"name": "Production webhook", "url": "https://api.example.com/webhooks/meum", "events": ["invoice.created", "invoice.paid"]}"#,
            "/secret_prefix",
        ),
        (
            "/commet/api/v1/webhooks",
            "x-api-key: ck_sandbox_seed",
            r#"{"url": "http://example.com", "events": ["subscription.created"]}"#,
            "/data/secretKey",
        ),
    ];
    for (path, auth, body, field) in seeds {
        let out = tool("curl", "curl")
            .args([
                "-s",
                "-X",
                "POST",
                &format!("{base}{path}"),
                "-w",
                "\n%{http_code}",
                "-H",
                auth,
            ])
            .args(["-H", "Content-Type: application/json", "-d", body])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let (response, status) = text.rsplit_once('\n').unwrap();
        assert!(
            status == "200" || status == "201",
            "{path}: {status} {response}"
        );
        let response: serde_json::Value = serde_json::from_str(response).unwrap();
        assert!(
            response
                .pointer(field)
                .and_then(|v| v.as_str())
                .is_some_and(|v| !v.is_empty()),
            "{path}: {field} in {response}"
        );
    }
}

/// A receiver on 127.0.0.1 that takes one request, answers `status`, and
/// hands back the request's headers and body.
fn receive_once(
    status: u16,
) -> (
    String,
    std::thread::JoinHandle<(reqwest::header::HeaderMap, Vec<u8>)>,
) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut headers = reqwest::header::HeaderMap::new();
        let mut line = String::new();
        reader.read_line(&mut line).unwrap(); // the request line
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            let Some((name, value)) = line.trim_end().split_once(": ") else {
                break;
            };
            headers.insert(
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        let length: usize = headers["content-length"].to_str().unwrap().parse().unwrap();
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let mut stream = stream;
        write!(
            stream,
            "HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
        )
        .unwrap();
        (headers, body)
    });
    (url, handle)
}

#[test]
fn send_delivers_events_the_sdk_verifies_and_fails_on_a_500() {
    let binary = env!("CARGO_BIN_EXE_webhooks-mock");
    let secret = "whsec_0123456789abcdef01234567";
    for (provider, event_type) in [
        ("billing-io", "checkout.completed"),
        ("meum", "invoice.paid"),
        ("commet", "subscription.created"),
    ] {
        let (url, received) = receive_once(200);
        let out = Command::new(binary)
            .args([
                "send",
                "--provider",
                provider,
                "--secret",
                secret,
                "--url",
                &url,
            ])
            .args([event_type, "--data", r#"{"checkout_id": "co_cli"}"#])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{provider}: {stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("200"),
            "{provider}: the status is printed: {stdout}"
        );
        let (headers, body) = received.join().unwrap();
        let provider = provider.parse().unwrap();
        let event = webhooks_sdk::verify(provider, [secret], &body, &headers)
            .unwrap()
            .event();
        assert_eq!(event.event_type.as_deref(), Some(event_type));
        assert_eq!(event.data["checkout_id"], "co_cli");
        assert!(
            stdout.contains(event.id.as_deref().unwrap()),
            "the body sent is printed: {stdout}"
        );
        let forged = webhooks_sdk::verify(provider, ["whsec_another"], &body, &headers);
        assert!(forged.is_err(), "another secret does not verify");
    }
    let (url, received) = receive_once(500);
    let out = Command::new(binary)
        .args([
            "send",
            "--provider",
            "commet",
            "--secret",
            secret,
            "--url",
            &url,
        ])
        .arg("subscription.created")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a 500 answer is a failure");
    received.join().unwrap();
    // Undocumented signing and remote hosts: one clear line, nothing sent.
    for args in [
        ["--provider", "chargeapi", "--url", "http://127.0.0.1:9/h"],
        ["--provider", "commet", "--url", "http://192.0.2.1/h"],
    ] {
        let out = Command::new(binary)
            .arg("send")
            .args(args)
            .args(["--secret", secret, "subscription.created"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

/// Runs the binary with `args` and `env`, and returns exit code, stdout, stderr.
fn run(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_webhooks-mock"));
    command.args(args);
    for var in [
        "WEBHOOKS_MOCK_SECRET",
        "WEBHOOKS_MOCK_API_KEY",
        "WEBHOOKS_MOCK_ADMIN_TOKEN",
    ] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    let out = command.output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A file holding `text` (and a newline, as editors leave one), removed on drop.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, text: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("webhooks-mock-{}-{name}", std::process::id()));
        std::fs::write(&path, format!("{text}\n")).unwrap();
        Self(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs a `--format json` command (`args` before its positional event type)
/// with `secret` from the environment variable or the file option of
/// `given`, as `how` says; checks it succeeded, printed one JSON document
/// and nothing else on stdout, and leaked the secret nowhere.
fn run_json_with_secret(
    args: &[&str],
    how: &str,
    given: (&str, &str),
    secret: &str,
    file: &TempFile,
) -> serde_json::Value {
    let (event_type, options) = args.split_last().unwrap();
    let mut args = options.to_vec();
    let mut env = Vec::new();
    match how {
        "environment" => env.push((given.0, secret)),
        _ => args.extend([given.1, file.path()]),
    }
    args.push(event_type);
    let (code, stdout, stderr) = run(&args, &env);
    assert_eq!(code, Some(0), "{how}: {stderr}");
    assert!(
        !stdout.contains(secret) && !stderr.contains(secret),
        "{how}: the secret leaked"
    );
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{how}: stdout is one JSON document ({e}): {stdout}"))
}

/// `send --format json` prints one JSON document and nothing else on
/// stdout; the secret comes from the environment or a file and is printed nowhere.
#[test]
fn send_as_json_takes_its_secret_from_the_environment_or_a_file() {
    let secret = "whsec_cli_json_0123456789abcdef";
    let file = TempFile::new("secret", secret);
    for how in ["environment", "file"] {
        let (url, received) = receive_once(200);
        let mut args = vec![
            "send",
            "--provider",
            "commet",
            "--url",
            &url,
            "--format",
            "json",
        ];
        args.push("subscription.created");
        let report = run_json_with_secret(
            &args,
            how,
            ("WEBHOOKS_MOCK_SECRET", "--secret-file"),
            secret,
            &file,
        );
        let (headers, body) = received.join().unwrap();
        assert_eq!(report["deliveries"][0]["status"], 200);
        assert_eq!(report["deliveries"][0]["answer"], "ok");
        assert_eq!(report["sent"]["url"], url);
        let sent: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(report["sent"]["body"], sent, "what was sent, as sent");
        let verified =
            webhooks_sdk::verify(webhooks_sdk::Provider::Commet, [secret], &body, &headers)
                .unwrap()
                .event();
        assert_eq!(report["event_id"].as_str(), verified.id.as_deref());
    }
    let (code, stdout, stderr) = run(
        &[
            "send",
            "--provider",
            "commet",
            "--url",
            "http://127.0.0.1:9/h",
            "subscription.created",
        ],
        &[],
    );
    assert_eq!(
        (code, stdout.as_str()),
        (Some(1), ""),
        "no secret at all: {stderr}"
    );
    assert!(stderr.contains("no secret"), "{stderr}");
}

/// `trigger --format json`: the event, and each delivery's status and the
/// receiver's answer, in one document; the API key from the environment
/// or a file, printed nowhere.
#[test]
fn trigger_as_json_reports_each_delivery_and_takes_its_key_from_the_environment_or_a_file() {
    let (_mock, first, _lines) = start_mock(&["--addr", "127.0.0.1:0"]);
    let base = first.rsplit(' ').next().unwrap().to_string();
    let addr = base.trim_start_matches("http://").to_string();
    for how in ["environment", "file"] {
        let key = format!("ck_sandbox_trigger_{how}");
        let file = TempFile::new(&format!("key-{how}"), &key);
        let (url, received) = receive_once(200);
        let created = curl_json(&[
            "-X",
            "POST",
            &format!("{base}/commet/api/v1/webhooks"),
            "-H",
            &format!("x-api-key: {key}"),
            "-H",
            "Content-Type: application/json",
            "-d",
            &format!(r#"{{"url": "{url}", "events": ["invoice.created"]}}"#),
        ]);
        let endpoint_id = created["data"]["id"].as_str().unwrap().to_string();
        let mut args = vec![
            "trigger",
            "--addr",
            &addr,
            "--provider",
            "commet",
            "--format",
            "json",
        ];
        args.push("invoice.created");
        let report = run_json_with_secret(
            &args,
            how,
            ("WEBHOOKS_MOCK_API_KEY", "--api-key-file"),
            &key,
            &file,
        );
        received.join().unwrap();
        let delivery = &report["deliveries"][0];
        assert_eq!(report["deliveries"].as_array().map(Vec::len), Some(1));
        assert_eq!(delivery["endpoint_id"], endpoint_id.as_str());
        assert_eq!(
            (&delivery["status"], &delivery["answer"]),
            (&serde_json::json!(200), &serde_json::json!("ok"))
        );
        assert_eq!(report["event_id"], report["event"]["id"]);
        assert_eq!(report["event"]["event"], "invoice.created");
    }
}

/// `completions <shell>` prints a script; bash's parses.
#[test]
fn completions_print_a_script_bash_can_parse() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (code, stdout, stderr) = run(&["completions", shell], &[]);
        assert_eq!(code, Some(0), "{shell}: {stderr}");
        assert!(
            stdout.contains("trigger") && stdout.contains("healthcheck"),
            "{shell}"
        );
    }
    let (_, script, _) = run(&["completions", "bash"], &[]);
    let file = TempFile::new("completion.bash", &script);
    let checked = tool("bash", "bash")
        .args(["-n", file.path()])
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
}

/// `/__mock/health` answers without the admin token where the rest of the
/// admin API needs it, and says only that it is up and its version;
/// `healthcheck` exits 0 against the mock and 1 against a closed port.
#[test]
fn the_health_check_needs_no_token_and_tells_nothing_else() {
    let (_mock, first, _lines) = start_mock(&[
        "--addr",
        "127.0.0.1:0",
        "--admin-token",
        "admin-secret-health",
    ]);
    let base = first.rsplit(' ').next().unwrap().to_string();
    let addr = base.trim_start_matches("http://").to_string();
    let health = curl_json(&[&format!("{base}/__mock/health")]);
    assert_eq!(
        health,
        serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")})
    );
    let out = tool("curl", "curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            &format!("{base}/__mock/requests"),
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "401",
        "the rest still needs the token"
    );

    let (code, stdout, stderr) = run(&["healthcheck", "--addr", &addr], &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains(env!("CARGO_PKG_VERSION")), "{stdout}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_addr = closed.local_addr().unwrap().to_string();
    drop(closed);
    let (code, stdout, stderr) = run(&["healthcheck", "--addr", &closed_addr], &[]);
    assert_eq!((code, stdout.as_str()), (Some(1), ""));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// A JSON value's shape: its keys all the way down, and each leaf's type.
fn shape(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shape(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        Value::String(_) => "string".into(),
        Value::Number(_) => "number".into(),
        Value::Bool(_) => "bool".into(),
        Value::Null => "null".into(),
    }
}

/// The command-line guide's example of `send --format json` has the shape of the real output.
#[test]
fn the_guides_json_example_is_what_send_prints() {
    let readme = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/guide/command_line.md"
    ))
    .unwrap();
    let block = readme
        .split("<!-- send --format json -->\n```json\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the command-line guide has the example");
    let example: serde_json::Value = serde_json::from_str(block).unwrap();
    let (url, received) = receive_once(200);
    let (code, stdout, stderr) = run(
        &[
            "send",
            "--provider",
            "commet",
            "--url",
            &url,
            "--format",
            "json",
            "subscription.created",
        ],
        &[("WEBHOOKS_MOCK_SECRET", "whsec_readme")],
    );
    received.join().unwrap();
    assert_eq!(code, Some(0), "{stderr}");
    let printed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(shape(&example), shape(&printed));
    assert_eq!(
        example["sent"]["headers"]["x-commet-event"],
        printed["sent"]["headers"]["x-commet-event"]
    );
}

/// `proxy --help` describes every flag; an upstream it cannot parse is one
/// line and exit 1.
#[test]
fn proxy_help_names_every_flag_and_a_bad_upstream_is_one_line() {
    let (code, help, _) = run(&["proxy", "--help"], &[]);
    assert_eq!(code, Some(0));
    for flag in [
        "--provider",
        "--upstream",
        "--addr",
        "--report",
        "--record",
        "--strict",
        "--admin-token",
    ] {
        assert!(help.contains(flag), "{flag} in {help}");
    }
    let (code, help, _) = run(&["serve", "--help"], &[]);
    assert_eq!(code, Some(0));
    assert!(help.contains("--replay"), "{help}");
    for upstream in ["not a url", "ftp://example.com/v1", "/v1"] {
        let (code, stdout, stderr) = run(
            &["proxy", "--provider", "meum", "--upstream", upstream],
            &[],
        );
        assert_eq!((code, stdout.as_str()), (Some(1), ""), "{upstream}");
        assert_eq!(stderr.lines().count(), 1, "{upstream}: {stderr}");
    }
}

/// The running proxy's summary needs the admin token where one is set,
/// and is printed on SIGTERM; `serve --replay` answers from a recording.
#[test]
fn the_proxy_serves_its_summary_with_the_token_prints_it_on_exit_and_its_recording_replays() {
    let (_upstream, first, _lines) = start_mock(&["--addr", "127.0.0.1:0", "--provider", "meum"]);
    let upstream = first.rsplit(' ').next().unwrap().to_string();
    let dir = std::env::temp_dir().join(format!("webhooks-mock-proxy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let recording = dir.join("recording.jsonl");
    let mut child = Command::new(env!("CARGO_BIN_EXE_webhooks-mock"))
        .args([
            "proxy",
            "--provider",
            "meum",
            "--upstream",
            &upstream,
            "--addr",
            "127.0.0.1:0",
        ])
        .args([
            "--admin-token",
            "proxy-admin",
            "--record",
            recording.to_str().unwrap(),
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let banner = lines.next().unwrap().unwrap();
    let base = banner
        .split(' ')
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    let proxy = Running(child);
    let origin = base.trim_end_matches('/').to_string();
    let created = curl_json(&[
        "-X",
        "POST",
        &format!("{origin}/v1/webhook-endpoints"),
        "-H",
        "Authorization: Bearer sk_live_binary_proxy",
        "-H",
        "Content-Type: application/json",
        "-d",
        r#"{"url": "https://example.com/meum", "events": ["invoice.paid"]}"#,
    ]);
    assert!(created["id"].is_string(), "{created}");
    let summary_url = format!("{origin}/__mock/proxy/summary");
    let status = |extra: &[&str]| {
        let out = tool("curl", "curl")
            .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", &summary_url])
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    assert_eq!(status(&[]), "401");
    assert_eq!(status(&["-H", "x-mock-admin-token: proxy-admin"]), "200");
    let summary = curl_json(&["-H", "x-mock-admin-token: proxy-admin", &summary_url]);
    assert_eq!(
        (
            summary["exchanges"].as_u64(),
            summary["violations"].as_u64()
        ),
        (Some(1), Some(0))
    );

    tool("kill", "procps")
        .args(["-TERM", &proxy.0.id().to_string()])
        .status()
        .unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        rest.iter()
            .any(|l| l.contains("1 exchange(s), 0 violation(s)")),
        "{rest:?}"
    );

    let (_replay, first, _) = start_mock(&[
        "--addr",
        "127.0.0.1:0",
        "--provider",
        "meum",
        "--replay",
        recording.to_str().unwrap(),
    ]);
    let replayed_base = first
        .split(' ')
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    let replayed = curl_json(&[
        "-X",
        "POST",
        &format!("{replayed_base}/v1/webhook-endpoints"),
        "-H",
        "Content-Type: application/json",
        "-d",
        "{}",
    ]);
    assert_eq!(replayed["id"], created["id"]);
    assert_eq!(replayed["secret"], "[redacted]");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `check-receiver --format json` against a receiver that answers 200 to
/// everything: one JSON document with every case, the ones it must refuse
/// failed, and exit 1; a provider that documents no signing is an error.
#[test]
fn check_receiver_reports_every_case_as_json_and_exits_by_its_verdict() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                // It reads every body before answering: a server that answers a
                // 1 MiB upload unread and closes races the client still sending it.
                let app = axum::Router::new().fallback(|body: axum::body::Bytes| async move {
                    drop(body);
                    "ok"
                });
                axum::serve(listener, app).await.unwrap();
            })
    });
    let secret = TempFile::new("check-secret", "whsec_check_0123456789");
    let (code, stdout, stderr) = run(
        &[
            "check-receiver",
            "--provider",
            "billing-io",
            "--url",
            &url,
            "--secret-file",
            secret.path(),
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code, Some(1), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["provider"], "billing-io");
    assert_eq!(report["url"], url.as_str());
    let cases = report["cases"].as_array().unwrap();
    let names: Vec<&str> = cases.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "valid",
            "replayed_delivery",
            "valid_previous_secret",
            "signed_twice",
            "tampered_body",
            "wrong_secret",
            "missing_signature",
            "malformed_signature",
            "truncated_signature",
            "stale_timestamp",
            "future_timestamp",
            "reencoded_body",
            "unknown_event_type",
            "unexpected_data",
            "oversized_body",
        ]
    );
    for case in cases {
        for field in ["name", "expected", "status", "passed", "why"] {
            assert!(case.get(field).is_some(), "{field} in {case}");
        }
        let must_refuse = case["expected"] == "reject";
        if case["expected"] != "skip" {
            assert_eq!(case["status"], 200, "{case}");
            assert_eq!(case["passed"], !must_refuse, "{case}");
        }
    }
    assert_eq!(report["failed"], 8);
    assert_eq!(report["passed"], 6);
    assert_eq!(report["skipped"], 1, "no previous secret given");

    let (code, _, stderr) = run(
        &[
            "check-receiver",
            "--provider",
            "chargeapi",
            "--url",
            &url,
            "--secret-file",
            secret.path(),
        ],
        &[],
    );
    assert_eq!(code, Some(1));
    assert!(stderr.contains("does not document"), "{stderr}");
}
