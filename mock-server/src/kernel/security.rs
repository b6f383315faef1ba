//! How a provider takes its API key: the header, the scheme, and reading
//! the key from a request.

use axum::http::HeaderMap;

/// How a provider takes its API key, named as its spec names the scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Security {
    /// The scheme's name in `components.securitySchemes`.
    pub name: &'static str,
    /// Where the key goes.
    pub key_in: KeyIn,
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyIn {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// The key alone in this header.
    Header(&'static str),
}

impl Security {
    /// A bearer-token scheme named `name`.
    pub const fn bearer(name: &'static str) -> Self {
        Self {
            name,
            key_in: KeyIn::Bearer,
        }
    }

    /// The header that carries the key (redacted in the journal).
    pub fn header(self) -> &'static str {
        match self.key_in {
            KeyIn::Bearer => "authorization",
            KeyIn::Header(name) => name,
        }
    }

    /// The header and value that present `key`.
    pub fn present(self, key: &str) -> (&'static str, String) {
        match self.key_in {
            KeyIn::Bearer => ("authorization", format!("Bearer {key}")),
            KeyIn::Header(name) => (name, key.to_string()),
        }
    }

    /// The API key a request presents this way, if any.
    pub fn key(self, headers: &HeaderMap) -> Option<&str> {
        let value = match self.key_in {
            // A constant name is not parsed again on every request.
            KeyIn::Bearer => headers.get(axum::http::header::AUTHORIZATION),
            KeyIn::Header(name) => headers.get(name),
        }?
        .to_str()
        .ok()?;
        self.key_in_value(value)
    }

    /// The API key in `value`, a value of [`header`](Self::header) as sent.
    pub fn key_in_value(self, value: &str) -> Option<&str> {
        let key = match self.key_in {
            KeyIn::Bearer => {
                let (scheme, token) = value.split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then_some(token.trim())?
            }
            KeyIn::Header(_) => value,
        };
        (!key.is_empty()).then_some(key)
    }

    /// The scheme as the emitted spec declares it.
    #[cfg(feature = "openapi")]
    pub fn scheme(self) -> utoipa::openapi::security::SecurityScheme {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme,
        };
        match self.key_in {
            KeyIn::Bearer => SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            KeyIn::Header(name) => SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new(name))),
        }
    }
}
