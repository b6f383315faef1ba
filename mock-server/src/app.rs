//! The mock as an axum app, for serving it yourself or mounting it in
//! another server, and the limits and names it answers with.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use webhooks_mock::{Provider, app};
//!
//! let router = app::app(Some(Provider::Commet)); // Commet at its real paths
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! axum::serve(listener, router).await
//! # }
//! ```

use std::sync::{Arc, OnceLock};

use axum::Router;

use crate::Provider;
use crate::kernel;
use crate::kernel::app::{Mounted, Scoped};
use crate::kernel::deliveries::DeliveryConfig;
use crate::kernel::dispatch::Dispatch;
use crate::kernel::state::{MockState, Served, Settings};

pub use crate::kernel::error::{DEFAULT_RETRY_AFTER, MAX_BODY_BYTES};
pub use crate::kernel::journal::JOURNAL_CAPACITY;
pub use crate::kernel::request_log::{REQUEST_LOG_TARGET, RequestLine};
pub use crate::kernel::state::ADMIN_TOKEN_HEADER;

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

/// Fresh state for `only` (or all of them) with `settings`, served by the
/// process's one app for that choice.
pub(crate) fn scoped(only: Option<Provider>, settings: &Settings) -> Scoped {
    let routes = routes(only);
    let state = MockState::new(settings, routes.served.clone(), |states| {
        for provider in served(only) {
            provider.contract().add_state(states);
        }
    });
    Scoped::new(routes.app.clone(), Arc::new(state))
}

/// The providers `only` chooses (all without it).
fn served(only: Option<Provider>) -> impl Iterator<Item = Provider> {
    Provider::ALL
        .into_iter()
        .filter(move |p| only.is_none_or(|only| only == *p))
}

/// What a process serves for one choice of providers: the same for every
/// mock of that choice, so it is built once.
struct Routes {
    app: Dispatch,
    served: Vec<Served>,
}

/// The routes for `only` (or all of them), built on first use.
fn routes(only: Option<Provider>) -> &'static Routes {
    // One slot for all providers, then one for each alone.
    static ROUTES: [OnceLock<Routes>; Provider::ALL.len() + 1] =
        [const { OnceLock::new() }; Provider::ALL.len() + 1];
    let slot = only.map_or(0, |p| {
        1 + Provider::ALL.iter().position(|q| *q == p).unwrap_or(0)
    });
    ROUTES[slot].get_or_init(|| build(only))
}

fn build(only: Option<Provider>) -> Routes {
    let mut providers = Vec::new();
    let mut spec_urls = Vec::new();
    let mut admin = kernel::admin::router();
    let mut served = Vec::new();
    for provider in self::served(only) {
        let prefix = match only {
            Some(_) => provider.base_path().to_string(),
            None => provider.shared_prefix(),
        };
        let mounted: Mounted = provider.contract().mount(&prefix);
        spec_urls.extend(mounted.spec_urls);
        served.push(mounted.served);
        providers.push(mounted.api);
        admin = admin.merge(mounted.admin);
    }
    #[cfg(feature = "swagger-ui")]
    let own = {
        // Swagger UI's config borrows for 'static: made once per process.
        let urls = spec_urls
            .into_iter()
            .map(|(name, url)| utoipa_swagger_ui::Url::new(name, Box::leak(url.into_boxed_str())));
        // No validator: it would send the spec's URL to a public service.
        let swagger = utoipa_swagger_ui::SwaggerUi::new("/docs")
            .config(utoipa_swagger_ui::Config::new(urls).validator_url("none"));
        Router::new().merge(swagger)
    };
    #[cfg(not(feature = "swagger-ui"))]
    let (own, _) = (Router::new(), spec_urls);
    // `with_state` turns handlers into routes once, not on every request.
    let own = own
        .merge(kernel::admin::guarded(admin))
        .merge(kernel::admin::open_router())
        .with_state(());
    Routes {
        app: Dispatch::new(providers, own),
        served,
    }
}
