//! Why a verifier could not be built, and why a delivery did not verify.

use std::fmt;
use std::time::Duration;

use crate::Provider;

/// Why a verifier could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SetupError {
    /// No secret was given.
    NoSecret,
    /// One of the secrets is empty.
    EmptySecret,
    /// The provider documents no complete signing scheme (each provider's
    /// module says what its docs give), so nothing can be verified.
    SigningNotDocumented(Provider),
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSecret => f.write_str("a webhook verifier needs at least one secret"),
            Self::EmptySecret => f.write_str("a webhook secret is empty"),
            Self::SigningNotDocumented(provider) => write!(
                f,
                "{} does not document how its deliveries are signed",
                provider.title()
            ),
        }
    }
}

impl std::error::Error for SetupError {}

/// Why a delivery was not accepted as the provider's. It never says which
/// secret was tried.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// A header the scheme needs is absent.
    MissingHeader(&'static str),
    /// A header is present but not in the documented format.
    MalformedHeader(&'static str),
    /// No signature in the header matches the body with any of the secrets.
    NoMatchingSignature,
    /// The signed timestamp is older than the tolerance allows.
    TimestampTooOld {
        /// How old it is.
        age: Duration,
    },
    /// The signed timestamp is further in the future than the tolerance allows.
    TimestampInFuture {
        /// How far ahead it is.
        ahead: Duration,
    },
}

impl VerifyError {
    /// Whether the request is malformed or unsigned (a 400), rather than
    /// signed wrongly or too long ago (a 401).
    pub fn is_malformed(&self) -> bool {
        matches!(self, Self::MissingHeader(_) | Self::MalformedHeader(_))
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(h) => write!(f, "the {h} header is missing"),
            Self::MalformedHeader(h) => write!(f, "the {h} header is malformed"),
            Self::NoMatchingSignature => f.write_str("no signature matches the body"),
            Self::TimestampTooOld { age } => write!(f, "the timestamp is {}s old", age.as_secs()),
            Self::TimestampInFuture { ahead } => {
                write!(f, "the timestamp is {}s in the future", ahead.as_secs())
            }
        }
    }
}

impl std::error::Error for VerifyError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// A receiver answers 400 to what is unsigned or malformed and 401 to a
    /// wrong or stale signature; each error names what is wrong, never a secret.
    #[test]
    fn errors_say_what_is_wrong_and_which_are_malformed() {
        let malformed = [
            VerifyError::MissingHeader("x-billing-signature"),
            VerifyError::MalformedHeader("x-billing-signature"),
        ];
        for e in &malformed {
            assert!(e.is_malformed(), "{e}");
            assert!(e.to_string().contains("x-billing-signature"), "{e}");
        }
        let refused = [
            VerifyError::NoMatchingSignature,
            VerifyError::TimestampTooOld {
                age: Duration::from_secs(301),
            },
            VerifyError::TimestampInFuture {
                ahead: Duration::from_secs(302),
            },
        ];
        for e in &refused {
            assert!(!e.is_malformed(), "{e}");
        }
        assert!(refused[1].to_string().contains("301s old"));
        assert!(refused[2].to_string().contains("302s in the future"));
        let provider = Provider::ALL[0];
        let setup = SetupError::SigningNotDocumented(provider).to_string();
        assert!(setup.contains(provider.title()), "{setup}");
        assert!(
            SetupError::NoSecret
                .to_string()
                .contains("at least one secret")
        );
    }
}
