//! A stateful mock of the five providers’ webhook-endpoint APIs (built in its own issue).
