//! Building a provider client: base URL, API key, timeouts, `User-Agent`, and
//! the headers every request carries. One builder serves all five providers.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

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
    /// Operations (progenitor's snake-case operation IDs) that take an
    /// `Idempotency-Key`: the client adds a fresh one when the caller did not,
    /// and only then retries these writes.
    pub idempotent_operations: &'static [&'static str],
    /// Whether a 429 that carries no `Retry-After` may be retried (Commet's
    /// docs say it must not).
    pub retry_429_without_retry_after: bool,
}

/// A generated client this crate knows how to build.
pub trait ProviderClient: Sized {
    /// The provider's name, for messages.
    const NAME: &'static str;
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
    const UNWRAP_ENVELOPE: bool = false;

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
    base_url: String,
    api_key: crate::Secret,
    api_version: Option<String>,
    max_retries: u32,
    http: Option<reqwest::Client>,
    connect_timeout: Duration,
    timeout: Duration,
    provider: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
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

impl<C: ProviderClient> ClientBuilder<C> {
    /// A builder for the provider's production base URL and this key.
    pub fn new(api_key: impl Into<String>) -> Self {
        Self {
            base_url: C::BASE_URL.to_string(),
            api_key: crate::Secret::new(api_key.into()),
            api_version: C::API_VERSION.map(|(_, version)| version.to_string()),
            max_retries: DEFAULT_MAX_RETRIES,
            http: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            provider: PhantomData,
        }
    }

    /// Sends requests to this base URL instead (a mock server, say).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Uses the caller's `reqwest::Client` (its own timeouts, proxy, TLS and
    /// `User-Agent`); the API key is still added to every request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Connect timeout (default 10 s). Ignored with [`Self::http_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Whole-request timeout (default 30 s). Ignored with [`Self::http_client`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
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
        self.max_retries = retries;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<C, BuildError> {
        let url = reqwest::Url::parse(&self.base_url)
            .map_err(|e| BuildError::InvalidBaseUrl(format!("{:?}: {e}", self.base_url)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(BuildError::InvalidBaseUrl(format!(
                "{:?}: the scheme must be http or https",
                self.base_url
            )));
        }
        let key = self.api_key.expose();
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
        let version = match (&self.api_version, C::API_VERSION) {
            (Some(v), Some((header, _))) => Some((
                HeaderName::from_static(header),
                HeaderValue::from_str(v).map_err(|_| BuildError::InvalidApiVersion(v.clone()))?,
            )),
            _ => None,
        };
        // With only ring compiled in, reqwest needs it as the process default.
        #[cfg(all(feature = "rustls-ring", not(feature = "rustls")))]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .user_agent(USER_AGENT)
                .connect_timeout(self.connect_timeout)
                .timeout(self.timeout)
                .build()
                .map_err(BuildError::Http)?,
        };
        let settings = ClientSettings {
            auth: (auth.0, auth_value),
            version,
            max_retries: self.max_retries,
            rules: C::RETRY_RULES,
            unwrap_envelope: C::UNWRAP_ENVELOPE,
        };
        // progenitor joins paths onto the base URL as text: no trailing slash.
        Ok(C::from_parts(
            self.base_url.trim_end_matches('/'),
            http,
            settings,
        ))
    }
}

/// Providers that document an API-version request header.
pub trait VersionedProvider: ProviderClient {}

impl<C: VersionedProvider> ClientBuilder<C> {
    /// Pins another API version (`Charge-Version` / `Commet-Version`) on
    /// every request. By default the client sends the provider module's
    /// `API_VERSION`, the version whose shapes its types describe: a response
    /// in another version may not parse.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }
}

/// Implements [`ProviderClient`], the retrying `exec` hook and the constructors
/// for a generated `Client`.
macro_rules! provider_client {
    (
        name: $name:literal,
        base_url: $base:expr,
        auth: $auth:expr,
        api_version: $version:expr,
        idempotent_operations: [$($op:literal),* $(,)?],
        retry_429_without_retry_after: $retry_429:expr
        $(, unwrap_envelope: $unwrap:expr)? $(,)?
    ) => {
        impl $crate::client::ProviderClient for Client {
            const NAME: &'static str = $name;
            const BASE_URL: &'static str = $base;
            const AUTH: $crate::client::AuthScheme = $auth;
            const API_VERSION: Option<(&'static str, &'static str)> = $version;
            const RETRY_RULES: $crate::client::RetryRules = $crate::client::RetryRules {
                idempotent_operations: &[$($op),*],
                retry_429_without_retry_after: $retry_429,
            };
            $(const UNWRAP_ENVELOPE: bool = $unwrap;)?

            fn from_parts(
                base_url: &str,
                http: reqwest::Client,
                settings: $crate::client::ClientSettings,
            ) -> Self {
                Self::new_with_client(base_url, http, settings)
            }
        }

        // Chosen over the generated no-op impl for `&Client` by method resolution.
        impl progenitor_client::ClientHooks<$crate::client::ClientSettings> for Client {
            async fn exec(
                &self,
                request: reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                use progenitor_client::ClientInfo;
                $crate::retry::execute(self.client(), self.inner(), request, info).await
            }
        }

        impl Client {
            #[doc = concat!("A ", $name, " client for `base_url` (use [`BASE_URL`] for production) that")]
            /// authenticates with `api_key`, with the default timeouts,
            /// retries, API version and `User-Agent`.
            pub fn with_api_key(
                base_url: &str,
                api_key: impl Into<String>,
            ) -> Result<Self, $crate::BuildError> {
                Self::builder(api_key).base_url(base_url).build()
            }

            #[doc = concat!("A builder for a ", $name, " client: base URL, timeouts, retries, your own")]
            /// `reqwest::Client`, API version where the provider has one.
            pub fn builder(api_key: impl Into<String>) -> $crate::ClientBuilder<Self> {
                $crate::ClientBuilder::new(api_key)
            }
        }
    };
}
pub(crate) use provider_client;

#[cfg(all(test, feature = "donutwork"))]
mod tests {
    /// Whichever TLS feature is on, a client for an HTTPS base URL builds.
    #[test]
    fn an_https_client_builds_with_the_tls_feature_chosen() {
        let client = crate::donutwork::Client::with_api_key(crate::donutwork::BASE_URL, "key");
        assert!(client.is_ok(), "{:?}", client.err());
    }
}
