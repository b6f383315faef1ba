//! What every provider's mock is made of, written once and never naming a
//! provider: errors, extractors, stores and idempotency, paging, URL checks,
//! the journal, injected failures, signed deliveries and the admin API.
//! A provider plugs in through [`provider::MockProvider`] (and
//! [`events::SignedEvents`] where its signing is documented).

pub mod admin;
pub mod app;
pub mod deliveries;
pub mod error;
pub mod events;
pub mod extract;
pub mod faults;
pub mod ids;
pub mod journal;
pub mod paging;
pub mod provider;
pub mod signing;
pub mod store;
pub mod urls;
