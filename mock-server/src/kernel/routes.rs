//! A contract's routes. A handler is named after its operation's ID in
//! snake case (`create_webhook_endpoint` serves `createWebhookEndpoint`) and
//! is bound to the method and path that operation has in the contract's
//! emitted spec (`openapi/emitted/`, committed): paths are written once, in
//! the handlers' utoipa annotations, which emit that spec when the crate is
//! built with feature `openapi` (`cargo xtask generate`). Without it the
//! annotations are not compiled, and a test's build skips utoipa.

use axum::Router;
use axum::routing::{MethodFilter, MethodRouter};

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::handler::Handler;
use axum::http::HeaderName;
use axum::response::Response;
use futures_util::future::{BoxFuture, Either};
use tower::{Layer, Service};

use super::dispatch::run;
use super::journal::Note;
use super::operations::{self, DocumentedOperation, Operations};
use super::state::MockState;

/// Makes a handler's method router for the method its operation has, with
/// injected failures around the handler.
pub type Binder = Box<dyn FnOnce(MethodFilter, Inject) -> MethodRouter + Send>;

/// Handlers named by [`routes!`](crate::kernel::routes::routes), with (feature
/// `openapi`) what their annotations document.
pub struct Named {
    /// Each handler's name (its path's last segment) and binder.
    pub handlers: Vec<(&'static str, Binder)>,
    /// The handlers' annotated paths, schemas and router, as utoipa makes them.
    #[cfg(feature = "openapi")]
    pub annotated: utoipa_axum::router::UtoipaMethodRouter,
}

/// Names handlers for a contract's [`Routes`]: `routes!(create, list)`.
macro_rules! routes {
    ($($handler:path),+ $(,)?) => {
        $crate::kernel::routes::Named {
            handlers: vec![$((
                stringify!($handler),
                Box::new(|filter, inject: $crate::kernel::routes::Inject| {
                    axum::routing::on(filter, inject.around($handler))
                }) as $crate::kernel::routes::Binder,
            )),+],
            #[cfg(feature = "openapi")]
            annotated: utoipa_axum::routes!($($handler),+),
        }
    };
}
pub(crate) use routes;

/// A contract's routes: handlers bound by name, routes made by hand, and
/// (feature `openapi`) the document their annotations make.
pub struct Routes {
    named: Vec<(&'static str, Binder)>,
    by_hand: Vec<(String, MethodRouter)>,
    #[cfg(feature = "openapi")]
    annotated: utoipa_axum::router::OpenApiRouter,
}

impl Default for Routes {
    fn default() -> Self {
        Self::new()
    }
}

impl Routes {
    /// No routes yet.
    pub fn new() -> Self {
        Self {
            named: Vec::new(),
            by_hand: Vec::new(),
            #[cfg(feature = "openapi")]
            annotated: utoipa_axum::router::OpenApiRouter::new(),
        }
    }

    /// Routes whose document starts from `openapi` (operations routed by hand).
    #[cfg(feature = "openapi")]
    pub fn documenting(openapi: utoipa::openapi::OpenApi) -> Self {
        Self {
            annotated: utoipa_axum::router::OpenApiRouter::with_openapi(openapi),
            ..Self::new()
        }
    }

    /// Adds named handlers, each bound to the operation of its name.
    pub fn routes(mut self, named: Named) -> Self {
        self.named.extend(named.handlers);
        #[cfg(feature = "openapi")]
        {
            self.annotated = self.annotated.routes(named.annotated);
        }
        self
    }

    /// Adds a route made by hand (a path axum cannot match as the spec writes it).
    pub fn route(mut self, path: &str, method_router: MethodRouter) -> Self {
        self.by_hand.push((path.to_string(), method_router));
        self
    }

    /// Adds another set of routes.
    pub fn merge(mut self, other: Routes) -> Self {
        self.named.extend(other.named);
        self.by_hand.extend(other.by_hand);
        #[cfg(feature = "openapi")]
        {
            self.annotated = self.annotated.merge(other.annotated);
        }
        self
    }

    /// The router: each named handler at `prefix` and the path of the
    /// operation in `operations` whose ID it is named after, with `inject`
    /// around it for that operation (around routes made by hand, for
    /// whichever operation a request is).
    ///
    /// # Panics
    /// If a handler's operation is not among `operations`: the committed
    /// emitted spec is out of date (`cargo xtask generate`).
    pub fn router(
        self,
        operations: &[DocumentedOperation],
        prefix: &str,
        inject: &Inject,
    ) -> Router {
        let mut router = Router::new();
        for (path, method_router) in self.by_hand {
            let method_router = method_router.route_layer(inject.route(None));
            router = router.route(&format!("{prefix}{path}"), method_router);
        }
        for (name, bind) in self.named {
            let id = operation_id(name);
            let index = operations
                .iter()
                .position(|op| *op.operation_id == id)
                .unwrap_or_else(|| panic!("handler {name}: no operation {id} in the emitted spec"));
            let operation = &operations[index];
            let filter = MethodFilter::try_from(operation.method.clone())
                .unwrap_or_else(|e| panic!("operation {id}: {e}"));
            let path = format!("{prefix}{}", operation.path());
            router = router.route(&path, bind(filter, inject.route(Some(index))));
        }
        router
    }

    /// The OpenAPI document the handlers' annotations make.
    #[cfg(feature = "openapi")]
    pub fn openapi(self) -> utoipa::openapi::OpenApi {
        self.annotated.split_for_parts().1
    }
}

/// Injected failures, around one route: notes the request's operation (for
/// the journal), then, in this order, refuses a query parameter the
/// operation does not take, applies a scheduled fault that matches, or
/// answers a `Prefer: code=NNN` with that documented status and the
/// operation's own error body. Wraps a handler ([`Inject::around`]) or, for
/// routes made by hand, a route (as a tower layer).
#[derive(Clone)]
pub struct Inject {
    ops: Operations,
    /// The route's operation, by index in `ops`; `None` for a route made by
    /// hand, whose operation is found per request.
    op: Option<usize>,
    /// The length of the provider's prefix, which operations' paths leave out.
    prefix: usize,
    /// What a request that has a query, a `Prefer` or a fault waiting meets
    /// (the provider's own errors).
    slow: SlowPath,
}

/// What serves the request after [`Inject`] (the handler or the route).
pub type Next = Box<dyn FnOnce(Request) -> BoxFuture<'static, Response> + Send>;

/// One provider's injected failures, for a request that needs them.
pub type SlowPath = fn(Operations, usize, usize, Request, Next) -> BoxFuture<'static, Response>;

impl Inject {
    /// For the routes of `ops` under a prefix `prefix` bytes long, whose
    /// provider's injected failures are `slow`
    /// ([`inject::slow_path`](super::inject::slow_path)).
    pub fn new(ops: Operations, prefix: usize, slow: SlowPath) -> Self {
        Self {
            ops,
            op: None,
            prefix,
            slow,
        }
    }

    /// For the route of operation `op` (by index), or of any (`None`).
    pub fn route(&self, op: Option<usize>) -> Self {
        Self { op, ..self.clone() }
    }

    /// `handler` with injected failures (for a route of one operation): no
    /// route of its own around it, so a request pays for no more than a check.
    pub fn around<H>(self, handler: H) -> Injected<H> {
        Injected {
            inject: self,
            handler,
        }
    }

    /// Notes `request`'s operation; its index when the request needs the
    /// slow path. Most requests meet no query, fault or `Prefer`: they go
    /// straight on.
    fn operation(&self, request: &Request) -> Option<usize> {
        let path = request.uri().path();
        let relative = path.get(self.prefix..).unwrap_or(path);
        let op = self
            .op
            .or_else(|| operations::position(&self.ops, request.method(), relative))?;
        if let Some(note) = request.extensions().get::<Note>() {
            note.operation(self.ops[op].operation_id.clone());
        }
        let plain = request.uri().query().is_none()
            && !request.headers().contains_key(PREFER)
            && request
                .extensions()
                .get::<Arc<MockState>>()
                .is_none_or(|mock| mock.faults.is_empty());
        (!plain).then_some(op)
    }

    fn slow(self, op: usize, request: Request, next: Next) -> BoxFuture<'static, Response> {
        (self.slow)(self.ops, op, self.prefix, request, next)
    }
}

/// A handler with [`Inject`] around it.
#[derive(Clone)]
pub struct Injected<H> {
    inject: Inject,
    handler: H,
}

impl<H: Handler<T, ()>, T> Handler<T, ()> for Injected<H> {
    type Future = Either<H::Future, BoxFuture<'static, Response>>;

    fn call(self, request: Request, state: ()) -> Self::Future {
        match self.inject.operation(&request) {
            None => Either::Left(self.handler.call(request, state)),
            Some(op) => {
                let handler = self.handler;
                let next: Next = Box::new(move |request| Box::pin(handler.call(request, ())));
                Either::Right(self.inject.slow(op, request, next))
            }
        }
    }
}

impl<S> Layer<S> for Inject {
    type Service = Injecting<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Injecting {
            inject: self.clone(),
            inner,
        }
    }
}

/// A route (made by hand) with [`Inject`] around it.
#[derive(Clone)]
pub struct Injecting<S> {
    inject: Inject,
    inner: S,
}

impl<S> Service<Request> for Injecting<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<S::Future, BoxFuture<'static, Result<Response, Infallible>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let Some(op) = self.inject.operation(&request) else {
            return Either::Left(self.inner.call(request));
        };
        // The service polled ready is the one that serves; a clone stays.
        let inner = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, inner);
        let next: Next = Box::new(move |request| Box::pin(run(inner, request)));
        let answer = self.inject.clone().slow(op, request, next);
        Either::Right(Box::pin(async move { Ok(answer.await) }))
    }
}

/// The `Prefer` header, which asks for a documented status.
pub const PREFER: HeaderName = HeaderName::from_static("prefer");

/// The operation ID a handler serves: its name (the last segment of its
/// path) in lower camel case.
fn operation_id(handler: &str) -> String {
    let name = handler.rsplit(':').next().unwrap_or(handler).trim();
    let mut id = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                id.extend(c.to_uppercase());
                upper = false;
            }
            c => id.push(c),
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::operation_id;

    #[test]
    fn a_handler_serves_the_operation_named_like_it() {
        assert_eq!(
            operation_id("create_webhook_endpoint"),
            "createWebhookEndpoint"
        );
        assert_eq!(operation_id("event_history :: list_events"), "listEvents");
        assert_eq!(operation_id("get"), "get");
    }
}
