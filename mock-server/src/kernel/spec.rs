//! The OpenAPI document the mock serves for each contract, as committed in
//! `openapi/emitted/` (see [`emit`](super::emit) for how it is made).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use super::provider::MockProvider;

/// The OpenAPI document the mock emits for provider `P`, as JSON: read once
/// per process (it is the same for every mock).
pub fn spec<P: MockProvider>() -> Arc<Value> {
    static SPECS: OnceLock<Mutex<HashMap<&'static str, Arc<Value>>>> = OnceLock::new();
    let specs = SPECS.get_or_init(Mutex::default);
    if let Some(spec) = specs.lock().unwrap_or_else(|p| p.into_inner()).get(P::NAME) {
        return spec.clone();
    }
    let spec: Arc<Value> =
        Arc::new(serde_json::from_str(P::EMITTED).expect("the committed emitted spec is JSON"));
    specs
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(P::NAME, spec.clone());
    spec
}
