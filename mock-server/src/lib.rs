//! A stateful mock of the webhook-endpoint APIs of billing.io, chargeapi.co,
//! Donutwork, meum.io and Commet, faithful to their docs (and to the specs in
//! `openapi/`): what you create can be listed, fetched, updated and deleted,
//! bad input gets each provider's error shape (what a provider's docs do not
//! print is marked `x-inferred` in its spec), and every API key is its own
//! tenant. A test harness too: seeded IDs, a manual clock, expectations,
//! faults, signed deliveries to test receivers with, and fixtures.
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
//! implementation, wire types, handlers and, where documented, signed
//! events); `server.rs` is the mock started in-process.

mod kernel;
pub mod openapi;
mod providers;
pub mod proxy;
mod server;

use std::sync::{Arc, OnceLock};

use axum::Router;

use kernel::app::{Mounted, Scoped, mount};
use kernel::state::{MockState, Served, Settings};
use providers::WithProvider;

pub use kernel::clock::{MANUAL_START, rfc3339_micros};
pub use kernel::deliveries::{Attempt, DeliveryConfig, DeliveryFilter, Trigger};
pub use kernel::error::{DEFAULT_RETRY_AFTER, MAX_BODY_BYTES};
pub use kernel::expect::ExpectationHandle;
pub use kernel::faults::{Fault, FaultKind};
pub use kernel::journal::{JOURNAL_CAPACITY, JournalEntry, RequestFilter};
pub use kernel::layers::REQUEST_LOG_TARGET;
pub use kernel::operations::template_matches;
pub use kernel::provider::SignedEvent;
pub use kernel::state::ADMIN_TOKEN_HEADER;
pub use kernel::urls::is_loopback_url;
pub use providers::Provider;
pub use server::{Clock, MockServer, MockServerBuilder, Triggered};

/// Reads an RFC 3339 time (`2026-01-01T00:00:00Z`), as `--clock-start` takes it.
pub fn parse_time(text: &str) -> Result<std::time::SystemTime, String> {
    kernel::clock::parse_rfc3339(text)
}

/// The OpenAPI 3.1 document the mock emits for one provider, as JSON.
pub fn openapi(provider: Provider) -> serde_json::Value {
    struct Spec;
    impl WithProvider for Spec {
        type Output = serde_json::Value;
        fn with<P: kernel::provider::MockProvider>(self) -> Self::Output {
            (*kernel::spec::spec::<P>()).clone()
        }
    }
    provider.with(Spec)
}

/// The document the mock emits for the contract of one hand-written spec
/// (`commet-2026-08-27` for Commet's current contract, else a provider's
/// name), if the mock serves it.
pub fn openapi_of_spec(spec_stem: &str) -> Option<serde_json::Value> {
    match spec_stem {
        "commet-2026-08-27" => {
            Some((*kernel::spec::spec::<providers::commet::CommetCurrent>()).clone())
        }
        name => Provider::from_name(name).map(openapi),
    }
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

/// The app: all five providers under their shared prefixes (or one at its
/// real base path), `/<prefix>/openapi.json` for each, `/docs`, and the
/// admin API under `/__mock/`, serving fresh state.
pub fn app(only: Option<Provider>) -> Router {
    app_with(only, MockConfig::default())
}

/// [`app`] with deliveries and the admin API configured.
pub fn app_with(only: Option<Provider>, config: MockConfig) -> Router {
    let settings = Settings {
        deliveries: config.deliveries,
        admin_token: config.admin_token.map(Arc::from),
        ..Settings::default()
    };
    let scoped = scoped(only, &settings);
    Router::new().fallback_service(scoped)
}

/// Fresh state for `only` (or all five) with `settings`, served by the
/// process's one app for that choice.
pub(crate) fn scoped(only: Option<Provider>, settings: &Settings) -> Scoped {
    let routes = routes(only);
    let state = MockState::new(settings, routes.served.clone(), |states| {
        for provider in Provider::ALL {
            if only.is_none_or(|p| p == provider) {
                provider.with(AddState(&mut *states));
            }
        }
    });
    Scoped::new(routes.router.clone(), Arc::new(state))
}

struct AddState<'a>(&'a mut kernel::registry::ProviderStates);

impl WithProvider for AddState<'_> {
    type Output = ();
    fn with<P: kernel::provider::MockProvider>(self) {
        P::add_state(self.0);
    }
}

/// What a process serves for one choice of providers: the same for every
/// mock of that choice, so it is built once.
struct Routes {
    router: Router,
    served: Vec<Served>,
}

/// The routes for `only` (or all five), built on first use.
fn routes(only: Option<Provider>) -> &'static Routes {
    static ROUTES: [OnceLock<Routes>; 6] = [const { OnceLock::new() }; 6];
    let slot = only.map_or(0, |p| {
        1 + Provider::ALL.iter().position(|q| *q == p).unwrap_or(0)
    });
    ROUTES[slot].get_or_init(|| build(only))
}

fn build(only: Option<Provider>) -> Routes {
    struct Mount(String);
    impl WithProvider for Mount {
        type Output = Mounted;
        fn with<P: kernel::provider::MockProvider>(self) -> Mounted {
            mount::<P>(&self.0)
        }
    }
    let mut router = Router::new();
    let mut spec_urls = Vec::new();
    let mut admin = kernel::admin::router();
    let mut served = Vec::new();
    for provider in Provider::ALL {
        if only.is_some_and(|p| p != provider) {
            continue;
        }
        let prefix = match only {
            Some(_) => provider.base_path().to_string(),
            None => provider.shared_prefix(),
        };
        let mounted = provider.with(Mount(prefix.clone()));
        spec_urls.extend(mounted.spec_urls);
        served.push(mounted.served);
        router = if prefix.is_empty() {
            router.merge(mounted.api)
        } else {
            router.nest(&prefix, mounted.api)
        };
        admin = admin.merge(mounted.admin);
    }
    // Swagger UI's config borrows for 'static: made once per process.
    let urls = spec_urls
        .into_iter()
        .map(|(name, url)| utoipa_swagger_ui::Url::new(name, Box::leak(url.into_boxed_str())));
    // No validator: it would send the spec's URL to a public service.
    let swagger = utoipa_swagger_ui::SwaggerUi::new("/docs")
        .config(utoipa_swagger_ui::Config::new(urls).validator_url("none"));
    Routes {
        // `with_state` turns handlers into routes once, not on every request.
        router: router
            .merge(swagger)
            .merge(kernel::admin::guarded(admin))
            .merge(kernel::admin::open_router())
            .with_state(()),
        served,
    }
}

/// The crate's own README (its registry page), compiled as doc tests so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadme;
