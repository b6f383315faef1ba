//! A stateful mock of the webhook-endpoint APIs of billing.io, chargeapi.co,
//! Donutwork, meum.io and Commet, faithful to their docs (and to the specs in
//! `openapi/`): what you create can be listed, fetched, updated and deleted,
//! bad input gets each provider's own error body, and every API key is its
//! own tenant.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use webhooks_mock::{MockServer, Provider};
//!
//! let server = MockServer::start().await?;
//! let base = server.base_url(Provider::BillingIo); // http://127.0.0.1:PORT/billing-io/v1
//! # let _ = base; Ok(()) }
//! ```
//!
//! Layout: `kernel/` is what every provider shares and never names one;
//! `providers/<name>/` is one provider's whole story (its `MockProvider`
//! implementation, wire types, handlers and, where documented, signed events).

mod kernel;
mod providers;
mod server;

use std::sync::Arc;

use axum::Router;

use kernel::app::{MockState, Mounted, mount};
use providers::WithProvider;

pub use kernel::admin::ADMIN_TOKEN_HEADER;
pub use kernel::deliveries::{Attempt, DeliveryConfig};
pub use kernel::error::{DEFAULT_RETRY_AFTER, MAX_BODY_BYTES};
pub use kernel::faults::{Fault, template_matches};
pub use kernel::journal::{JOURNAL_CAPACITY, JournalEntry};
pub use kernel::provider::SignedEvent;
pub use kernel::urls::is_loopback_url;
pub use providers::Provider;
pub use server::MockServer;

/// The OpenAPI 3.1 document the mock emits for one provider, as JSON.
pub fn openapi(provider: Provider) -> serde_json::Value {
    struct Spec;
    impl WithProvider for Spec {
        type Output = serde_json::Value;
        fn with<P: kernel::provider::MockProvider>(self) -> Self::Output {
            kernel::app::spec::<P>()
        }
    }
    provider.with(Spec)
}

/// The document the mock emits for the contract of one hand-written spec
/// (`commet-2026-08-27` for Commet's current contract, else a provider's
/// name), if the mock serves it.
pub fn openapi_of_spec(spec_stem: &str) -> Option<serde_json::Value> {
    match spec_stem {
        "commet-2026-08-27" => Some(kernel::app::spec::<providers::commet::CommetCurrent>()),
        name => Provider::from_name(name).map(openapi),
    }
}

/// Builds the app: all five providers under their shared prefixes (or one at
/// its real base path), `/<prefix>/openapi.json` for each, `/docs`, and the
/// admin API under `/__mock/`.
pub fn app(only: Option<Provider>) -> Router {
    app_with(only, MockConfig::default())
}

/// How a mock app behaves beyond its providers.
#[derive(Debug, Clone, Default)]
pub struct MockConfig {
    /// Signed deliveries.
    pub deliveries: DeliveryConfig,
    /// A token every `/__mock/*` request must carry in `x-mock-admin-token`
    /// (for a mock on an address others can reach); `None` leaves the admin
    /// API open, as on loopback.
    pub admin_token: Option<String>,
}

/// [`app`] with deliveries and the admin API configured.
pub fn app_with(only: Option<Provider>, config: MockConfig) -> Router {
    let state = Arc::new(MockState::new(config.deliveries));
    app_with_state(only, &state, config.admin_token.map(Arc::from))
}

pub(crate) fn app_with_state(
    only: Option<Provider>,
    state: &Arc<MockState>,
    admin_token: Option<Arc<str>>,
) -> Router {
    struct Mount<'a>(&'a MockState, String);
    impl WithProvider for Mount<'_> {
        type Output = Mounted;
        fn with<P: kernel::provider::MockProvider>(self) -> Mounted {
            mount::<P>(self.0, &self.1)
        }
    }
    let mut router = Router::new();
    let mut spec_urls = Vec::new();
    for provider in Provider::ALL {
        if only.is_some_and(|p| p != provider) {
            continue;
        }
        let prefix = match only {
            Some(_) => provider.base_path().to_string(),
            None => provider.shared_prefix(),
        };
        let mounted = provider.with(Mount(state, prefix.clone()));
        spec_urls.extend(mounted.spec_urls);
        router = if prefix.is_empty() {
            router.merge(mounted.api)
        } else {
            router.nest(&prefix, mounted.api)
        };
        router = router.merge(kernel::admin::guarded(mounted.admin, admin_token.clone()));
    }
    // Swagger UI's config borrows for 'static; a few bytes per app built.
    let urls = spec_urls
        .into_iter()
        .map(|(name, url)| utoipa_swagger_ui::Url::new(name, Box::leak(url.into_boxed_str())));
    // No validator: it would send the spec's URL to a public service.
    let swagger = utoipa_swagger_ui::SwaggerUi::new("/docs")
        .config(utoipa_swagger_ui::Config::new(urls).validator_url("none"));
    router.merge(swagger).merge(kernel::admin::guarded(
        kernel::admin::router(state.clone()),
        admin_token,
    ))
}
