//! Typed clients for the webhook-endpoint APIs of five billing and payment
//! providers, generated from hand-written OpenAPI documents with
//! [progenitor](https://docs.rs/progenitor), plus the hand-written parts a
//! client needs: authentication, redacted secrets and open enums.
//!
//! The [`guide`] has a page per task: managing endpoints, one API for all
//! five, errors and retries, pagination, receiving webhooks, Commet's API
//! versions.
//!
//! | module | provider | auth |
//! |---|---|---|
//! | [`billing_io`] | billing.io | `Authorization: Bearer sk_live_…/sk_test_…` |
//! | [`chargeapi`] | chargeapi.co | `Authorization: Bearer ch_sk_live_…/ch_sk_test_…` |
//! | [`donutwork`] | Donutwork | `Authorization: Bearer …` |
//! | [`meum`] | meum.io | `Authorization: Bearer sk_live_…` |
//! | [`commet`] | Commet (the docs page's contract, `Commet-Version: 2026-07-11`) | `x-api-key: …` |
//! | [`commet::v2026_08_27`] | Commet (the current contract, `Commet-Version: 2026-08-27`) | `x-api-key: …` |
//!
//! Each module is a cargo feature of the same name (`billing-io` for
//! `billing_io`), all on by default; HTTPS uses rustls (feature `rustls`).
//!
//! Every client is built the same way, from a base URL and an API key:
//!
//! ```
//! use webhooks_sdk::billing_io;
//!
//! let client = billing_io::Client::with_api_key(billing_io::BASE_URL, "sk_test_…")?;
//! # Ok::<(), webhooks_sdk::BuildError>(())
//! ```
//!
//! The client sends only the headers the provider documents: its auth header
//! (marked sensitive, so it is not logged), `Content-Type`/`Accept`, a
//! `User-Agent` naming this crate, the version header (`Charge-Version`,
//! `Commet-Version`: the module's `API_VERSION` unless you pin another with
//! [`ClientBuilder::api_version`]), and an `Idempotency-Key` on the writes the
//! provider documents it for. Each operation is a builder:
//! `client.<operation>().<parameter>(…).send().await` returns
//! `Result<ResponseValue<T>, Error<E>>`, with `E` the provider's error body;
//! every such error reads the same way through [`ApiError`]
//! (`e.http_status()`, `e.should_retry()`, …). Failed requests
//! are retried when that is safe ([`ClientBuilder::max_retries`]), and every
//! list builder has `.stream()`, an [`ItemStream`] over all its pages.
//!
//! [`AnyClient`] (with [`endpoints::Endpoints`]) is any of them chosen at
//! run time, built with the same settings.
//!
//! Receiving the providers' webhooks is [`receive`]: one verifier type per
//! signing provider (`billing_io::webhook::Webhook`, …) built from one or
//! more secrets, typed events read in a second step that never fails, replay
//! protection, and an axum extractor (feature `axum`).
//!
//! Responses stay readable as providers evolve: unknown fields are ignored,
//! and enums such as event types and statuses have an `Unknown(String)`
//! variant. Secrets (`secret`, `secretKey`, `token`) are [`Secret`]s, which
//! print as `[redacted]` in `Debug` output.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod declare;
mod error;
#[cfg(any(feature = "sync", feature = "billing-io"))]
mod files;
#[cfg(any(
    feature = "billing-io",
    feature = "chargeapi",
    feature = "meum",
    feature = "commet"
))]
mod open_enum;
mod pagination;
mod provider;
mod retry;
mod secret;
#[cfg(feature = "signing")]
mod signature;

#[cfg(feature = "endpoints")]
mod any;
#[cfg(feature = "endpoints")]
#[cfg_attr(docsrs, doc(cfg(feature = "endpoints")))]
pub mod endpoints;
#[cfg(feature = "endpoints")]
#[cfg_attr(docsrs, doc(cfg(feature = "endpoints")))]
pub mod guide;
#[cfg(feature = "signing")]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "billing-io", feature = "meum", feature = "commet")))
)]
pub mod receive;
#[cfg(feature = "sync")]
#[cfg_attr(docsrs, doc(cfg(feature = "sync")))]
pub mod sync;

/// One module per provider, behind the cargo feature of its name.
macro_rules! provider_modules {
    ($($variant:ident => $module:ident, $name:literal, $title:literal;)*) => {
        $(
            #[cfg(feature = $name)]
            #[cfg_attr(docsrs, doc(cfg(feature = $name)))]
            pub mod $module;
        )*
    };
}
provider::each_provider!(provider_modules);

#[cfg(feature = "endpoints")]
#[cfg_attr(docsrs, doc(cfg(feature = "endpoints")))]
pub use any::{AnyClient, AnyClientBuilder, AnyVerifyError, AnyWebhook, verify};
pub use client::{
    BuildError, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT,
    USER_AGENT,
};
pub use error::ApiError;
pub use pagination::ItemStream;
pub use progenitor_client::{Error, ResponseValue};
pub use provider::{Provider, UnknownProvider};
pub use secret::Secret;

/// The README's examples, compiled as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;

/// The crate's own README (its registry page), compiled as doc tests so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadme;
