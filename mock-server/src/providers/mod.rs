//! The providers, each in its own folder implementing the kernel's
//! [`MockProvider`] seam; the one list of them (and of the contracts they
//! answer in), and the [`Provider`] value that names one at run time.
//!
//! Every other list of providers (routes, names, base paths, the command
//! line, the scripts CI runs) follows from [`providers!`]: adding one is its
//! folder and one line there.

use serde_json::Value;

use crate::kernel::app::{Mounted, mount};
use crate::kernel::deliveries::Trigger;
use crate::kernel::env::Env;
#[cfg(feature = "proxy")]
use crate::kernel::provider::HandWritten;
use crate::kernel::provider::{
    KeyPrefix, MockProvider, ProviderState, Security, SignedEvent, SignedHeaders,
};
use crate::kernel::registry::ProviderStates;
use crate::kernel::state::MockState;

/// Declares the providers (variant, module, type, doc) and any further
/// contract a provider answers in on the same paths (its type).
macro_rules! providers {
    (
        providers { $( $variant:ident => $module:ident :: $ty:ident, $doc:literal; )* }
        further contracts { $( $provider:ident => $contract:path; )* }
    ) => {
        $( pub mod $module; )*

        /// One of the providers.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Provider {
            $( #[doc = $doc] $variant, )*
        }

        impl Provider {
            /// Every provider.
            pub const ALL: [Provider; [$(stringify!($variant)),*].len()] = [$(Provider::$variant),*];

            /// The facts of this provider's own contract.
            fn facts(self) -> &'static Facts {
                match self {
                    $( Self::$variant => const { &Facts::of::<$module::$ty>(Provider::$variant) }, )*
                }
            }
        }

        /// Every contract served: each provider's own, then the further ones.
        pub(crate) static CONTRACTS: &[Facts] = &[
            $( Facts::of::<$module::$ty>(Provider::$variant), )*
            $( Facts::of::<$contract>(Provider::$provider), )*
        ];
    };
}

providers! {
    providers {
        BillingIo => billing_io::BillingIo, "billing.io.";
        Chargeapi => chargeapi::Chargeapi, "chargeapi.co.";
        Donutwork => donutwork::Donutwork, "Donutwork.";
        Meum => meum::Meum, "meum.io.";
        Commet => commet::Commet, "Commet.";
    }
    further contracts {
        Commet => commet::CommetCurrent;
    }
}

/// What the rest of the crate needs of one contract, read once from its
/// [`MockProvider`] implementation.
pub(crate) struct Facts {
    /// The provider it belongs to.
    pub provider: Provider,
    /// Its name (the provider's, or its spec's stem for a further contract).
    pub name: &'static str,
    /// Its title for people.
    pub title: &'static str,
    /// The path of the provider's real base URL.
    pub base_path: &'static str,
    /// Its hand-written spec's file name under `openapi/`.
    pub spec_file: &'static str,
    /// How the API key is presented.
    pub security: Security,
    /// The key forms it accepts.
    pub keys: &'static [KeyPrefix],
    /// The version header and value a request sends to be answered in it.
    pub version: Option<(&'static str, &'static str)>,
    #[cfg(feature = "proxy")]
    hand_written: fn() -> Vec<HandWritten>,
    emitted: fn() -> std::sync::Arc<Value>,
    #[cfg(feature = "openapi")]
    emit: fn() -> Value,
    add_state: fn(&mut ProviderStates),
    mount: fn(&str) -> Mounted,
    sign: fn(&Env, &str, Option<Value>, &str) -> Result<SignedEvent, String>,
    sign_body: fn(&[u8], &str, i64) -> Result<SignedHeaders, String>,
    trigger: fn(&MockState, &Trigger, &axum::http::HeaderMap) -> Result<Value, String>,
}

impl Facts {
    const fn of<P: MockProvider>(provider: Provider) -> Self {
        Self {
            provider,
            name: P::NAME,
            title: P::TITLE,
            base_path: P::BASE_PATH,
            spec_file: P::SPEC_FILE,
            security: P::SECURITY,
            keys: P::KEYS,
            version: P::VERSION,
            #[cfg(feature = "proxy")]
            hand_written: P::hand_written,
            emitted: crate::kernel::spec::spec::<P>,
            #[cfg(feature = "openapi")]
            emit: crate::kernel::emit::emit::<P>,
            add_state: P::add_state,
            mount: mount::<P>,
            sign: sign::<P>,
            sign_body: sign_body::<P>,
            trigger: trigger::<P>,
        }
    }

    /// The hand-written specs the proxy checks traffic against, most specific first.
    #[cfg(feature = "proxy")]
    pub fn hand_written(&self) -> Vec<HandWritten> {
        (self.hand_written)()
    }

    /// The document the mock emits for this contract.
    pub fn emitted(&self) -> std::sync::Arc<Value> {
        (self.emitted)()
    }

    /// The document this contract's handlers' annotations make now (what
    /// `cargo xtask generate` commits as the emitted one).
    #[cfg(feature = "openapi")]
    pub fn emit(&self) -> Value {
        (self.emit)()
    }

    /// The contract's routes and spec, mounted under `prefix`.
    pub fn mount(&self, prefix: &str) -> Mounted {
        (self.mount)(prefix)
    }

    /// Adds its stored data to a new mock's.
    pub fn add_state(&self, states: &mut ProviderStates) {
        (self.add_state)(states)
    }

    /// Its spec's file stem (`commet-2026-08-27`).
    pub fn spec_stem(&self) -> &'static str {
        self.spec_file.trim_end_matches(".yaml")
    }
}

fn sign<P: MockProvider>(
    env: &Env,
    event_type: &str,
    data: Option<Value>,
    secret: &str,
) -> Result<SignedEvent, String> {
    P::sign(env, event_type, data, secret).map_err(|e| e.message)
}

fn sign_body<P: MockProvider>(
    body: &[u8],
    secret: &str,
    now: i64,
) -> Result<SignedHeaders, String> {
    match P::EVENTS {
        Some(events) => Ok((events.sign_body)(body, secret, now)),
        None => Err(crate::kernel::provider::not_documented::<P>().message),
    }
}

fn trigger<P: MockProvider>(
    mock: &MockState,
    request: &Trigger,
    headers: &axum::http::HeaderMap,
) -> Result<Value, String> {
    let store = mock
        .providers
        .get::<ProviderState<P>>(P::NAME)
        .ok_or_else(|| format!("{} is not served by this mock", P::NAME))?;
    P::trigger(&store, headers, request).map_err(|e| e.message)
}

impl Provider {
    /// The name used on the command line and in URLs (`billing-io`, …).
    pub fn name(self) -> &'static str {
        self.facts().name
    }

    /// The provider's own name for people (`billing.io`, `Commet`, …).
    pub fn title(self) -> &'static str {
        self.facts().title
    }

    /// The provider named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The path of the provider's real base URL (`/v1` for `https://api.billing.io/v1`).
    pub fn base_path(self) -> &'static str {
        self.facts().base_path
    }

    /// Where the provider is served when all share one server
    /// (`/billing-io/v1`): its name, then its real base path.
    pub fn shared_prefix(self) -> String {
        format!("/{}{}", self.name(), self.base_path())
    }

    /// An API key the mock accepts for this provider: its test-mode form
    /// where it has one (`sk_test_sample`), else the first it documents.
    pub fn sample_api_key(self) -> String {
        let keys = self.facts().keys;
        let form = keys
            .iter()
            .find(|k| k.mode == crate::kernel::provider::Mode::Test)
            .or(keys.first());
        format!("{}sample", form.map_or("", |k| k.prefix))
    }

    /// Whether the mock takes any non-empty API key for this provider (it
    /// documents no key format), so a bad key cannot be told from a good one.
    pub fn accepts_any_api_key(self) -> bool {
        self.facts().keys.iter().any(|k| k.prefix.is_empty())
    }

    /// The header and value that present `api_key` to this provider
    /// (`Authorization: Bearer …`, or the key alone in its own header).
    pub fn auth_header(self, api_key: &str) -> (&'static str, String) {
        self.facts().security.present(api_key)
    }

    /// A new `event_type` event with `data` (the provider's default data
    /// when `None`) in the provider's documented envelope, signed with
    /// `secret` as it documents, now by the wall clock and with a random
    /// event ID (no mock is involved); an error names why not (an event
    /// type it does not document, or no documented signing).
    pub fn sign_event(
        self,
        event_type: &str,
        data: Option<Value>,
        secret: &str,
    ) -> Result<SignedEvent, String> {
        (self.facts().sign)(&Env::wall(), event_type, data, secret)
    }

    /// The headers the provider sends with `body` (an event in its
    /// envelope, or any bytes), signed with `secret` at `at` as it documents;
    /// an error where it documents no signing.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use webhooks_mock::Provider;
    ///
    /// let body = br#"{"event_id":"evt_1","type":"checkout.completed"}"#;
    /// let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    /// let headers = Provider::BillingIo.sign_body(body, "whsec_test", at).unwrap();
    /// assert!(headers.iter().any(|(name, value)| *name == "x-billing-signature" && value.starts_with("t=1700000000,v1=")));
    /// ```
    pub fn sign_body(
        self,
        body: &[u8],
        secret: &str,
        at: std::time::SystemTime,
    ) -> Result<Vec<(&'static str, String)>, String> {
        let unix = at
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        (self.facts().sign_body)(body, secret, unix)
    }

    /// The hand-written specs the validation proxy checks this provider's
    /// traffic against (most specific first), and the header its API keys go in.
    #[cfg(feature = "proxy")]
    pub(crate) fn hand_written(self) -> (Vec<HandWritten>, &'static str) {
        let facts = self.facts();
        (facts.hand_written(), facts.security.header())
    }

    /// The facts of this provider's own contract, for the rest of the crate.
    pub(crate) fn contract(self) -> &'static Facts {
        self.facts()
    }

    /// Delivers a signed event to tenant `api_key`'s subscribed endpoints in
    /// `mock`, as the admin trigger does.
    pub(crate) fn trigger(
        self,
        mock: &MockState,
        api_key: &str,
        trigger: &Trigger,
    ) -> Result<Value, String> {
        let (name, value) = self.auth_header(api_key);
        let mut headers = axum::http::HeaderMap::new();
        let value = value
            .parse()
            .map_err(|_| "the API key is not a header value")?;
        headers.insert(name, value);
        (self.facts().trigger)(mock, trigger, &headers)
    }
}

impl From<Provider> for String {
    fn from(provider: Provider) -> String {
        provider.name().to_string()
    }
}
