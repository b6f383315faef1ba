//! One API over all five providers, for code that manages endpoints at
//! several of them: [`Endpoints`] (implemented by every provider's `Client`),
//! [`AnyClient`] (any of them, chosen at run time), and [`AnyWebhook`] and
//! [`verify`] (any signing provider's deliveries).
//!
//! Events are plain strings here, each provider's own names; the
//! per-provider modules stay the precise, typed interface. An operation a
//! provider does not document returns [`Error::Unsupported`] without sending
//! anything; [`Endpoints::capabilities`] says so in advance.
//!
//! ```no_run
//! use futures_util::TryStreamExt;
//! use webhooks_sdk::endpoints::{AnyClient, Endpoints, NewEndpoint, Provider};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = AnyClient::new(Provider::Commet, Provider::Commet.base_url(), "ck_sandbox_…")?;
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

use std::fmt;
use std::future::Future;
use std::time::Duration;

use std::time::SystemTime;

use futures_util::stream::{self, BoxStream, StreamExt};
use reqwest::StatusCode;
use serde_json::Value;

pub use crate::Provider;
use crate::receive::{Headers, NeutralEvent, SetupError, VerifiedDelivery, VerifyError};
use crate::{ApiError, BuildError, ErrorBody, Secret};
use crate::{billing_io, chargeapi, commet, donutwork, meum};

impl Provider {
    /// The provider's production base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Self::BillingIo => billing_io::BASE_URL,
            Self::Chargeapi => chargeapi::BASE_URL,
            Self::Donutwork => donutwork::BASE_URL,
            Self::Meum => meum::BASE_URL,
            Self::Commet => commet::BASE_URL,
        }
    }
}

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
    /// A label for people (Donutwork, which requires a name, gets it as the
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
            status: ApiError::status(error),
            code: error.code().map(str::to_string),
            message: error.message().map(str::to_string).or_else(|| match error {
                progenitor_client::Error::CommunicationError(e) => Some(e.to_string()),
                progenitor_client::Error::InvalidRequest(why) => Some(why.clone()),
                progenitor_client::Error::InvalidResponsePayload(_, e) => Some(e.to_string()),
                _ => None,
            }),
            request_id: error.request_id().map(str::to_string),
            retry_after: error.retry_after(),
            retryable: ApiError::is_retryable(error),
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
    fn unsupported(provider: Provider, operation: Operation) -> Self {
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
    fn status(&self) -> Option<StatusCode> {
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

    fn is_retryable(&self) -> bool {
        matches!(self, Self::Api(failure) if failure.retryable)
    }
}

/// Endpoint management, the same at every provider.
pub trait Endpoints {
    /// Which provider this client talks to.
    fn provider(&self) -> Provider;

    /// Which operations the provider documents.
    fn capabilities(&self) -> Capabilities;

    /// Registers an endpoint.
    fn create(&self, endpoint: NewEndpoint)
    -> impl Future<Output = Result<Endpoint, Error>> + Send;

    /// Every endpoint, page after page.
    fn list(&self) -> BoxStream<'_, Result<Endpoint, Error>>;

    /// One endpoint.
    fn get(&self, id: &str) -> impl Future<Output = Result<Endpoint, Error>> + Send;

    /// Removes an endpoint.
    fn delete(&self, id: &str) -> impl Future<Output = Result<(), Error>> + Send;

    /// Pauses (`false`) or resumes (`true`) deliveries to an endpoint.
    fn set_enabled(
        &self,
        id: &str,
        enabled: bool,
    ) -> impl Future<Output = Result<Endpoint, Error>> + Send;
}

/// A stream that fails at once: the provider has no list operation.
pub(crate) fn unsupported_list<'a>(provider: Provider) -> BoxStream<'a, Result<Endpoint, Error>> {
    stream::once(async move { Err(Error::unsupported(provider, Operation::List)) }).boxed()
}

/// The answer to an operation the provider does not document; nothing is sent.
pub(crate) fn unsupported<T>(provider: Provider, operation: Operation) -> Result<T, Error> {
    Err(Error::unsupported(provider, operation))
}

/// A typed request body from JSON, or why the provider would refuse it.
pub(crate) fn body<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Error> {
    serde_json::from_value(value).map_err(|e| Error::InvalidRequest(e.to_string()))
}

/// Any provider's client, chosen at run time.
#[derive(Debug)]
pub enum AnyClient {
    /// billing.io.
    BillingIo(billing_io::Client),
    /// chargeapi.co.
    Chargeapi(chargeapi::Client),
    /// Donutwork.
    Donutwork(donutwork::Client),
    /// meum.io.
    Meum(meum::Client),
    /// Commet.
    Commet(commet::Client),
}

impl AnyClient {
    /// A client for `provider` at `base_url` (its [`Provider::base_url`] in
    /// production) authenticating with `api_key`, with the defaults of
    /// [`crate::ClientBuilder`].
    pub fn new(provider: Provider, base_url: &str, api_key: &str) -> Result<Self, BuildError> {
        Ok(match provider {
            Provider::BillingIo => {
                Self::BillingIo(billing_io::Client::with_api_key(base_url, api_key)?)
            }
            Provider::Chargeapi => {
                Self::Chargeapi(chargeapi::Client::with_api_key(base_url, api_key)?)
            }
            Provider::Donutwork => {
                Self::Donutwork(donutwork::Client::with_api_key(base_url, api_key)?)
            }
            Provider::Meum => Self::Meum(meum::Client::with_api_key(base_url, api_key)?),
            Provider::Commet => Self::Commet(commet::Client::with_api_key(base_url, api_key)?),
        })
    }
}

/// Runs `$call` on whichever client `$any` holds.
macro_rules! each {
    ($any:expr, $client:ident => $call:expr) => {
        match $any {
            AnyClient::BillingIo($client) => $call,
            AnyClient::Chargeapi($client) => $call,
            AnyClient::Donutwork($client) => $call,
            AnyClient::Meum($client) => $call,
            AnyClient::Commet($client) => $call,
        }
    };
}

impl Endpoints for AnyClient {
    fn provider(&self) -> Provider {
        each!(self, c => c.provider())
    }

    fn capabilities(&self) -> Capabilities {
        each!(self, c => c.capabilities())
    }

    async fn create(&self, endpoint: NewEndpoint) -> Result<Endpoint, Error> {
        each!(self, c => c.create(endpoint).await)
    }

    fn list(&self) -> BoxStream<'_, Result<Endpoint, Error>> {
        each!(self, c => c.list())
    }

    async fn get(&self, id: &str) -> Result<Endpoint, Error> {
        each!(self, c => c.get(id).await)
    }

    async fn delete(&self, id: &str) -> Result<(), Error> {
        each!(self, c => c.delete(id).await)
    }

    async fn set_enabled(&self, id: &str, enabled: bool) -> Result<Endpoint, Error> {
        each!(self, c => c.set_enabled(id, enabled).await)
    }
}

/// Any signing provider's verifier, chosen at run time: [`verify`] on it
/// gives the same [`VerifiedDelivery`] as the per-provider verifiers, read
/// through the provider-neutral [`NeutralEvent`].
///
/// ```
/// use webhooks_sdk::Provider;
/// use webhooks_sdk::endpoints::AnyWebhook;
///
/// let webhook = AnyWebhook::new(Provider::Commet, ["whsec_new", "whsec_old"])?;
/// # let body = br#"{"id":"whev_1","event":"subscription.created","timestamp":"2026-03-25T14:30:00.000Z","data":{}}"#;
/// # let headers = webhooks_sdk::commet::webhook::Webhook::new(["whsec_old"])?.sign(body, std::time::SystemTime::now());
/// let event = webhook.verify(body, &headers)?.event();
/// assert_eq!(event.event_type.as_deref(), Some("subscription.created"));
/// assert!(event.known);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub enum AnyWebhook {
    /// billing.io.
    BillingIo(billing_io::webhook::Webhook),
    /// meum.io.
    Meum(meum::webhook::Webhook),
    /// Commet.
    Commet(commet::webhook::Webhook),
}

impl AnyWebhook {
    /// A verifier for `provider`'s deliveries with these secrets (newest
    /// first) and its documented tolerance; Charge and Donutwork, which do
    /// not document how they sign, give [`SetupError::SigningNotDocumented`].
    pub fn new<I, T>(provider: Provider, secrets: I) -> Result<Self, SetupError>
    where
        I: IntoIterator<Item = T>,
        T: Into<Secret>,
    {
        Ok(match provider {
            Provider::BillingIo => Self::BillingIo(billing_io::webhook::Webhook::new(secrets)?),
            Provider::Meum => Self::Meum(meum::webhook::Webhook::new(secrets)?),
            Provider::Commet => Self::Commet(commet::webhook::Webhook::new(secrets)?),
            Provider::Chargeapi | Provider::Donutwork => {
                return Err(SetupError::SigningNotDocumented(provider));
            }
        })
    }

    /// Verifies a delivery now (the raw body, the request's headers).
    pub fn verify(
        &self,
        body: &[u8],
        headers: &impl Headers,
    ) -> Result<VerifiedDelivery<NeutralEvent>, VerifyError> {
        self.verify_at(body, headers, SystemTime::now())
    }

    /// [`verify`](Self::verify) as if the time were `now`.
    pub fn verify_at(
        &self,
        body: &[u8],
        headers: &impl Headers,
        now: SystemTime,
    ) -> Result<VerifiedDelivery<NeutralEvent>, VerifyError> {
        Ok(match self {
            Self::BillingIo(w) => w.verify_at(body, headers, now)?.into_neutral(),
            Self::Meum(w) => w.verify_at(body, headers, now)?.into_neutral(),
            Self::Commet(w) => w.verify_at(body, headers, now)?.into_neutral(),
        })
    }
}

/// Why [`verify`] refused a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnyVerifyError {
    /// No verifier could be built (no secret, or a provider that documents no signing).
    Setup(SetupError),
    /// The delivery did not verify.
    Verify(VerifyError),
}

impl fmt::Display for AnyVerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Setup(e) => e.fmt(f),
            Self::Verify(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for AnyVerifyError {}

/// Verifies one delivery from `provider` with these secrets (building an
/// [`AnyWebhook`] each call: keep one to verify many): the raw body, then
/// the request's headers, as every verifier takes them.
pub fn verify<I, T>(
    provider: Provider,
    secrets: I,
    body: &[u8],
    headers: &impl Headers,
) -> Result<VerifiedDelivery<NeutralEvent>, AnyVerifyError>
where
    I: IntoIterator<Item = T>,
    T: Into<Secret>,
{
    AnyWebhook::new(provider, secrets)
        .map_err(AnyVerifyError::Setup)?
        .verify(body, headers)
        .map_err(AnyVerifyError::Verify)
}
