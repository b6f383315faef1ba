//! What every provider's mock is made of, written once and never naming a
//! provider, laid out by role: time and IDs (`clock`, `ids`), errors and
//! answers (`error`, `respond`), stored data (`store`, `registry`,
//! `paging`), what a mock records and is asked (`journal`, `expect`,
//! `operations`, `faults`, `deliveries`), one mock's state (`state`, and
//! `env`, the part of it a provider's code is handed), the seam a provider plugs into (`provider`, `signed_events`), what
//! requests meet (`extract`, `layers`, `urls`, `signing`), and serving
//! (`spec`, `admin`, `fixtures`, `app`, `dispatch`, `serve`).
//! A provider plugs in through [`provider::MockProvider`] (and
//! [`signed_events::SignedEvents`] where its signing is documented).

pub mod admin;
pub mod app;
pub mod clock;
pub mod deliveries;
pub mod delivery_types;
pub mod dispatch;
#[cfg(feature = "openapi")]
pub mod emit;
pub mod env;
pub mod error;
pub mod expect;
pub mod extract;
pub mod faults;
pub mod fixtures;
pub mod ids;
pub mod inject;
pub mod journal;
pub mod layers;
pub mod operations;
pub mod paging;
pub mod provider;
pub mod registry;
pub mod render;
pub mod request_log;
pub mod respond;
pub mod routes;
pub mod security;
pub mod serve;
pub mod signed_events;
pub mod signing;
pub mod spec;
pub mod state;
pub mod store;
pub mod urls;
