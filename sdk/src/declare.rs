//! One declaration per provider: [`declare_provider!`] states each fact
//! about a provider once (which provider, base URL, auth, API version header,
//! idempotent operations, its rule for a 429 without `Retry-After`, how its
//! error body reads, which endpoint operations it documents, how it signs)
//! and builds from them what the crate needs: the builder glue and retrying
//! hook of its generated `Client`, its `ApiError`, its `Endpoints` impl
//! (operations it does not document answer `Unsupported` by default), and
//! what `AnyClient` and `AnyWebhook` build for it.

#[cfg(feature = "endpoints")]
use crate::client::{BuildError, ClientBuilder, ProviderClient, Settings};
#[cfg(feature = "endpoints")]
use crate::endpoints::{DynEndpoints, Endpoints};

/// The declaration; see the module docs. Run in a provider's module, where
/// the generated `Client` is in scope.
macro_rules! declare_provider {
    (
        provider: $provider:ident,
        base_url: $base:expr,
        auth: $auth:ident $(($auth_header:literal))?,
        $(api_version: ($version_header:literal, $version:expr),)?
        idempotent_operations: [$($op:literal),* $(,)?],
        retry_429_without_retry_after: $retry_429:expr,
        $(unwrap_envelope: $unwrap:expr,)?
        error: $body:ty {
            code: |$c:ident| $code:expr,
            message: |$m:ident| $message:expr,
            request_id: |$r:ident| $request_id:expr,
            status: |$s:ident| $status:expr $(,)?
        },
        endpoints: {
            $(create: $create:path,)?
            $(list: $list:path,)?
            $(get: $get:path,)?
            $(delete: $delete:path,)?
            $(set_enabled: $set_enabled:path,)?
            $(update: $update:path,)?
        },
        $(any_client: $any_client:path,)?
        $(webhook: $scheme:ty,)?
    ) => {
        impl $crate::client::ProviderClient for Client {
            const PROVIDER: $crate::provider::Provider = $crate::provider::Provider::$provider;
            const BASE_URL: &'static str = $base;
            const AUTH: $crate::client::AuthScheme =
                $crate::client::AuthScheme::$auth $(($auth_header))?;
            const API_VERSION: Option<(&'static str, &'static str)> =
                $crate::declare::some_or_none!($(($version_header, $version))?);
            const RETRY_RULES: $crate::client::RetryRules = $crate::client::RetryRules {
                idempotent_operations: &[$($op),*],
                retry_429_without_retry_after: $retry_429,
            };
            const UNWRAP_ENVELOPE: bool = false $(|| $unwrap)?;

            fn from_parts(
                base_url: &str,
                http: reqwest::Client,
                settings: $crate::client::ClientSettings,
            ) -> Self {
                Self::new_with_client(base_url, http, settings)
            }
        }

        $(
            // Versioned by the `$version_header` header: the builder can pin another.
            const _: &str = $version_header;
            impl $crate::client::VersionedProvider for Client {}
        )?

        // Chosen over the generated no-op impl for `&Client` by method resolution.
        impl ::progenitor_client::ClientHooks<$crate::client::ClientSettings> for Client {
            async fn exec(
                &self,
                request: reqwest::Request,
                info: &::progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                use ::progenitor_client::ClientInfo;
                $crate::retry::execute(self.client(), self.inner(), request, info).await
            }
        }

        impl Client {
            #[doc = concat!(
                "A client for `base_url` (use [`BASE_URL`] for production) that authenticates with\n",
                "`api_key`, with the default timeouts, retries, API version and `User-Agent`."
            )]
            pub fn with_api_key(
                base_url: &str,
                api_key: impl Into<String>,
            ) -> Result<Self, $crate::client::BuildError> {
                Self::builder(api_key).base_url(base_url).build()
            }

            /// A builder: base URL, timeouts, retries, your own
            /// `reqwest::Client`, API version where the provider has one.
            pub fn builder(api_key: impl Into<String>) -> $crate::client::ClientBuilder<Self> {
                $crate::client::ClientBuilder::new(api_key)
            }
        }

        $crate::error::error_body! {
            $body,
            code: |$c| $code,
            message: |$m| $message,
            request_id: |$r| $request_id,
            status: |$s| $status,
            retry_429_without_retry_after: $retry_429,
        }

        #[cfg(feature = "endpoints")]
        impl $crate::endpoints::Endpoints for Client {
            fn provider(&self) -> $crate::provider::Provider {
                $crate::provider::Provider::$provider
            }

            fn capabilities(&self) -> $crate::endpoints::Capabilities {
                $crate::endpoints::Capabilities {
                    create: $crate::declare::given!($($create)?),
                    list: $crate::declare::given!($($list)?),
                    get: $crate::declare::given!($($get)?),
                    delete: $crate::declare::given!($($delete)?),
                    set_enabled: $crate::declare::given!($($set_enabled)?),
                    update: $crate::declare::given!($($update)?),
                    idempotent_create: [$($op),*].contains(&"create_webhook_endpoint"),
                }
            }

            $(
                fn create(
                    &self,
                    endpoint: $crate::endpoints::NewEndpoint,
                ) -> impl Future<Output = Result<$crate::endpoints::Endpoint, $crate::endpoints::Error>> + Send {
                    $create(self, endpoint)
                }
            )?

            $(
                fn list(
                    &self,
                ) -> futures_util::stream::BoxStream<'_, Result<$crate::endpoints::Endpoint, $crate::endpoints::Error>> {
                    $list(self)
                }
            )?

            $(
                fn get(
                    &self,
                    id: &str,
                ) -> impl Future<Output = Result<$crate::endpoints::Endpoint, $crate::endpoints::Error>> + Send {
                    $get(self, id)
                }
            )?

            $(
                fn delete(
                    &self,
                    id: &str,
                ) -> impl Future<Output = Result<(), $crate::endpoints::Error>> + Send {
                    $delete(self, id)
                }
            )?

            $(
                fn set_enabled(
                    &self,
                    id: &str,
                    enabled: bool,
                ) -> impl Future<Output = Result<$crate::endpoints::Endpoint, $crate::endpoints::Error>> + Send {
                    $set_enabled(self, id, enabled)
                }
            )?

            $(
                fn update(
                    &self,
                    id: &str,
                    update: $crate::endpoints::EndpointUpdate,
                ) -> impl Future<Output = Result<$crate::endpoints::Endpoint, $crate::endpoints::Error>> + Send {
                    $update(self, id, update)
                }
            )?
        }

        /// What `AnyClient` builds for this provider.
        #[cfg(feature = "endpoints")]
        pub(crate) fn any_client(
            settings: $crate::client::Settings,
        ) -> Result<Box<dyn $crate::endpoints::DynEndpoints>, $crate::client::BuildError> {
            $crate::declare::first!($($any_client)? ; $crate::declare::build_any::<Client>)(settings)
        }

        /// What `AnyWebhook` builds for this provider.
        #[cfg(feature = "endpoints")]
        #[allow(dead_code, reason = "a second contract of one provider is reached through the first's")]
        pub(crate) fn any_webhook(
            secrets: Vec<$crate::secret::Secret>,
        ) -> Result<std::sync::Arc<dyn $crate::receive::NeutralVerifier>, $crate::receive::SetupError> {
            $crate::declare::verifier!($crate::provider::Provider::$provider, secrets $(, $scheme)?)
        }
    };
}
pub(crate) use declare_provider;

/// `Some(x)` for one given `x`, else `None`.
macro_rules! some_or_none {
    () => {
        None
    };
    ($value:expr) => {
        Some($value)
    };
}
pub(crate) use some_or_none;

/// Whether an operation was given.
#[cfg(feature = "endpoints")]
macro_rules! given {
    () => {
        false
    };
    ($operation:path) => {
        true
    };
}
#[cfg(feature = "endpoints")]
pub(crate) use given;

/// The first path given, else the fallback after `;`.
#[cfg(feature = "endpoints")]
macro_rules! first {
    ($first:path ; $fallback:path) => {
        $first
    };
    (; $fallback:path) => {
        $fallback
    };
}
#[cfg(feature = "endpoints")]
pub(crate) use first;

/// A provider's verifier, or why it has none.
#[cfg(feature = "endpoints")]
macro_rules! verifier {
    ($provider:expr, $secrets:ident, $scheme:ty) => {
        Ok(std::sync::Arc::new(
            $crate::receive::Webhook::<$scheme>::new($secrets)?,
        ))
    };
    ($provider:expr, $secrets:ident) => {{
        drop($secrets);
        Err($crate::receive::SetupError::SigningNotDocumented($provider))
    }};
}
#[cfg(feature = "endpoints")]
pub(crate) use verifier;

/// `AnyClient`'s client for a provider of one contract: its typed client.
#[cfg(feature = "endpoints")]
pub(crate) fn build_any<C>(settings: Settings) -> Result<Box<dyn DynEndpoints>, BuildError>
where
    C: ProviderClient + Endpoints + Send + Sync + std::fmt::Debug + 'static,
{
    Ok(Box::new(
        ClientBuilder::<C>::from_settings(settings).build()?,
    ))
}
