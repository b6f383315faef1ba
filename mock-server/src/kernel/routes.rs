//! A contract's routes. A handler is named after its operation's ID in
//! snake case (`create_webhook_endpoint` serves `createWebhookEndpoint`) and
//! is bound to the method and path that operation has in the contract's
//! emitted spec (`openapi/emitted/`, committed): paths are written once, in
//! the handlers' utoipa annotations, which emit that spec when the crate is
//! built with feature `openapi` (`cargo xtask generate`). Without it the
//! annotations are not compiled, and a test's build skips utoipa.

use axum::Router;
use axum::routing::{MethodFilter, MethodRouter};

use super::inject::Inject;
use super::operations::DocumentedOperation;

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
                Box::new(|filter, inject: $crate::kernel::inject::Inject| {
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
