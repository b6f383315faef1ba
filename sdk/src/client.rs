//! Building a provider client: base URL, API key, timeouts, `User-Agent`, and
//! the headers every request carries. One builder serves all five providers.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

use crate::secret::Secret;

/// `User-Agent` sent by clients this crate builds: the crate and its version.
pub const USER_AGENT: &str = concat!("webhooks-sdk/", env!("CARGO_PKG_VERSION"));

/// Connect timeout of clients this crate builds, unless changed.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Whole-request timeout of clients this crate builds, unless changed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How many times a client sends a failed request again, unless changed
/// with [`ClientBuilder::max_retries`].
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// How a provider expects its API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// The key alone in the named header (Commet's `x-api-key`).
    Header(&'static str),
}

/// How a provider's API is safe to retry, read from its docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryRules {
    /// Operations (the generated client's method names) that take an
    /// `Idempotency-Key`: the client adds a fresh one when the caller did not,
    /// and only then retries these writes.
    pub idempotent_operations: &'static [&'static str],
    /// Whether a 429 that carries no `Retry-After` may be retried (Commet's
    /// docs say it must not).
    pub retry_429_without_retry_after: bool,
}

/// A generated client this crate knows how to build: what its provider's
/// declaration (`declare_provider!`) says. Sealed: it lives in a private
/// module, so only this crate names or implements it.
pub trait ProviderClient: Sized {
    /// The provider.
    const PROVIDER: crate::provider::Provider;
    /// The provider's production base URL.
    const BASE_URL: &'static str;
    /// Where the API key goes.
    const AUTH: AuthScheme;
    /// The header that pins an API version, and the version the SDK's spec
    /// describes, for providers that version by header.
    const API_VERSION: Option<(&'static str, &'static str)>;
    /// What may be retried, and how.
    const RETRY_RULES: RetryRules;
    /// Whether an enveloped success body (`{"success": true, "data": …}`)
    /// is read as its `data` (a contract of bare resources that may still
    /// meet the older envelope).
    const UNWRAP_ENVELOPE: bool;

    /// Wraps a ready `reqwest::Client` (generated `new_with_client`).
    fn from_parts(base_url: &str, http: reqwest::Client, settings: ClientSettings) -> Self;
}

/// What a client adds to every request and how it retries: the API key
/// (marked sensitive), the pinned API version, and the retry policy.
#[derive(Clone)]
pub struct ClientSettings {
    auth: (HeaderName, HeaderValue),
    version: Option<(HeaderName, HeaderValue)>,
    pub(crate) max_retries: u32,
    pub(crate) rules: RetryRules,
    /// Whether a `{"success": true, "data": …}` success body is read as its `data`.
    pub(crate) unwrap_envelope: bool,
}

impl fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSettings")
            .field("auth", &format_args!("{}: [redacted]", self.auth.0))
            .field("version", &self.version)
            .field("max_retries", &self.max_retries)
            .field("rules", &self.rules)
            .finish()
    }
}

/// Called by the generated code before each request is sent: adds the
/// client's headers and drops progenitor's `api-version`, which no provider
/// documents.
pub(crate) fn prepare_request(settings: &ClientSettings, request: &mut reqwest::Request) {
    let map = request.headers_mut();
    map.remove("api-version");
    map.insert(settings.auth.0.clone(), settings.auth.1.clone());
    // A version set on the call itself wins over the client's pin.
    if let Some((name, value)) = &settings.version
        && !map.contains_key(name)
    {
        map.insert(name.clone(), value.clone());
    }
}

/// Why a client could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL is not an absolute `http`/`https` URL.
    InvalidBaseUrl(String),
    /// The API key is empty or holds characters an HTTP header cannot carry.
    /// (The key itself is not repeated here.)
    InvalidApiKey,
    /// The API version holds characters an HTTP header cannot carry.
    InvalidApiVersion(String),
    /// An API version was given for a provider that versions no other way
    /// than by its base URL (or not at all).
    NoApiVersion(crate::provider::Provider),
    /// reqwest could not build its client (for example, no TLS backend).
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidBaseUrl(why) => write!(f, "invalid base URL: {why}"),
            Self::InvalidApiKey => {
                f.write_str("invalid API key: it must be non-empty visible ASCII")
            }
            Self::InvalidApiVersion(v) => write!(f, "invalid API version {v:?}"),
            Self::NoApiVersion(provider) => {
                write!(f, "{} has no API version header to pin", provider.title())
            }
            Self::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Http(e) => Some(e),
            _ => None,
        }
    }
}

/// What a builder has been told, before it knows its provider's client type
/// (shared with `AnyClient`'s builder).
#[derive(Clone)]
pub(crate) struct Settings {
    /// `None`: the provider's production base URL.
    pub(crate) base_url: Option<String>,
    pub(crate) api_key: Secret,
    /// `None`: the provider module's `API_VERSION`, where it has one.
    pub(crate) api_version: Option<String>,
    pub(crate) max_retries: u32,
    pub(crate) http: Option<reqwest::Client>,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
}

impl Settings {
    pub(crate) fn new(api_key: impl Into<String>) -> Self {
        Self {
            base_url: None,
            api_key: Secret::new(api_key.into()),
            api_version: None,
            max_retries: DEFAULT_MAX_RETRIES,
            http: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key)
            .field("api_version", &self.api_version)
            .field("max_retries", &self.max_retries)
            .field("custom_http_client", &self.http.is_some())
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The builder methods every client builder has, on its [`Settings`].
macro_rules! settings_methods {
    () => {
        /// Sends requests to this base URL instead (a mock server, say).
        pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
            self.settings.base_url = Some(base_url.into());
            self
        }

        /// Uses the caller's `reqwest::Client` (its own timeouts, proxy, TLS and
        /// `User-Agent`); the API key is still added to every request.
        pub fn http_client(mut self, client: reqwest::Client) -> Self {
            self.settings.http = Some(client);
            self
        }

        /// Connect timeout (default 10 s). Ignored with `http_client`.
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.settings.connect_timeout = timeout;
            self
        }

        /// Whole-request timeout (default 30 s). Ignored with `http_client`.
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.settings.timeout = timeout;
            self
        }

        /// How many times a failed request is sent again (default 2; 0 turns
        /// retries off). Retried: connection errors, timeouts, and 408, 429,
        /// 500, 502, 503 and 504 answers, after an exponential backoff with full
        /// jitter (0.5 s doubling, at most 8 s) or the `Retry-After` the provider
        /// sent (at most 60 s). GET, PUT and DELETE are retried freely; POST and
        /// PATCH only when they carry an `Idempotency-Key`, which the client adds
        /// itself to every write the provider documents idempotency for.
        pub fn max_retries(mut self, retries: u32) -> Self {
            self.settings.max_retries = retries;
            self
        }
    };
}
#[cfg(feature = "endpoints")]
pub(crate) use settings_methods;

/// Builds a provider client. Start from the provider's `Client::builder`.
///
/// ```
/// use std::time::Duration;
/// use webhooks_sdk::commet;
///
/// let client = commet::Client::builder("ck_sandbox_xxxxxxxxx")
///     .base_url("http://127.0.0.1:8080/commet/api/v1")
///     .api_version(commet::API_VERSION) // the default; the version this SDK's types describe
///     .timeout(Duration::from_secs(5))
///     .max_retries(3)
///     .build()?;
/// # Ok::<(), webhooks_sdk::BuildError>(())
/// ```
pub struct ClientBuilder<C> {
    settings: Settings,
    provider: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.settings.fmt(f)
    }
}

impl<C> ClientBuilder<C> {
    settings_methods!();
}

impl<C: ProviderClient> ClientBuilder<C> {
    /// A builder for the provider's production base URL and this key.
    pub fn new(api_key: impl Into<String>) -> Self {
        Self::from_settings(Settings::new(api_key))
    }

    pub(crate) fn from_settings(settings: Settings) -> Self {
        Self {
            settings,
            provider: PhantomData,
        }
    }

    /// Builds the client.
    pub fn build(self) -> Result<C, BuildError> {
        let settings = self.settings;
        let base_url = settings.base_url.as_deref().unwrap_or(C::BASE_URL);
        let url = reqwest::Url::parse(base_url)
            .map_err(|e| BuildError::InvalidBaseUrl(format!("{base_url:?}: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(BuildError::InvalidBaseUrl(format!(
                "{base_url:?}: the scheme must be http or https"
            )));
        }
        let key = settings.api_key.expose();
        if key.is_empty() {
            return Err(BuildError::InvalidApiKey);
        }
        let auth = match C::AUTH {
            AuthScheme::Bearer => (AUTHORIZATION, format!("Bearer {key}")),
            AuthScheme::Header(name) => (HeaderName::from_static(name), key.to_string()),
        };
        let mut auth_value =
            HeaderValue::from_str(&auth.1).map_err(|_| BuildError::InvalidApiKey)?;
        auth_value.set_sensitive(true);
        let version = match (settings.api_version, C::API_VERSION) {
            (None, None) => None,
            (Some(_), None) => return Err(BuildError::NoApiVersion(C::PROVIDER)),
            (pinned, Some((header, default))) => {
                let v = pinned.unwrap_or_else(|| default.to_string());
                Some((
                    HeaderName::from_static(header),
                    HeaderValue::from_str(&v).map_err(|_| BuildError::InvalidApiVersion(v))?,
                ))
            }
        };
        // With only ring compiled in, reqwest needs it as the process default.
        #[cfg(all(feature = "rustls-ring", not(feature = "rustls")))]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = match settings.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .user_agent(USER_AGENT)
                .connect_timeout(settings.connect_timeout)
                .timeout(settings.timeout)
                .build()
                .map_err(BuildError::Http)?,
        };
        let client_settings = ClientSettings {
            auth: (auth.0, auth_value),
            version,
            max_retries: settings.max_retries,
            rules: C::RETRY_RULES,
            unwrap_envelope: C::UNWRAP_ENVELOPE,
        };
        // progenitor joins paths onto the base URL as text: no trailing slash.
        Ok(C::from_parts(
            base_url.trim_end_matches('/'),
            http,
            client_settings,
        ))
    }
}

/// Providers that document an API-version request header (sealed, as
/// [`ProviderClient`] is).
pub trait VersionedProvider: ProviderClient {}

impl<C: VersionedProvider> ClientBuilder<C> {
    /// Pins another API version (`Charge-Version` / `Commet-Version`) on
    /// every request. By default the client sends the provider module's
    /// `API_VERSION`, the version whose shapes its types describe: a response
    /// in another version may not parse.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.settings.api_version = Some(version.into());
        self
    }
}
