//! A stateful mock of the webhook-endpoint APIs of billing.io, chargeapi.co,
//! Donutwork, meum.io and Commet, faithful to their docs (and to the specs in
//! `openapi/`): what you create can be listed, fetched, updated and deleted,
//! bad input gets each provider's error shape (what a provider's docs do not
//! print is marked `x-inferred` in its spec), and every API key is its own
//! tenant. A test harness too: seeded IDs, a manual clock, expectations,
//! faults, signed deliveries to test receivers with, and fixtures.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use webhooks_mock::{MockServer, Provider};
//!
//! let server = MockServer::start().await?;
//! let base = server.base_url(Provider::BillingIo); // http://127.0.0.1:PORT/billing-io/v1
//! # let _ = base; Ok(()) }
//! ```
//!
//! The [`guide`] has a page per task: starting the mock, the harness,
//! fixtures, deliveries, the command line, the proxy, conformance and
//! performance.
//!
//! At the root: the server and its builder, [`Provider`], and the harness
//! (clock, faults, expectations, the journal); [`deliveries`] holds what
//! signed deliveries are made of, [`app`] the mock as an axum app,
//! [`openapi`] the specs (hand-written and emitted), and `proxy` (feature
//! `proxy`) the validation proxy.
//!
//! Features: `cli` (on by default) is the `webhooks-mock` binary, with
//! `proxy`, `swagger-ui` (the `/docs` page), `tls` (deliveries and the
//! proxy's upstream over HTTPS) and `openapi` (utoipa: making the emitted
//! specs from the handlers' annotations, and reading YAML). A test suite
//! takes `default-features = false`: the in-process mock alone, which
//! serves the emitted specs as they were made.
//!
//! Layout: `kernel/` is what every provider shares and never names one;
//! `providers/<name>/` is one provider's whole story (its `MockProvider`
//! implementation, wire types, handlers and, where documented, signed
//! events); `server.rs` is the mock started in-process.

pub mod app;
pub mod deliveries;
pub mod guide;
mod kernel;
pub mod openapi;
mod providers;
#[cfg(feature = "proxy")]
pub mod proxy;
mod server;

pub use kernel::expect::ExpectationHandle;
pub use kernel::faults::{Fault, FaultKind};
pub use kernel::journal::{JournalEntry, RequestFilter};
pub use providers::Provider;
pub use server::{Clock, MockServer, MockServerBuilder};

/// The crate's own README (its registry page), compiled as doc tests so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadme;
