//! Integration tests: one binary, one module per provider.

mod support;

mod billing_io;
mod chargeapi;
mod check_receiver;
mod commet;
mod conformance;
mod contract;
mod deliveries;
mod donutwork;
mod endpoints;
mod fixtures;
mod harness;
mod meum;
mod mock;
mod official_sdks;
mod proxy;
mod receiving;
mod recover;
mod runtime;
mod sdk;
