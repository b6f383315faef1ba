//! Client construction, shared by every provider.

use webhooks_sdk::{BuildError, billing_io, commet};

#[test]
fn a_bad_base_url_or_key_is_refused_without_echoing_the_key() {
    let err = billing_io::Client::with_api_key("not a url", "sk_test_abc").unwrap_err();
    assert!(matches!(err, BuildError::InvalidBaseUrl(_)), "{err}");
    let err = billing_io::Client::with_api_key("ftp://example.com", "sk_test_abc").unwrap_err();
    assert!(matches!(err, BuildError::InvalidBaseUrl(_)), "{err}");
    let err = commet::Client::with_api_key(commet::BASE_URL, "").unwrap_err();
    assert!(matches!(err, BuildError::InvalidApiKey));
    let err = commet::Client::with_api_key(commet::BASE_URL, "ck_sandbox_\nsecret").unwrap_err();
    assert!(matches!(err, BuildError::InvalidApiKey));
    assert!(!err.to_string().contains("secret"));
}

#[test]
fn builders_and_clients_do_not_debug_print_the_key() {
    let builder = commet::Client::builder("ck_sandbox_supersecret");
    assert!(!format!("{builder:?}").contains("supersecret"));
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains("supersecret"));
}

/// The version a client pins by default is the one its spec says it describes.
#[test]
fn pinned_api_versions_are_the_specs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let specs = xtask::spec::load_all(&root).unwrap();
    let pinned = |file: &str| {
        let spec = specs.iter().find(|s| s.provider.spec_file == file).unwrap();
        spec.json["info"]["x-api-version"]["value"]
            .as_str()
            .map(str::to_string)
    };
    assert_eq!(pinned("commet.yaml").as_deref(), Some(commet::API_VERSION));
    assert_eq!(
        pinned("commet-2026-08-27.yaml").as_deref(),
        Some(commet::v2026_08_27::API_VERSION)
    );
    assert_eq!(
        pinned("chargeapi.yaml").as_deref(),
        Some(webhooks_sdk::chargeapi::API_VERSION)
    );
    for file in ["billing-io.yaml", "donutwork.yaml", "meum.yaml"] {
        assert_eq!(pinned(file), None, "{file} versions by path, not by header");
    }
}
