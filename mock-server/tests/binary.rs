//! The `webhooks-mock` binary: help, the base URLs it prints, a seed request
//! against it, and a clean stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn help_documents_the_options() {
    let out = Command::new(env!("CARGO_BIN_EXE_webhooks-mock"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for option in ["--addr", "--provider", "billing-io", "/__mock/reset"] {
        assert!(text.contains(option), "{option} missing from --help");
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_webhooks-mock"))
        .args(["--provider", "nope"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn serves_one_provider_at_its_real_base_path_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_webhooks-mock"))
        .args(["--addr", "127.0.0.1:0", "--provider", "billing-io"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let base = first.rsplit(' ').next().unwrap().to_string();
    let listed = lines.next().unwrap().unwrap();
    assert!(listed.contains(&format!("{base}/v1")), "{listed}");

    // The seed page's curl, with the host replaced.
    let out = Command::new("curl")
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

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "clean exit on SIGTERM: {status:?}");
}
