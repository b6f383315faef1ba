//! Endpoint management the same at every provider: the [`Endpoints`] trait
//! that every provider's `Client` implements, and the provider-neutral types
//! it speaks. [`AnyClient`](crate::AnyClient) holds any of them, chosen at
//! run time.
//!
//! Events are plain strings here, each provider's own names; the
//! per-provider modules stay the precise, typed interface. An operation a
//! provider does not document returns [`Error::Unsupported`] without sending
//! anything; [`Endpoints::capabilities`] says so in advance.
//!
//! ```no_run
//! use futures_util::TryStreamExt;
//! use webhooks_sdk::endpoints::{Endpoints, NewEndpoint};
//! use webhooks_sdk::{AnyClient, Provider};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = AnyClient::builder(Provider::Commet, "ck_sandbox_…").build()?;
//! let endpoint = client
//!     .create(NewEndpoint::new("https://example.com/hooks", ["subscription.created"]))
//!     .await?;
//! let all: Vec<_> = client.list().try_collect().await?;
//! if client.capabilities().set_enabled {
//!     client.set_enabled(&endpoint.id, false).await?;
//! }
//! client.delete(&endpoint.id).await?;
//! # let _ = all; Ok(()) }
//! ```

use std::any::Any;
use std::fmt;
use std::future::Future;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, StreamExt};

use crate::error::ErrorBody;
use crate::provider::Provider;
use crate::secret::Secret;

mod error;
pub use error::{Error, Failure};

/// The operations of [`Endpoints`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Register an endpoint.
    Create,
    /// List every endpoint.
    List,
    /// Fetch one endpoint.
    Get,
    /// Remove an endpoint.
    Delete,
    /// Pause or resume deliveries.
    SetEnabled,
    /// Change an endpoint's events, description or state.
    Update,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Create => "create",
            Self::List => "list",
            Self::Get => "get",
            Self::Delete => "delete",
            Self::SetEnabled => "set_enabled",
            Self::Update => "update",
        })
    }
}

/// Which operations a provider documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// [`Endpoints::create`].
    pub create: bool,
    /// [`Endpoints::list`].
    pub list: bool,
    /// [`Endpoints::get`].
    pub get: bool,
    /// [`Endpoints::delete`].
    pub delete: bool,
    /// [`Endpoints::set_enabled`].
    pub set_enabled: bool,
    /// [`Endpoints::update`] (events, description and state; never the URL).
    pub update: bool,
    /// Whether [`NewEndpoint::idempotency_key`] is sent: the provider
    /// documents that a create retried with the same key answers the first
    /// endpoint (and its secret) instead of creating another.
    pub idempotent_create: bool,
}

impl Capabilities {
    /// Whether `operation` is documented.
    pub fn supports(self, operation: Operation) -> bool {
        match operation {
            Operation::Create => self.create,
            Operation::List => self.list,
            Operation::Get => self.get,
            Operation::Delete => self.delete,
            Operation::SetEnabled => self.set_enabled,
            Operation::Update => self.update,
        }
    }
}

/// An endpoint to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEndpoint {
    /// Where events are delivered.
    pub url: String,
    /// The event types, in the provider's own names.
    pub events: Vec<String>,
    /// A label for people (a provider that requires a name gets it as the
    /// name; the URL otherwise).
    pub description: Option<String>,
    /// An `Idempotency-Key` for the create, where the provider documents
    /// them ([`Capabilities::idempotent_create`]; ignored elsewhere). The
    /// client adds a fresh one by itself; set your own to make a create
    /// retried by a later run (after a crash) answer the first endpoint.
    pub idempotency_key: Option<String>,
}

impl NewEndpoint {
    /// An endpoint at `url` for `events`, without a description.
    pub fn new(
        url: impl Into<String>,
        events: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            url: url.into(),
            events: events.into_iter().map(Into::into).collect(),
            description: None,
            idempotency_key: None,
        }
    }

    /// Sets the create's `Idempotency-Key` (see [`Self::idempotency_key`](#structfield.idempotency_key)).
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Adds a description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

/// The fields of an endpoint to change; `None` keeps one as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointUpdate {
    /// The full new list of event types.
    pub events: Option<Vec<String>>,
    /// The new label for people (the name, where the provider has one).
    pub description: Option<String>,
    /// Whether deliveries are made.
    pub enabled: Option<bool>,
}

/// An endpoint as any provider describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The provider's ID for it.
    pub id: String,
    /// Where events are delivered.
    pub url: String,
    /// The subscribed event types, in the provider's own names.
    pub events: Vec<String>,
    /// Whether deliveries are made (always true where the provider has no such state).
    pub enabled: bool,
    /// The label for people, where the provider keeps one.
    pub description: Option<String>,
    /// The signing secret, where the provider returns it (usually only at creation).
    pub secret: Option<Secret>,
}

/// Endpoint management, the same at every provider.
///
/// Every provider's `Client` implements it; an operation the provider does
/// not document answers [`Error::Unsupported`] (the default of each
/// method), as its [`capabilities`](Self::capabilities) say.
pub trait Endpoints {
    /// Which provider this client talks to.
    fn provider(&self) -> Provider;

    /// Which operations the provider documents.
    fn capabilities(&self) -> Capabilities;

    /// Registers an endpoint.
    fn create(
        &self,
        endpoint: NewEndpoint,
    ) -> impl Future<Output = Result<Endpoint, Error>> + Send {
        let _ = endpoint;
        std::future::ready(Err(Error::unsupported(self.provider(), Operation::Create)))
    }

    /// Every endpoint, page after page.
    fn list(&self) -> BoxStream<'_, Result<Endpoint, Error>> {
        let error = Error::unsupported(self.provider(), Operation::List);
        stream::once(std::future::ready(Err(error))).boxed()
    }

    /// One endpoint.
    fn get(&self, id: &str) -> impl Future<Output = Result<Endpoint, Error>> + Send {
        let _ = id;
        std::future::ready(Err(Error::unsupported(self.provider(), Operation::Get)))
    }

    /// Removes an endpoint.
    fn delete(&self, id: &str) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = id;
        std::future::ready(Err(Error::unsupported(self.provider(), Operation::Delete)))
    }

    /// Pauses (`false`) or resumes (`true`) deliveries to an endpoint.
    fn set_enabled(
        &self,
        id: &str,
        enabled: bool,
    ) -> impl Future<Output = Result<Endpoint, Error>> + Send {
        let _ = (id, enabled);
        std::future::ready(Err(Error::unsupported(
            self.provider(),
            Operation::SetEnabled,
        )))
    }

    /// Changes an endpoint's events, description or state in one request.
    fn update(
        &self,
        id: &str,
        update: EndpointUpdate,
    ) -> impl Future<Output = Result<Endpoint, Error>> + Send {
        let _ = (id, update);
        std::future::ready(Err(Error::unsupported(self.provider(), Operation::Update)))
    }
}

/// [`Endpoints`] as a trait object, for `AnyClient`.
pub(crate) trait DynEndpoints: Send + Sync + fmt::Debug {
    fn provider(&self) -> Provider;
    fn capabilities(&self) -> Capabilities;
    fn create(&self, endpoint: NewEndpoint) -> BoxFuture<'_, Result<Endpoint, Error>>;
    fn list(&self) -> BoxStream<'_, Result<Endpoint, Error>>;
    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Endpoint, Error>>;
    fn delete<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), Error>>;
    fn set_enabled<'a>(
        &'a self,
        id: &'a str,
        enabled: bool,
    ) -> BoxFuture<'a, Result<Endpoint, Error>>;
    fn update<'a>(
        &'a self,
        id: &'a str,
        update: EndpointUpdate,
    ) -> BoxFuture<'a, Result<Endpoint, Error>>;
    fn as_any(&self) -> &dyn Any;
}

impl<T: Endpoints + Send + Sync + fmt::Debug + 'static> DynEndpoints for T {
    fn provider(&self) -> Provider {
        Endpoints::provider(self)
    }
    fn capabilities(&self) -> Capabilities {
        Endpoints::capabilities(self)
    }
    fn create(&self, endpoint: NewEndpoint) -> BoxFuture<'_, Result<Endpoint, Error>> {
        Endpoints::create(self, endpoint).boxed()
    }
    fn list(&self) -> BoxStream<'_, Result<Endpoint, Error>> {
        Endpoints::list(self)
    }
    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Endpoint, Error>> {
        Endpoints::get(self, id).boxed()
    }
    fn delete<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), Error>> {
        Endpoints::delete(self, id).boxed()
    }
    fn set_enabled<'a>(
        &'a self,
        id: &'a str,
        enabled: bool,
    ) -> BoxFuture<'a, Result<Endpoint, Error>> {
        Endpoints::set_enabled(self, id, enabled).boxed()
    }
    fn update<'a>(
        &'a self,
        id: &'a str,
        update: EndpointUpdate,
    ) -> BoxFuture<'a, Result<Endpoint, Error>> {
        Endpoints::update(self, id, update).boxed()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// An optional value the provider's spec constrains (a length, a pattern),
/// checked before anything is sent.
pub(crate) fn checked<T>(field: &str, value: Option<String>) -> Result<Option<T>, Error>
where
    T: TryFrom<String>,
    T::Error: fmt::Display,
{
    value
        .map(T::try_from)
        .transpose()
        .map_err(|e| Error::InvalidRequest(format!("{field}: {e}")))
}

/// A provider's list stream read as neutral endpoints, each by `endpoint`.
pub(crate) fn listed<'a, T: 'a, E: ErrorBody + 'a>(
    items: crate::pagination::ItemStream<'a, T, E>,
    endpoint: fn(T) -> Endpoint,
) -> BoxStream<'a, Result<Endpoint, Error>> {
    items.map(move |item| Ok(endpoint(item?))).boxed()
}

/// [`Endpoints::set_enabled`] for a provider whose update changes the state:
/// an update of the state alone.
pub(crate) async fn set_enabled_by_update<C: Endpoints + Sync>(
    client: &C,
    id: &str,
    enabled: bool,
) -> Result<Endpoint, Error> {
    let change = EndpointUpdate {
        enabled: Some(enabled),
        ..EndpointUpdate::default()
    };
    client.update(id, change).await
}
