//! chargeapi.co ("Charge"): create, list, retrieve and update webhook endpoints.
//!
//! Authenticates with `Authorization: Bearer ch_sk_test_…` or `ch_sk_live_…`.
//! Every request carries `Charge-Version: `[`API_VERSION`], the version these
//! types describe; [`ClientBuilder::api_version`](crate::ClientBuilder::api_version)
//! pins another. The generated [`Client`],
//! request builders ([`builder`]) and models ([`types`]) come from
//! `openapi/chargeapi.yaml`.
//!
//! Deliveries are not verified: Charge documents its `Charge-Signature`
//! header and format but not what is signed or with which algorithm.
//!
//! ```no_run
//! use webhooks_sdk::chargeapi::Client;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder("ch_sk_test_…").build()?; // sends Charge-Version: 2026-03-01
//! let endpoint = client
//!     .create_webhook_endpoint()
//!     .body_map(|body| {
//!         body.url("https://example.com/webhook/endpoint")
//!             .enabled_events(vec!["report.succeeded".to_string()])
//!     })
//!     .send()
//!     .await?
//!     .into_inner();
//! let page = client.list_webhook_endpoints().limit(10).send().await?.into_inner();
//! # let _ = (endpoint, page);
//! # Ok(()) }
//! ```

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[path = "generated/chargeapi.rs"]
#[rustfmt::skip]
#[allow(clippy::all)]
mod generated;

pub use generated::*;

/// Charge's production base URL.
pub const BASE_URL: &str = "https://api.chargeapi.co/v1";

/// The `Charge-Version` every client sends unless told otherwise: the version
/// whose shapes `openapi/chargeapi.yaml` describes.
pub const API_VERSION: &str = "2026-03-01";

crate::declare::declare_provider! {
    provider: Chargeapi,
    base_url: BASE_URL,
    auth: Bearer,
    api_version: ("charge-version", API_VERSION),
    idempotent_operations: ["create_webhook_endpoint", "update_webhook_endpoint"],
    retry_429_without_retry_after: true,
    error: types::Error {
        code: |e| e.code.as_deref().or(e.type_.as_deref()),
        message: |e| e.message.as_deref(),
        request_id: |e| e.request.as_deref(),
        status: |e| e
            .status
            .and_then(|s| u16::try_from(s).ok())
            .and_then(|s| reqwest::StatusCode::from_u16(s).ok()),
    },
    // Charge documents no delete.
    endpoints: {
        create: neutral::create,
        list: neutral::list,
        get: neutral::get,
        set_enabled: crate::endpoints::set_enabled_by_update,
        update: neutral::update,
    },
}

impl<'a> builder::ListWebhookEndpoints<'a> {
    /// Every endpoint, newest first, following the page token of
    /// `next_page_url` (the next page is requested only when the caller has
    /// pulled the current one).
    pub fn stream(self) -> crate::pagination::ItemStream<'a, types::WebhookEndpoint, types::Error> {
        crate::pagination::paginate(
            self,
            crate::pagination::Pager {
                at: Self::page::<String>,
                send: Self::send,
                split: |page: types::WebhookEndpointList| crate::pagination::Page {
                    next: page.next_page_url.as_deref().and_then(page_token),
                    items: page.data,
                },
            },
        )
    }
}

/// The `page` query parameter of a `next_page_url` (absolute or a path).
fn page_token(url: &str) -> Option<String> {
    let base = reqwest::Url::parse("https://api.chargeapi.co/").expect("a valid URL");
    let url = base.join(url).ok()?;
    url.query_pairs()
        .find(|(name, _)| name == "page")
        .map(|(_, value)| value.into_owned())
}

crate::open_enum::open_enum! {
    /// Whether an endpoint receives events.
    pub enum EndpointStatus {
        Enabled = "enabled",
        Disabled = "disabled",
    }
}

/// When an object was created. The page this SDK follows types it as Unix
/// seconds; Charge's newer pages show an RFC 3339 string
/// (`2026-03-03T14:05:23.789Z`). Both parse, and each serialises back as it
/// came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Created {
    /// Seconds since the Unix epoch.
    UnixSeconds(i64),
    /// An RFC 3339 timestamp, kept as sent.
    Rfc3339(String),
}

impl Created {
    /// The instant, whichever form it came in.
    pub fn to_datetime(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        match self {
            Self::UnixSeconds(secs) => chrono::DateTime::from_timestamp(*secs, 0),
            Self::Rfc3339(text) => chrono::DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|t| t.with_timezone(&chrono::Utc)),
        }
    }
}

impl fmt::Display for Created {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnixSeconds(secs) => write!(f, "{secs}"),
            Self::Rfc3339(text) => f.write_str(text),
        }
    }
}

impl Serialize for Created {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::UnixSeconds(secs) => serializer.serialize_i64(*secs),
            Self::Rfc3339(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for Created {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Seconds(i64),
            Text(String),
        }
        match Wire::deserialize(deserializer)? {
            Wire::Seconds(secs) => Ok(Self::UnixSeconds(secs)),
            Wire::Text(text) => match chrono::DateTime::parse_from_rfc3339(&text) {
                Ok(_) => Ok(Self::Rfc3339(text)),
                Err(e) => Err(serde::de::Error::custom(format!(
                    "`created` {text:?} is neither Unix seconds nor RFC 3339: {e}"
                ))),
            },
        }
    }
}

/// The provider-neutral operations (`crate::endpoints`).
#[cfg(feature = "endpoints")]
mod neutral {
    use futures_util::stream::BoxStream;

    use super::{Client, EndpointStatus, types};
    use crate::endpoints::{Endpoint, EndpointUpdate, Error, NewEndpoint, checked, listed};

    pub async fn create(client: &Client, new: NewEndpoint) -> Result<Endpoint, Error> {
        let key = checked("idempotency_key", new.idempotency_key)?;
        let mut request = client.create_webhook_endpoint().body_map(|b| {
            b.url(new.url)
                .enabled_events(new.events)
                .description(new.description)
        });
        if let Some(key) = key {
            request = request.idempotency_key::<types::CreateWebhookEndpointIdempotencyKey>(key);
        }
        let created = request.send().await?;
        Ok(endpoint(created.into_inner()))
    }
    pub fn list(client: &Client) -> BoxStream<'_, Result<Endpoint, Error>> {
        listed(client.list_webhook_endpoints().stream(), endpoint)
    }

    pub async fn get(client: &Client, id: &str) -> Result<Endpoint, Error> {
        let found = client.retrieve_webhook_endpoint().id(id).send().await?;
        Ok(endpoint(found.into_inner()))
    }

    pub async fn update(
        client: &Client,
        id: &str,
        change: EndpointUpdate,
    ) -> Result<Endpoint, Error> {
        let status = change.enabled.map(|enabled| {
            if enabled {
                EndpointStatus::Enabled
            } else {
                EndpointStatus::Disabled
            }
        });
        let updated = client
            .update_webhook_endpoint()
            .id(id)
            .body_map(|b| {
                b.status(status)
                    .enabled_events(change.events.unwrap_or_default())
                    .description(change.description)
            })
            .send()
            .await?;
        Ok(endpoint(updated.into_inner()))
    }

    fn endpoint(e: types::WebhookEndpoint) -> Endpoint {
        Endpoint {
            enabled: e.status != Some(EndpointStatus::Disabled),
            id: e.id,
            url: e.url,
            events: e.enabled_events,
            description: e.description,
            secret: e.secret,
        }
    }
}
