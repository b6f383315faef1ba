//! Guides: one page per task, each with a complete example (compiled as a
//! doctest).
//!
//! - [`starting`]: the mock in-process, as a binary, in a container.
//! - [`harness`]: seeded IDs, a manual clock, the journal, expectations, faults.
//! - [`fixtures`]: endpoints and events set up declaratively.
//! - [`deliveries`]: signed deliveries to your receiver, retried, duplicated, resent.
//! - [`check_receiver`]: grading your receiver, in any language, in CI.
//! - [`command_line`]: `send`, `trigger`, `healthcheck`, JSON for scripts.
//! - [`proxy`]: checking the specs' guesses against a live API.
//! - [`conformance`]: how the mock is held to the specs (the fuzzer, the tests).
//! - [`performance`]: what the mock costs to build, start and answer.

#[doc = include_str!("../guide/starting.md")]
pub mod starting {}

#[doc = include_str!("../guide/harness.md")]
pub mod harness {}

#[doc = include_str!("../guide/fixtures.md")]
pub mod fixtures {}

#[doc = include_str!("../guide/deliveries.md")]
pub mod deliveries {}

#[doc = include_str!("../guide/check_receiver.md")]
pub mod check_receiver {}

#[doc = include_str!("../guide/command_line.md")]
pub mod command_line {}

#[doc = include_str!("../guide/proxy.md")]
pub mod proxy {}

#[doc = include_str!("../guide/conformance.md")]
pub mod conformance {}

#[doc = include_str!("../guide/performance.md")]
pub mod performance {}
