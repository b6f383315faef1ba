//! Each check fires on the fault it exists for, on a scratch copy of the repository.
#![cfg(feature = "codegen")]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use xtask::providers::PROVIDERS;
use xtask::{Problem, check, examples, spec};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A copy of what the checks read: specs, generated code, the inference list.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "xtask-check-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let root = repo_root();
        for sub in [
            "openapi",
            "sdk/src/generated",
            "mock-server/openapi",
            "mock-server/openapi/emitted",
        ] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
            for entry in std::fs::read_dir(root.join(sub)).unwrap() {
                let entry = entry.unwrap();
                if entry.path().is_dir() {
                    continue;
                }
                std::fs::copy(entry.path(), dir.join(sub).join(entry.file_name())).unwrap();
            }
        }
        std::fs::copy(root.join("INFERENCES.md"), dir.join("INFERENCES.md")).unwrap();
        for package in ["", "sdk/", "mock-server/"] {
            for license in ["LICENSE-MIT", "LICENSE-APACHE"] {
                let file = format!("{package}{license}");
                std::fs::copy(root.join(&file), dir.join(&file)).unwrap();
            }
        }
        Self(dir)
    }

    /// Replaces the one occurrence of `from` in a file.
    fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.0.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.matches(from).count(),
            1,
            "{from:?} must occur once in {file}"
        );
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    fn check(&self) -> Vec<Problem> {
        check(&self.0)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn assert_found(problems: &[Problem], file: &str, needle: &str) {
    assert!(
        problems
            .iter()
            .any(|p| p.file == file && p.message.contains(needle)),
        "expected a problem in {file} mentioning {needle:?}, got: {problems:#?}"
    );
}

#[test]
fn the_committed_tree_passes() {
    let problems = Scratch::new().check();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn a_broken_example_fails_and_is_named() {
    let scratch = Scratch::new();
    scratch.edit("openapi/billing-io.yaml", "status: active", "status: 7");
    let problems = scratch.check();
    assert_found(
        &problems,
        "openapi/billing-io.yaml",
        "example at #/paths/~1webhooks/post/responses/201",
    );
    assert_found(&problems, "openapi/billing-io.yaml", "/status");
}

#[test]
fn a_placeholder_sample_keeps_its_shape_checked() {
    // `"<string>"` is no URI, yet the sample passes; a wrong type does not.
    let scratch = Scratch::new();
    scratch.edit(
        "openapi/billing-io.yaml",
        "                    events: []\n",
        "                    events: 7\n",
    );
    assert_found(
        &scratch.check(),
        "openapi/billing-io.yaml",
        "example at #/paths/~1webhooks/post/responses/201/content/application~1json/examples/schema/value",
    );
}

#[test]
fn a_null_skeleton_is_exempt_from_types_but_not_from_its_fields() {
    let scratch = Scratch::new();
    scratch.edit(
        "openapi/chargeapi.yaml",
        "                    livemode: null\n",
        "                    livemode: null\n                    live_mode: null\n",
    );
    assert_found(
        &scratch.check(),
        "openapi/chargeapi.yaml",
        "'live_mode' was unexpected",
    );
}

#[test]
fn a_misspelt_field_in_an_example_fails() {
    let scratch = Scratch::new();
    scratch.edit(
        "openapi/donutwork.yaml",
        "token: generated_webhook_token",
        "tokn: generated_webhook_token",
    );
    assert_found(
        &scratch.check(),
        "openapi/donutwork.yaml",
        "'tokn' was unexpected",
    );
}

#[test]
fn a_stale_generated_file_fails_with_a_diff_naming_the_spec() {
    let scratch = Scratch::new();
    let path = scratch.0.join("sdk/src/generated/meum.rs");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("// edited by hand\n");
    std::fs::write(path, text).unwrap();
    let problems = scratch.check();
    assert_found(&problems, "sdk/src/generated/meum.rs", "openapi/meum.yaml");
    assert_found(&problems, "sdk/src/generated/meum.rs", "-// edited by hand");
}

#[test]
fn a_changed_constraint_makes_the_generated_code_stale() {
    let scratch = Scratch::new();
    scratch.edit(
        "openapi/billing-io.yaml",
        "maxLength: 256",
        "maxLength: 255",
    );
    let problems = scratch.check();
    assert_found(
        &problems,
        "sdk/src/generated/billing_io.rs",
        "openapi/billing-io.yaml",
    );
}

#[test]
fn a_missing_operation_id_fails() {
    let scratch = Scratch::new();
    scratch.edit(
        "openapi/commet.yaml",
        "      operationId: testWebhookEndpoint\n",
        "",
    );
    let problems = scratch.check();
    assert_found(
        &problems,
        "openapi/commet.yaml",
        "POST /webhooks/{id}/test has no operationId",
    );
}

#[test]
fn a_missing_summary_and_a_duplicate_operation_id_fail() {
    let scratch = Scratch::new();
    scratch.edit(
        "openapi/chargeapi.yaml",
        "      summary: Update a webhook endpoint\n",
        "",
    );
    scratch.edit(
        "openapi/chargeapi.yaml",
        "operationId: updateWebhookEndpoint",
        "operationId: retrieveWebhookEndpoint",
    );
    let problems = scratch.check();
    assert_found(
        &problems,
        "openapi/chargeapi.yaml",
        "POST /webhook_endpoints/{id} has no summary",
    );
    assert_found(
        &problems,
        "openapi/chargeapi.yaml",
        "operationId `retrieveWebhookEndpoint` is used by both",
    );
}

#[test]
fn openapi_3_1_and_invalid_structure_fail() {
    let scratch = Scratch::new();
    scratch.edit("openapi/meum.yaml", "openapi: 3.0.3", "openapi: 3.1.0");
    scratch.edit(
        "openapi/meum.yaml",
        "      summary: Get webhook delivery\n",
        "      summary: Get webhook delivery\n      nonsense: true\n",
    );
    let problems = scratch.check();
    assert_found(&problems, "openapi/meum.yaml", "must be 3.0.x");
    assert_found(&problems, "openapi/meum.yaml", "'nonsense' was unexpected");
}

#[test]
fn a_dangling_ref_fails() {
    let scratch = Scratch::new();
    scratch.edit(
        "openapi/donutwork.yaml",
        "$ref: '#/components/schemas/DeletedWebhook'",
        "$ref: '#/components/schemas/Gone'",
    );
    assert_found(
        &scratch.check(),
        "openapi/donutwork.yaml",
        "#/components/schemas/Gone points at nothing",
    );
}

#[test]
fn a_progenitor_panic_is_reported_with_the_spec_name() {
    let scratch = Scratch::new();
    // Two different error bodies on one operation make progenitor panic.
    scratch.edit(
        "openapi/donutwork.yaml",
        "        '401':\n          $ref: '#/components/responses/Unauthorized'\n    post:",
        "        '401':\n          $ref: '#/components/responses/Unauthorized'\n        '418':\n          description: Teapot\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Pages'\n    post:",
    );
    assert_found(
        &scratch.check(),
        "openapi/donutwork.yaml",
        "progenitor panicked",
    );
}

#[test]
fn an_inference_missing_from_the_list_fails() {
    let scratch = Scratch::new();
    scratch.edit(
        "openapi/billing-io.yaml",
        "          description: Opaque cursor from a previous page's `next_cursor`; leave out for the first page.\n",
        "          description: Opaque cursor from a previous page's `next_cursor`; leave out for the first page.\n          x-inferred: A test reason.\n",
    );
    assert_found(
        &scratch.check(),
        "INFERENCES.md",
        "| `billing-io.yaml` | `GET /webhooks parameter cursor` | A test reason. |",
    );
    // And `generate` writes it into the table.
    xtask::generate(&scratch.0).unwrap();
    assert!(scratch.check().is_empty());
}

#[test]
fn a_removed_inference_makes_the_list_stale() {
    let scratch = Scratch::new();
    scratch.edit(
        "openapi/billing-io.yaml",
        "      x-inferred: The docs print no 413; the mock caps request bodies at 1 MiB.\n",
        "",
    );
    assert_found(&scratch.check(), "INFERENCES.md", "The docs print no 413");
}

/// The concrete example JSON on each seed page, as printed there.
fn seed_examples() -> Vec<(&'static str, Value)> {
    let donut_webhook = |token: &str| {
        json!({"id": "wh_001", "name": "Billing Events", "description": "Receive invoice and payment updates",
               "url": "https://example.com/webhooks/billing", "events": ["RecurringPayments.charge.paid"], "token": token})
    };
    vec![
        (
            "billing-io.yaml",
            json!({"url": "https://your-app.com/webhooks/billing", "events": ["checkout.completed", "checkout.expired"], "description": "Production webhook"}),
        ),
        (
            "billing-io.yaml",
            json!({"webhook_id": "we_a1b2c3d4e5f6a7b8c9d0e1f2", "url": "https://your-app.com/webhooks/billing", "events": ["checkout.completed", "checkout.expired"], "secret": "whsec_a1b2c3d4e5f6a7b8c9d0e1f2", "status": "active", "created_at": "2025-01-15T12:00:00Z"}),
        ),
        (
            "donutwork.yaml",
            json!({"entities": "Webhook", "count": 2, "per_page": 100, "pages": {"current": 1, "max": 1}, "elements": [donut_webhook("redacted")]}),
        ),
        (
            "donutwork.yaml",
            json!({"webhook": {"name": "Billing Events", "description": "Receive invoice and payment updates", "url": "https://example.com/webhooks/billing", "events": ["RecurringPayments.charge.paid"]}}),
        ),
        ("donutwork.yaml", donut_webhook("generated_webhook_token")),
        (
            "donutwork.yaml",
            json!({"error": "A valid \"url\" must be specified."}),
        ),
        (
            "donutwork.yaml",
            json!({"error": "Some events are not available"}),
        ),
        (
            "donutwork.yaml",
            json!([
                "RecurringPayments.charge.paid",
                "RecurringPayments.charge.failed"
            ]),
        ),
        ("donutwork.yaml", donut_webhook("redacted")),
        ("donutwork.yaml", json!({"error": "Webhook not found."})),
        ("donutwork.yaml", json!({"id": "wh_001", "deleted": true})),
        (
            "donutwork.yaml",
            json!({"error": "Webhook not found. Unable to delete unknown resource"}),
        ),
        (
            "meum.yaml",
            json!({"name": "Production webhook", "url": "https://api.example.com/webhooks/meum", "events": ["invoice.created", "invoice.paid"]}),
        ),
        (
            "meum.yaml",
            json!("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
        ),
        ("meum.yaml", json!("01234567")),
        (
            "meum.yaml",
            json!("Save this secret now. It will not be shown again."),
        ),
        (
            "commet.yaml",
            json!({"url": "http://example.com", "events": ["subscription.created"]}),
        ),
        (
            "billing-io.yaml",
            json!({"webhook_id": "<string>", "url": "<string>", "events": [], "secret": "<string>", "description": "<string>", "created_at": "2023-11-07T05:31:56Z"}),
        ),
        (
            "meum.yaml",
            json!({"id": "<string>", "name": "<string>", "url": "<string>", "secret": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "secret_prefix": "01234567", "events": ["<string>"], "message": "Save this secret now. It will not be shown again."}),
        ),
        (
            "meum.yaml",
            json!({"data": [{"id": "<string>", "event_id": "<string>", "attempt_number": 123, "status_code": 200, "attempted_at": "2023-11-07T05:31:56Z"}]}),
        ),
        (
            "commet.yaml",
            json!({"success": true, "data": {"id": "string", "url": "string", "events": ["string"], "description": "string", "isActive": true, "apiVersion": "string", "createdAt": "2019-08-24T14:15:22Z", "secretKey": "string", "object": "webhook", "livemode": true}}),
        ),
        (
            "commet.yaml",
            json!({"success": false, "error": {"type": "string", "code": "string", "message": "string", "param": "string", "details": null, "doc_url": "string"}}),
        ),
        (
            "billing-io.yaml",
            json!({"url": "https://example.com/webhooks/billing", "events": [], "description": "<string>"}),
        ),
        (
            "chargeapi.yaml",
            json!({"url": "<string>", "enabled_events": ["<string>"], "description": "<string>", "api_version": "<string>"}),
        ),
        (
            "chargeapi.yaml",
            json!({"id": null, "object": null, "api_version": null, "application": null, "created": null, "description": null,
                   "enabled_events": [null], "livemode": null, "metadata": null, "secret": null, "status": null, "url": null}),
        ),
    ]
}

#[test]
fn every_seed_example_is_in_its_spec_verbatim() {
    let specs = spec::load_all(&repo_root()).unwrap();
    for (file, expected) in seed_examples() {
        let spec = specs.iter().find(|s| s.provider.spec_file == file).unwrap();
        let found = examples::find_examples(spec)
            .into_iter()
            .any(|e| e.value == expected);
        assert!(found, "{file} lacks the seed example {expected}");
    }
}

#[test]
fn every_spec_has_examples_and_all_are_checked() {
    let specs = spec::load_all(&repo_root()).unwrap();
    assert_eq!(specs.len(), PROVIDERS.len());
    for spec in &specs {
        let count = examples::find_examples(spec).len();
        println!("{}: {count} examples", spec.name());
        assert!(count > 0, "{} has no examples", spec.name());
    }
}

#[test]
fn a_constraint_changed_in_a_spec_but_not_in_the_mock_is_named() {
    let scratch = Scratch::new();
    scratch.edit(
        "openapi/chargeapi.yaml",
        "            maximum: 100\n            default: 10",
        "            maximum: 50\n            default: 10",
    );
    assert_found(
        &scratch.check(),
        "openapi/chargeapi.yaml",
        "the mock disagrees with the spec at /paths/~1webhook_endpoints/get/parameters/query:limit/schema/maximum",
    );
}

#[test]
fn a_security_scheme_changed_in_a_spec_but_not_in_the_mock_is_named() {
    let scratch = Scratch::new();
    scratch.edit(
        "openapi/commet.yaml",
        "      in: header\n      name: x-api-key",
        "      in: header\n      name: x-commet-key",
    );
    assert_found(
        &scratch.check(),
        "openapi/commet.yaml",
        "the mock disagrees with the spec at /securitySchemes/ApiKeyAuth/name",
    );
}

#[test]
fn an_example_the_mock_does_not_show_is_named() {
    let scratch = Scratch::new();
    scratch.edit(
        "openapi/billing-io.yaml",
        "              description: Production webhook",
        "              description: Staging webhook",
    );
    assert_found(
        &scratch.check(),
        "openapi/billing-io.yaml",
        "the mock disagrees with the spec at /examples/POST ~1webhooks request page/description",
    );
}

#[test]
fn a_packages_copy_that_differs_from_its_source_fails() {
    let scratch = Scratch::new();
    scratch.edit(
        "mock-server/openapi/meum.yaml",
        "openapi: 3.0.3",
        "openapi: 3.0.2",
    );
    std::fs::remove_file(scratch.0.join("sdk/LICENSE-MIT")).unwrap();
    let problems = xtask::check(&scratch.0);
    assert_found(
        &problems,
        "mock-server/openapi/meum.yaml",
        "differs from openapi/meum.yaml",
    );
    assert_found(&problems, "sdk/LICENSE-MIT", "missing");
}

#[test]
fn an_emitted_spec_that_differs_from_the_annotations_fails() {
    let scratch = Scratch::new();
    scratch.edit(
        "mock-server/openapi/emitted/meum.json",
        "\"createWebhookEndpoint\"",
        "\"makeWebhookEndpoint\"",
    );
    std::fs::remove_file(scratch.0.join("mock-server/openapi/emitted/donutwork.json")).unwrap();
    let problems = xtask::check(&scratch.0);
    assert_found(
        &problems,
        "mock-server/openapi/emitted/meum.json",
        "differs from what the handlers' annotations emit",
    );
    assert_found(
        &problems,
        "mock-server/openapi/emitted/donutwork.json",
        "cannot read",
    );
}
