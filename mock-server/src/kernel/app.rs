//! Mounting a provider: its routes, its emitted spec, and the layers every
//! provider shares (journal, injected failures, its own 404 and 405 for
//! unknown routes and methods). What is mounted is the same for every mock
//! of a process; each request carries its own mock's state (an extension
//! [`Scoped`] sets).

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::Router;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;
use tower::ServiceExt;

use super::dispatch::{Answer, Dispatch, Mount};
use super::error::{ApiError, ErrorKind};
use super::inject::slow_path;
use super::layers::journal;
use super::operations::{self, Operations, documented_operations};
use super::provider::MockProvider;
use super::routes::Inject;
use super::spec::spec;
use super::state::{MockState, Served};

/// A provider ready to serve.
pub struct Mounted {
    /// Its API at full paths under its prefix, `/openapi.json` included,
    /// and the journal requests meet first.
    pub api: Mount,
    /// Its admin routes (`/__mock/<name>/events`).
    pub admin: Router,
    /// Where its emitted specs are served, each with its name on the docs
    /// page (the provider's, then another contract's).
    pub spec_urls: Vec<(&'static str, String)>,
    /// What fixtures need to make its requests.
    pub served: Served,
}

/// Mounts provider `P` under `prefix` (empty for the root).
pub fn mount<P: MockProvider>(prefix: &str) -> Mounted {
    let (mut api, spec) = contract::<P>(prefix);
    let mut spec_urls = vec![(P::TITLE, format!("{prefix}/openapi.json"))];
    if let Some(alternate) = P::alternate(prefix) {
        spec_urls.push((alternate.title, format!("{prefix}{}", alternate.spec_path)));
        let served_spec = alternate.spec.clone();
        api = api.route(
            &format!("{prefix}{}", alternate.spec_path),
            get(move || async move { axum::Json((*served_spec).clone()) }),
        );
        // Chosen before either contract matches a route, so each extracts its own path parameters.
        // `with_state` turns handlers into routes once, not on every request.
        let (seed, other, selects) = (
            api.with_state(()),
            alternate.router.with_state(()),
            alternate.selects,
        );
        // A request no operation of either contract takes gets the 404 or 405
        // of every other such request, whatever its selector says.
        let routed: Operations = Arc::new(
            documented_operations(&spec)
                .iter()
                .chain(documented_operations(&alternate.spec).iter())
                .cloned()
                .collect(),
        );
        let prefix = prefix.to_string();
        api = Router::new().fallback(move |req: Request| {
            let (seed, other, selects) = (seed.clone(), other.clone(), selects.clone());
            let routed = routed.clone();
            let documented = {
                let path = req.uri().path();
                let relative = path.strip_prefix(prefix.as_str()).unwrap_or(path);
                operations::find(&routed, req.method(), relative).is_some()
            };
            async move {
                match selects(&req) {
                    Err(answer) if documented => *answer,
                    Err(_) | Ok(false) => seed.oneshot(req).await.into_response(),
                    Ok(true) => other.oneshot(req).await.into_response(),
                }
            }
        });
    }
    let create = documented_operations(&spec)
        .iter()
        .find(|op| &*op.operation_id == P::CREATE)
        .map(|op| format!("{prefix}{}", op.path()))
        .expect("every provider documents its create operation");
    Mounted {
        api: Mount {
            prefix: prefix.to_string(),
            // `with_state` turns handlers into routes once, not on every request.
            api: api.with_state(()),
            journaled: |request, api| Box::pin(async move { Ok(journal::<P>(request, api).await) }),
        },
        admin: super::admin::events_router::<P>(),
        spec_urls,
        served: Served {
            name: P::NAME,
            create_path: create,
            present: |key| P::SECURITY.present(key),
        },
    }
}

/// Contract `P`'s routes at full paths under `prefix` (its `/openapi.json`,
/// injected failures, its own 404 and 405), and its emitted spec.
pub fn contract<P: MockProvider>(prefix: &str) -> (Router, Arc<Value>) {
    let mut spec = (*spec::<P>()).clone();
    let server = if prefix.is_empty() { "/" } else { prefix };
    spec["servers"] = serde_json::json!([{ "url": server }]);
    let ops = documented_operations(&spec);
    operations::register(P::NAME, ops.clone());
    let inject = Inject::new(ops.clone(), prefix.len(), slow_path::<P>);
    let routes = P::router().router(&ops, prefix, &inject);
    let spec = Arc::new(spec);
    let served_spec = spec.clone();
    let router = routes
        .route(
            &format!("{prefix}/openapi.json"),
            get(move || async move { axum::Json((*served_spec).clone()) }),
        )
        .fallback(|| async { no_route::<P>() })
        .method_not_allowed_fallback(|| async { wrong_method::<P>() });
    (router, spec)
}

/// The provider's 404 for a route it does not have.
fn no_route<P>() -> ApiError<P> {
    ApiError::new(ErrorKind::NotFound, "route_not_found", "No such route.")
}

/// The provider's 405 for a method a route does not take.
fn wrong_method<P>() -> ApiError<P> {
    ApiError::new(
        ErrorKind::MethodNotAllowed,
        "method_not_allowed",
        "This route does not take that method.",
    )
}

/// The app, serving one mock's state: every request carries it.
#[derive(Clone)]
pub struct Scoped {
    dispatch: Dispatch,
    state: Arc<MockState>,
}

impl Scoped {
    /// `dispatch` serving `state` (which learns it, for fixtures).
    pub fn new(dispatch: Dispatch, state: Arc<MockState>) -> Self {
        state.serve_with(dispatch.clone());
        Self { dispatch, state }
    }

    /// The state it serves.
    pub fn state(&self) -> &Arc<MockState> {
        &self.state
    }
}

impl<B> tower::Service<http::Request<B>> for Scoped
where
    B: http_body::Body<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Answer;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let mut request = request.map(axum::body::Body::new);
        request.extensions_mut().insert(self.state.clone());
        self.dispatch.call(request)
    }
}
