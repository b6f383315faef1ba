//! Which routes a request meets: the provider whose prefix its path is
//! under (through that provider's journal), else the mock's own routes
//! (`/__mock/*`, `/docs`). Picked by comparing prefixes, not by a nested
//! router, which would rebuild every request's URI.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::response::Response;
use futures_util::future::BoxFuture;
use tower::{Service, ServiceExt};

/// A request's answer on its way.
pub type Answer = BoxFuture<'static, Result<Response, Infallible>>;

/// Serves a request with a provider's routes, journaled as that provider.
pub type Journaled = fn(Request, Router) -> Answer;

/// One provider's routes, at their full paths under its prefix.
pub struct Mount {
    /// Where its routes start (`/billing-io/v1`; empty at the root).
    pub prefix: String,
    /// Its routes, each at `prefix` + its path, with its own 404 and 405.
    pub api: Router,
    /// Its journal around them.
    pub journaled: Journaled,
}

/// The app of one choice of providers, the same for every mock of it.
#[derive(Clone)]
pub struct Dispatch(Arc<Table>);

struct Table {
    /// The longest prefix first, so the root comes last.
    providers: Vec<Mount>,
    own: Router,
}

impl Dispatch {
    /// `providers` beside the mock's own routes.
    pub fn new(mut providers: Vec<Mount>, own: Router) -> Self {
        providers.sort_by_key(|mount| std::cmp::Reverse(mount.prefix.len()));
        Self(Arc::new(Table { providers, own }))
    }

    /// Answers `request`.
    pub fn call(&self, request: Request) -> Answer {
        let path = request.uri().path();
        let provider = (!own(path))
            .then(|| {
                self.0
                    .providers
                    .iter()
                    .find(|mount| under(path, &mount.prefix))
            })
            .flatten();
        match provider {
            Some(mount) => (mount.journaled)(request, mount.api.clone()),
            None => Box::pin(self.0.own.clone().oneshot(request)),
        }
    }
}

/// Whether `path` is one of the mock's own routes, never a provider's.
fn own(path: &str) -> bool {
    under(path, "/__mock") || (cfg!(feature = "swagger-ui") && under(path, "/docs"))
}

/// Whether `path` is `prefix` or below it (`/a/b` is under `/a`, `/ab` is not).
fn under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Marks a response that must not be sent: the connection is closed instead.
#[derive(Clone, Copy)]
pub struct ResetConnection;

/// `service`'s answer to `request`.
pub async fn run<S>(service: S, request: Request) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    match service.oneshot(request).await {
        Ok(response) => response,
    }
}

#[cfg(test)]
mod tests {
    use super::under;

    #[test]
    fn a_path_is_under_a_prefix_at_a_segment_boundary() {
        assert!(under("/billing-io/v1/webhooks", "/billing-io/v1"));
        assert!(under("/billing-io/v1", "/billing-io/v1"));
        assert!(!under("/billing-io/v1x", "/billing-io/v1"));
        assert!(!under("/meum", "/billing-io/v1"));
        assert!(under("/anything", ""));
    }
}
