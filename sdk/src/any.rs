//! Any provider, chosen at run time: [`AnyClient`] (as capable as the typed
//! clients: the same builder settings, Commet's current contract by its
//! version), [`AnyWebhook`] and [`verify`]. The one module that names every
//! provider's module, and none of them names it: the providers stand on
//! [`crate::endpoints`] and [`crate::receive`], this stands on them.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use futures_util::stream::BoxStream;

use crate::client::{BuildError, Settings, settings_methods};
use crate::endpoints::{
    Capabilities, DynEndpoints, Endpoint, EndpointUpdate, Endpoints, Error, NewEndpoint,
};
use crate::provider::{Provider, each_provider};
use crate::receive::{
    Headers, NeutralEvent, NeutralVerifier, SetupError, VerifiedDelivery, VerifyError,
};
use crate::secret::Secret;

/// What each provider's module builds for `AnyClient` and `AnyWebhook`, and
/// its base URL, dispatched from the one list of providers.
macro_rules! dispatch {
    ($($variant:ident => $module:ident, $name:literal, $title:literal;)*) => {
        impl Provider {
            /// The provider's production base URL (its module's `BASE_URL`).
            pub fn base_url(self) -> &'static str {
                match self {
                    $(Self::$variant => crate::$module::BASE_URL,)*
                }
            }
        }

        fn any_client(provider: Provider, settings: Settings) -> Result<Box<dyn DynEndpoints>, BuildError> {
            match provider {
                $(Provider::$variant => crate::$module::any_client(settings),)*
            }
        }

        fn any_webhook(provider: Provider, secrets: Vec<Secret>) -> Result<Arc<dyn NeutralVerifier>, SetupError> {
            match provider {
                $(Provider::$variant => crate::$module::any_webhook(secrets),)*
            }
        }
    };
}

each_provider!(dispatch);

/// Any provider's client, chosen at run time; [`Endpoints`] on it is the
/// same code path at every provider.
///
/// ```no_run
/// use std::time::Duration;
/// use webhooks_sdk::{AnyClient, Provider};
///
/// let client = AnyClient::builder(Provider::Commet, "ck_sandbox_…")
///     .base_url("http://127.0.0.1:8080/commet/api/v1")
///     .api_version("2026-08-27") // Commet's current contract
///     .max_retries(0)
///     .timeout(Duration::from_secs(5))
///     .build()?;
/// # Ok::<(), webhooks_sdk::BuildError>(())
/// ```
pub struct AnyClient {
    inner: Box<dyn DynEndpoints>,
}

impl fmt::Debug for AnyClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AnyClient").field(&self.inner).finish()
    }
}

impl AnyClient {
    /// A client for `provider` at `base_url` (its [`Provider::base_url`] in
    /// production) authenticating with `api_key`, with the defaults.
    pub fn with_api_key(
        provider: Provider,
        base_url: &str,
        api_key: impl Into<String>,
    ) -> Result<Self, BuildError> {
        Self::builder(provider, api_key).base_url(base_url).build()
    }

    /// A builder with the settings of every typed client's builder.
    pub fn builder(provider: Provider, api_key: impl Into<String>) -> AnyClientBuilder {
        AnyClientBuilder {
            provider,
            settings: Settings::new(api_key),
        }
    }

    /// The typed client inside, if it is a `C` (`billing_io::Client`,
    /// `commet::v2026_08_27::Client`, …): for what only the typed API has.
    pub fn typed<C: 'static>(&self) -> Option<&C> {
        self.inner.as_any().downcast_ref()
    }
}

/// Builds an [`AnyClient`]; start from [`AnyClient::builder`].
#[derive(Debug)]
pub struct AnyClientBuilder {
    provider: Provider,
    settings: Settings,
}

impl AnyClientBuilder {
    settings_methods!();

    /// Pins an API version (`Charge-Version` / `Commet-Version`; by default
    /// the provider module's `API_VERSION`). For Commet, `2026-07-31` or
    /// later speaks its current contract ([`crate::commet::v2026_08_27`]).
    /// A provider without a version header fails to build
    /// ([`BuildError::NoApiVersion`]).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.settings.api_version = Some(version.into());
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<AnyClient, BuildError> {
        Ok(AnyClient {
            inner: any_client(self.provider, self.settings)?,
        })
    }
}

impl Endpoints for AnyClient {
    fn provider(&self) -> Provider {
        self.inner.provider()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    async fn create(&self, endpoint: NewEndpoint) -> Result<Endpoint, Error> {
        self.inner.create(endpoint).await
    }

    fn list(&self) -> BoxStream<'_, Result<Endpoint, Error>> {
        self.inner.list()
    }

    async fn get(&self, id: &str) -> Result<Endpoint, Error> {
        self.inner.get(id).await
    }

    async fn delete(&self, id: &str) -> Result<(), Error> {
        self.inner.delete(id).await
    }

    async fn set_enabled(&self, id: &str, enabled: bool) -> Result<Endpoint, Error> {
        self.inner.set_enabled(id, enabled).await
    }

    async fn update(&self, id: &str, update: EndpointUpdate) -> Result<Endpoint, Error> {
        self.inner.update(id, update).await
    }
}

/// Any signing provider's verifier, chosen at run time: [`verify`](Self::verify)
/// on it gives the same [`VerifiedDelivery`] as the per-provider verifiers,
/// read through the provider-neutral [`NeutralEvent`].
///
/// ```
/// use webhooks_sdk::{AnyWebhook, Provider};
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
pub struct AnyWebhook {
    provider: Provider,
    inner: Arc<dyn NeutralVerifier>,
}

impl AnyWebhook {
    /// A verifier for `provider`'s deliveries with these secrets (newest
    /// first) and its documented tolerance; a provider that does not
    /// document how it signs (see its module) gives
    /// [`SetupError::SigningNotDocumented`].
    pub fn new<I, T>(provider: Provider, secrets: I) -> Result<Self, SetupError>
    where
        I: IntoIterator<Item = T>,
        T: Into<Secret>,
    {
        let secrets = secrets.into_iter().map(Into::into).collect();
        Ok(Self {
            provider,
            inner: any_webhook(provider, secrets)?,
        })
    }

    /// The provider whose deliveries it verifies.
    pub fn provider(&self) -> Provider {
        self.provider
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
        self.inner.verify_at(body, headers, now)
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
