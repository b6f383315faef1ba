//! Guides: one page per task, each with a complete example (compiled as a
//! doctest).
//!
//! - [`endpoints`]: managing endpoints at each provider with its typed client.
//! - [`any_provider`]: one API for all five ([`AnyClient`](crate::AnyClient), the `Endpoints` trait).
//! - [`errors_and_retries`]: reading any provider's errors; what is retried, and safely.
//! - [`pagination`]: every page of a list as one stream.
//! - [`receiving`]: verifying deliveries (axum or any framework), rotation, replay, typed events.
//! - [`commet_versions`]: Commet's two contracts and the modules that read them.
//! - [`recovery`]: recovering the events a downtime lost (billing.io's event history, `catch_up`, `webhooks events replay`).
//! - [`sync`]: endpoints as code: `webhooks sync` deploys endpoints from a file, without duplicates or lost secrets.
//!
//! Testing all of it without the real APIs is the mock's job: see the
//! guides of the [`webhooks-mock`](https://docs.rs/webhooks-mock) crate.

#[doc = include_str!("../guide/endpoints.md")]
pub mod endpoints {}

#[doc = include_str!("../guide/any_provider.md")]
pub mod any_provider {}

#[doc = include_str!("../guide/errors_and_retries.md")]
pub mod errors_and_retries {}

#[doc = include_str!("../guide/pagination.md")]
pub mod pagination {}

#[doc = include_str!("../guide/receiving.md")]
pub mod receiving {}

#[doc = include_str!("../guide/commet_versions.md")]
pub mod commet_versions {}

#[doc = include_str!("../guide/sync.md")]
pub mod sync {}

#[doc = include_str!("../guide/recovery.md")]
pub mod recovery {}
