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
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, StreamExt};
use reqwest::StatusCode;

use crate::error::{ApiError, ErrorBody};
use crate::provider::Provider;
use crate::secret::Secret;

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
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Create => "create",
            Self::List => "list",
            Self::Get => "get",
            Self::Delete => "delete",
            Self::SetEnabled => "set_enabled",
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
        }
    }

    /// Adds a description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
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

/// A failure the provider answered with, read through [`ApiError`].
#[derive(Debug, Clone)]
pub struct Failure {
    status: Option<StatusCode>,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    retryable: bool,
}

impl Failure {
    fn from<E: ErrorBody>(error: &progenitor_client::Error<E>) -> Self {
        Self {
            status: error.http_status(),
            code: error.code().map(str::to_string),
            message: error.message().map(str::to_string).or_else(|| match error {
                progenitor_client::Error::CommunicationError(e) => Some(e.to_string()),
                progenitor_client::Error::InvalidRequest(why) => Some(why.clone()),
                progenitor_client::Error::InvalidResponsePayload(_, e) => Some(e.to_string()),
                _ => None,
            }),
            request_id: error.request_id().map(str::to_string),
            retry_after: error.retry_after(),
            retryable: error.should_retry(),
        }
    }
}

/// Why an [`Endpoints`] operation failed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The provider documents no such operation; nothing was sent.
    Unsupported {
        /// The provider.
        provider: Provider,
        /// The operation.
        operation: Operation,
    },
    /// The request could not be built (a value outside what the provider accepts).
    InvalidRequest(String),
    /// The provider (or the connection to it) failed.
    Api(Failure),
}

impl Error {
    /// The answer to an operation `provider` does not document.
    pub fn unsupported(provider: Provider, operation: Operation) -> Self {
        Self::Unsupported {
            provider,
            operation,
        }
    }
}

impl<E: ErrorBody> From<progenitor_client::Error<E>> for Error {
    fn from(error: progenitor_client::Error<E>) -> Self {
        match error {
            progenitor_client::Error::InvalidRequest(why) => Self::InvalidRequest(why),
            other => Self::Api(Failure::from(&other)),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unsupported {
                provider,
                operation,
            } => write!(
                f,
                "{provider} documents no {operation} operation for webhook endpoints"
            ),
            Self::InvalidRequest(why) => write!(f, "invalid request: {why}"),
            Self::Api(failure) => {
                match failure.status {
                    Some(status) => write!(f, "{status}")?,
                    None => f.write_str("no answer")?,
                }
                if let Some(code) = &failure.code {
                    write!(f, " {code}")?;
                }
                if let Some(message) = &failure.message {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}

impl ApiError for Error {
    fn http_status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(failure) => failure.status,
            _ => None,
        }
    }

    fn code(&self) -> Option<&str> {
        match self {
            Self::Api(failure) => failure.code.as_deref(),
            _ => None,
        }
    }

    fn message(&self) -> Option<&str> {
        match self {
            Self::Api(failure) => failure.message.as_deref(),
            Self::InvalidRequest(why) => Some(why),
            Self::Unsupported { .. } => None,
        }
    }

    fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(failure) => failure.request_id.as_deref(),
            _ => None,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api(failure) => failure.retry_after,
            _ => None,
        }
    }

    fn should_retry(&self) -> bool {
        matches!(self, Self::Api(failure) if failure.retryable)
    }
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
