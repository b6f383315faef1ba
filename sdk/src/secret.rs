//! A string that never shows itself in `Debug` output.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret value: an endpoint's signing secret, a webhook token, an API key.
///
/// It (de)serialises as a plain JSON string, but `Debug` prints
/// `Secret([redacted])`, so logging a response never leaks it. Read it with
/// [`Secret::expose`].
///
/// ```
/// let secret = webhooks_sdk::Secret::new("whsec_a1b2c3");
/// assert_eq!(format!("{secret:?}"), "Secret([redacted])");
/// assert_eq!(secret.expose(), "whsec_a1b2c3");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value itself. Keep it out of logs.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_string())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn it_keeps_its_value_hides_it_from_debug_and_round_trips_as_a_string() {
        let from_str = Secret::from("whsec_1");
        let from_string = Secret::from("whsec_1".to_string());
        assert_eq!(from_str.expose(), "whsec_1");
        assert_eq!(from_string, from_str);
        assert_eq!(format!("{from_str:?}"), "Secret([redacted])");
        assert_eq!(serde_json::to_string(&from_str).unwrap(), r#""whsec_1""#);
        let read: Secret = serde_json::from_str(r#""whsec_2""#).unwrap();
        assert_eq!(read.expose(), "whsec_2");
    }
}
