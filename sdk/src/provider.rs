//! The five providers as a value, for code that chooses one at run time,
//! and the one list of them that the rest of the crate is built from.

use std::fmt;
use std::str::FromStr;

/// The providers: variant, module (and generated file), name (the cargo
/// feature, the mock's URLs, its command line), and title. Adding a
/// provider to the SDK is a line here, its module with its one
/// `declare_provider!`, and its spec.
macro_rules! each_provider {
    ($then:path) => {
        $then! {
            BillingIo => billing_io, "billing-io", "billing.io";
            Chargeapi => chargeapi, "chargeapi", "chargeapi.co";
            Donutwork => donutwork, "donutwork", "Donutwork";
            Meum => meum, "meum", "meum.io";
            Commet => commet, "commet", "Commet";
        }
    };
}
pub(crate) use each_provider;

macro_rules! provider_enum {
    ($($variant:ident => $module:ident, $name:literal, $title:literal;)*) => {
        /// One of the five providers.
        ///
        /// Its [`name`](Self::name) is the one spelling used everywhere: the
        /// cargo feature of its module, the mock's URLs and command line, logs.
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
            $(
                #[doc = concat!($title, ".")]
                $variant,
            )*
        }

        impl Provider {
            /// Every provider.
            pub const ALL: [Provider; [$($name),*].len()] = [$(Provider::$variant),*];

            /// The provider's name (`billing-io`, `chargeapi`, `donutwork`,
            /// `meum`, `commet`): the same in this crate's features, the mock
            /// and its command line.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }

            /// The provider's own name for people (`billing.io`,
            /// `chargeapi.co`, `Donutwork`, `meum.io`, `Commet`), for messages.
            pub const fn title(self) -> &'static str {
                match self {
                    $(Self::$variant => $title,)*
                }
            }
        }
    };
}

each_provider!(provider_enum);

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is none of the providers'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProvider(pub String);

impl fmt::Display for UnknownProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = Provider::ALL.iter().map(|p| p.name()).collect();
        write!(
            f,
            "no provider named {:?}: one of {}",
            self.0,
            names.join(", ")
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

/// Written as its [`name`](Provider::name).
impl serde::Serialize for Provider {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Read from its [`name`](Provider::name).
impl<'de> serde::Deserialize<'de> for Provider {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}
