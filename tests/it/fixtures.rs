//! Response bodies copied from the providers' pages (`tests/fixtures/`) parse
//! with the SDK's types, including both sides of each documented conflict.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;
use webhooks_sdk::{billing_io, chargeapi, commet, donutwork, meum};

use crate::support::without_empty;

/// Parses `json` as `T` and returns it serialised again.
fn parse<T: DeserializeOwned + serde::Serialize>(json: &str) -> Result<Value, String> {
    let typed: T = serde_json::from_str(json).map_err(|e| e.to_string())?;
    Ok(serde_json::to_value(typed).unwrap())
}

/// The SDK type a fixture names, applied.
fn parse_as(provider: &str, type_name: &str, json: &str) -> Result<Value, String> {
    match (provider, type_name) {
        ("billing-io", "WebhookEndpoint") => parse::<billing_io::types::WebhookEndpoint>(json),
        ("billing-io", "ErrorResponse") => parse::<billing_io::types::ErrorResponse>(json),
        ("chargeapi", "WebhookEndpoint") => parse::<chargeapi::types::WebhookEndpoint>(json),
        ("chargeapi", "Error") => parse::<chargeapi::types::Error>(json),
        ("donutwork", "WebhookList") => parse::<donutwork::types::WebhookList>(json),
        ("meum", "WebhookDeliveryList") => parse::<meum::types::WebhookDeliveryList>(json),
        ("commet", "CreatedWebhookResponse") => {
            parse::<commet::types::CreatedWebhookResponse>(json)
        }
        ("commet", "ErrorResponse") => parse::<commet::types::ErrorResponse>(json),
        _ => Err(format!(
            "no SDK type {type_name} known for {provider}: add it to parse_as"
        )),
    }
}

#[test]
fn every_fixture_parses_with_the_sdk_types() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut parsed = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let Some(stem) = name.strip_suffix(".json") else {
            continue;
        };
        let mut parts = stem.splitn(3, '.');
        let (provider, type_name) = (parts.next().unwrap(), parts.next().unwrap());
        let json = std::fs::read_to_string(&path).unwrap();
        let value = parse_as(provider, type_name, &json).unwrap_or_else(|e| panic!("{name}: {e}"));
        let original = without_empty(&serde_json::from_str(&json).unwrap());
        // Every field comes back with its value (nulls aside: absent and null read alike).
        assert_eq!(without_empty(&value), original, "{name}");
        parsed += 1;
    }
    assert_eq!(parsed, 11, "every fixture in tests/fixtures/ was read");
}

/// The first response sample of billing.io's create page has no `status` and
/// placeholder strings: a create answered like that must not lose the secret.
#[test]
fn the_billing_io_create_pages_first_sample_parses_with_its_secret() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let json =
        std::fs::read_to_string(dir.join("billing-io.WebhookEndpoint.schema-sample.json")).unwrap();
    let endpoint: billing_io::types::WebhookEndpoint = serde_json::from_str(&json).unwrap();
    assert_eq!(endpoint.secret.unwrap().expose(), "<string>");
    assert_eq!(endpoint.status, None);
    assert!(endpoint.events.is_empty());
}

#[test]
fn both_forms_of_charges_created_give_the_same_instant() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let read = |name: &str| -> chargeapi::types::WebhookEndpoint {
        serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap()
    };
    let seconds = read("chargeapi.WebhookEndpoint.created-unix-seconds.json")
        .created
        .unwrap();
    let text = read("chargeapi.WebhookEndpoint.created-rfc3339.json")
        .created
        .unwrap();
    assert!(matches!(seconds, chargeapi::Created::UnixSeconds(_)));
    assert!(matches!(text, chargeapi::Created::Rfc3339(_)));
    // The same second: 2026-03-03T14:05:23Z.
    assert_eq!(
        seconds.to_datetime().unwrap().timestamp(),
        text.to_datetime().unwrap().timestamp()
    );
}
