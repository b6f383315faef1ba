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
