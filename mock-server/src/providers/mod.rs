//! The five providers, each in its own folder implementing the kernel's
//! [`MockProvider`](crate::kernel::provider::MockProvider) seam, and the
//! [`Provider`] value that names one of them at run time.

pub mod billing_io;
pub mod chargeapi;
pub mod commet;
pub mod donutwork;
pub mod meum;

use serde_json::Value;

use crate::kernel::deliveries::Trigger;
use crate::kernel::env::Env;
use crate::kernel::provider::{HandWritten, MockProvider, ProviderState, SignedEvent};
use crate::kernel::state::MockState;

/// One of the five providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// billing.io.
    BillingIo,
    /// chargeapi.co.
    Chargeapi,
    /// Donutwork.
    Donutwork,
    /// meum.io.
    Meum,
    /// Commet.
    Commet,
}

/// Something to do with a provider's [`MockProvider`] type.
pub(crate) trait WithProvider {
    /// What it gives back.
    type Output;
    /// Does it with provider `P`.
    fn with<P: MockProvider>(self) -> Self::Output;
}

impl Provider {
    /// Every provider.
    pub const ALL: [Provider; 5] = [
        Provider::BillingIo,
        Provider::Chargeapi,
        Provider::Donutwork,
        Provider::Meum,
        Provider::Commet,
    ];

    /// Runs `task` with this provider's type: the one place a run-time
    /// provider meets its implementation.
    pub(crate) fn with<T: WithProvider>(self, task: T) -> T::Output {
        match self {
            Self::BillingIo => task.with::<billing_io::BillingIo>(),
            Self::Chargeapi => task.with::<chargeapi::Chargeapi>(),
            Self::Donutwork => task.with::<donutwork::Donutwork>(),
            Self::Meum => task.with::<meum::Meum>(),
            Self::Commet => task.with::<commet::Commet>(),
        }
    }

    /// The name used on the command line and in URLs (`billing-io`, …).
    pub fn name(self) -> &'static str {
        struct Name;
        impl WithProvider for Name {
            type Output = &'static str;
            fn with<P: MockProvider>(self) -> &'static str {
                P::NAME
            }
        }
        self.with(Name)
    }

    /// The provider's own name for people (`billing.io`, `chargeapi.co`,
    /// `Donutwork`, `meum.io`, `Commet`).
    pub fn title(self) -> &'static str {
        struct Title;
        impl WithProvider for Title {
            type Output = &'static str;
            fn with<P: MockProvider>(self) -> &'static str {
                P::TITLE
            }
        }
        self.with(Title)
    }

    /// The hand-written specs the validation proxy checks this provider's
    /// traffic against (most specific first), and the header its API keys go in.
    pub(crate) fn hand_written(self) -> (Vec<HandWritten>, &'static str) {
        struct Specs;
        impl WithProvider for Specs {
            type Output = (Vec<HandWritten>, &'static str);
            fn with<P: MockProvider>(self) -> Self::Output {
                (P::hand_written(), P::SECURITY.header())
            }
        }
        self.with(Specs)
    }

    /// The provider named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The path of the provider's real base URL (`/v1` for `https://api.billing.io/v1`).
    pub fn base_path(self) -> &'static str {
        struct BasePath;
        impl WithProvider for BasePath {
            type Output = &'static str;
            fn with<P: MockProvider>(self) -> &'static str {
                P::BASE_PATH
            }
        }
        self.with(BasePath)
    }

    /// The header and value that present `api_key` to this provider
    /// (`Authorization: Bearer …`, or the key alone in its own header).
    pub fn auth_header(self, api_key: &str) -> (&'static str, String) {
        struct Auth<'a>(&'a str);
        impl WithProvider for Auth<'_> {
            type Output = (&'static str, String);
            fn with<P: MockProvider>(self) -> Self::Output {
                P::SECURITY.present(self.0)
            }
        }
        self.with(Auth(api_key))
    }

    /// A new `event_type` event with `data` (the provider's default data
    /// when `None`) in the provider's documented envelope, signed with
    /// `secret` as it documents, now by the wall clock and with a random
    /// event ID (no mock is involved); an error names why not (an event
    /// type it does not document, or no documented signing).
    pub fn sign_event(
        self,
        event_type: &str,
        data: Option<serde_json::Value>,
        secret: &str,
    ) -> Result<SignedEvent, String> {
        struct Sign<'a>(&'a str, Option<serde_json::Value>, &'a str);
        impl WithProvider for Sign<'_> {
            type Output = Result<SignedEvent, String>;
            fn with<P: MockProvider>(self) -> Self::Output {
                P::sign(&Env::wall(), self.0, self.1, self.2).map_err(|e| e.message)
            }
        }
        self.with(Sign(event_type, data, secret))
    }

    /// Delivers a signed event to tenant `api_key`'s subscribed endpoints in
    /// `mock`, as the admin trigger does.
    pub(crate) fn trigger(
        self,
        mock: &MockState,
        api_key: &str,
        trigger: &Trigger,
    ) -> Result<Value, String> {
        struct Run<'a>(&'a MockState, &'a str, &'a Trigger);
        impl WithProvider for Run<'_> {
            type Output = Result<Value, String>;
            fn with<P: MockProvider>(self) -> Self::Output {
                let store = self
                    .0
                    .providers
                    .get::<ProviderState<P>>(P::NAME)
                    .ok_or_else(|| format!("{} is not served by this mock", P::NAME))?;
                let (name, value) = P::SECURITY.present(self.1);
                let mut headers = axum::http::HeaderMap::new();
                let value = value
                    .parse()
                    .map_err(|_| "the API key is not a header value")?;
                headers.insert(name, value);
                P::trigger(&store, &headers, self.2).map_err(|e| e.message)
            }
        }
        self.with(Run(mock, api_key, trigger))
    }

    /// Where the provider is served when all five share one server
    /// (`/billing-io/v1`): its name, then its real base path.
    pub fn shared_prefix(self) -> String {
        format!("/{}{}", self.name(), self.base_path())
    }
}

impl From<Provider> for String {
    fn from(provider: Provider) -> String {
        provider.name().to_string()
    }
}
