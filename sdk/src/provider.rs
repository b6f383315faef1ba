//! The five providers as a value, for code that chooses one at run time.

use std::fmt;
use std::str::FromStr;

/// One of the five providers.
///
/// Its [`name`](Self::name) is the one spelling used everywhere: in this
/// crate, in the mock's URLs and command line, and in logs.
///
/// ```
/// use webhooks_sdk::Provider;
///
/// let provider: Provider = "billing-io".parse()?;
/// assert_eq!(provider, Provider::BillingIo);
/// assert_eq!(provider.title(), "billing.io");
/// # Ok::<(), webhooks_sdk::UnknownProvider>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

impl Provider {
    /// Every provider.
    pub const ALL: [Provider; 5] = [
        Provider::BillingIo,
        Provider::Chargeapi,
        Provider::Donutwork,
        Provider::Meum,
        Provider::Commet,
    ];

    /// The provider's name (`billing-io`, `chargeapi`, `donutwork`, `meum`,
    /// `commet`): the same in this crate, the mock and its command line.
    pub const fn name(self) -> &'static str {
        match self {
            Self::BillingIo => "billing-io",
            Self::Chargeapi => "chargeapi",
            Self::Donutwork => "donutwork",
            Self::Meum => "meum",
            Self::Commet => "commet",
        }
    }

    /// The provider's own name for people (`billing.io`, `chargeapi.co`,
    /// `Donutwork`, `meum.io`, `Commet`), for messages.
    pub const fn title(self) -> &'static str {
        match self {
            Self::BillingIo => "billing.io",
            Self::Chargeapi => "chargeapi.co",
            Self::Donutwork => "Donutwork",
            Self::Meum => "meum.io",
            Self::Commet => "Commet",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is none of the five providers'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProvider(pub String);

impl fmt::Display for UnknownProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no provider named {:?}: one of billing-io, chargeapi, donutwork, meum, commet",
            self.0
        )
    }
}

impl std::error::Error for UnknownProvider {}

impl FromStr for Provider {
    type Err = UnknownProvider;

    fn from_str(name: &str) -> Result<Self, UnknownProvider> {
        Self::ALL
            .into_iter()
            .find(|p| p.name() == name)
            .ok_or_else(|| UnknownProvider(name.to_string()))
    }
}
