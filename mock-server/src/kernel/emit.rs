//! How the document the mock serves for each contract is made (feature
//! `openapi`; `cargo xtask generate` commits it in `openapi/emitted/`): its
//! handlers' utoipa annotations, the kernel's own answers, the provider's
//! security scheme and the hand-written spec's examples.

use serde_json::Value;

use super::provider::MockProvider;

/// The document the handlers' annotations of `P` make now.
pub fn emit<P: MockProvider>() -> Value {
    let mut spec = P::router().openapi();
    spec.info.title = format!("{} (webhooks-mock)", P::TITLE);
    spec.info.description = Some(format!(
        "The webhook-endpoint API of {} as served by webhooks-mock; the contract is openapi/{}.yaml.",
        P::TITLE,
        P::NAME
    ));
    spec.info.version = env!("CARGO_PKG_VERSION").to_string();
    spec.info.contact = None;
    spec.components
        .get_or_insert_with(Default::default)
        .add_security_scheme(P::SECURITY.name, P::SECURITY.scheme());
    let hand_written: Value = yaml_serde::from_str(P::SPEC).expect("the provider's spec is YAML");
    let mut json = serde_json::to_value(&spec).expect("serialisable");
    add_kernel_responses(&mut json);
    copy_examples(&mut json, &hand_written);
    json
}

/// Declares on every operation the errors the kernel answers before any
/// handler runs, with the provider's error body (that of its 401): 400 for
/// an unknown query parameter, and on operations with a body 413 (over
/// `MAX_BODY_BYTES`) and 415 (not JSON).
fn add_kernel_responses(spec: &mut Value) {
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for op in paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
    {
        let Some(schema) = op
            .pointer("/responses/401/content/application~1json/schema")
            .cloned()
        else {
            continue;
        };
        let content = serde_json::json!({"application/json": {"schema": schema}});
        let with_body = op.get("requestBody").is_some();
        let responses = &mut op["responses"];
        let mut declare = |status: &str, description: &str| {
            if responses.get(status).is_none() {
                responses[status] =
                    serde_json::json!({"description": description, "content": content.clone()});
            }
        };
        declare("400", "A query parameter the operation does not take");
        if with_body {
            declare("413", "The request body is too large");
            declare("415", "The request body is not JSON");
        }
    }
}

/// Copies the hand-written spec's examples (request bodies, responses,
/// parameters) onto the same operations of the emitted document, so the docs
/// page shows the providers' own examples and "Try it out" starts from them.
fn copy_examples(emitted: &mut Value, hand_written: &Value) {
    let resolve = |value: &Value| -> Value {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference
                .strip_prefix('#')
                .and_then(|p| hand_written.pointer(p))
                .cloned()
                .unwrap_or(Value::Null),
            None => value.clone(),
        }
    };
    // A media type's `example`, or its map of named `examples`.
    let json_examples = |value: &Value| {
        let media = resolve(value)
            .pointer("/content/application~1json")
            .cloned()?;
        ["example", "examples"]
            .iter()
            .find_map(|key| media.get(*key).map(|v| (*key, v.clone())))
    };
    for (path, item) in hand_written["paths"].as_object().into_iter().flatten() {
        let shared = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (method, op) in item.as_object().into_iter().flatten() {
            let Some(target) = emitted
                .get_mut("paths")
                .and_then(|p| p.get_mut(path.as_str()))
                .and_then(|i| i.get_mut(method.as_str()))
            else {
                continue;
            };
            if let Some((key, example)) = op.get("requestBody").and_then(json_examples)
                && let Some(content) = target.pointer_mut("/requestBody/content/application~1json")
            {
                content[key] = example;
            }
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                let pointer = format!("/responses/{status}/content/application~1json");
                if let Some((key, example)) = json_examples(response)
                    && let Some(content) = target.pointer_mut(&pointer)
                {
                    content[key] = example;
                }
            }
            let own = op
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for parameter in shared.iter().chain(&own).map(&resolve) {
                let Some(example) = parameter.get("example") else {
                    continue;
                };
                let emitted_params = target.get_mut("parameters").and_then(Value::as_array_mut);
                for emitted_param in emitted_params.into_iter().flatten() {
                    if emitted_param["name"] == parameter["name"]
                        && emitted_param["in"] == parameter["in"]
                    {
                        emitted_param["example"] = example.clone();
                    }
                }
            }
        }
    }
}
