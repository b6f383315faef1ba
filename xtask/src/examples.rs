//! Every `example` in a spec validates against the schema it illustrates.
//!
//! OpenAPI 3.0 schemas are turned into JSON Schema (draft 4, whose
//! boolean `exclusiveMinimum` they share): `$ref`s inlined, `allOf`s of
//! objects merged, `nullable` turned into a null alternative, and objects
//! closed (`additionalProperties: false`) so a misspelt field in an example
//! is caught too.

use serde_json::Value;

use crate::Problem;
use crate::spec::{LoadedSpec, display_pointer};

/// One example found in a spec, with the schema it must satisfy.
pub struct Example {
    /// JSON pointer of the example value.
    pub pointer: String,
    /// The example itself.
    pub value: Value,
    /// The OpenAPI schema it illustrates (may be a `$ref`).
    pub schema: Value,
    /// Marked `x-placeholder: true`: a docs sample whose strings stand for
    /// values (`"<string>"`), so formats, patterns and lengths do not apply.
    pub placeholder: bool,
}

/// Finds every example in the spec: on media types, parameters and schemas
/// (`example`, and `examples.<name>.value`).
pub fn find_examples(spec: &LoadedSpec) -> Vec<Example> {
    let mut out = Vec::new();
    walk(&spec.json, "", Context::Other, &mut out);
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Context {
    /// A media type, parameter or header object: its example is for `schema`.
    HasSchema,
    /// A schema object: its example is for itself.
    Schema,
    /// A map whose keys are names (`properties`, `paths`, ...), not keywords.
    NameMap,
    Other,
}

fn walk(value: &Value, pointer: &str, context: Context, out: &mut Vec<Example>) {
    let Some(map) = value.as_object() else {
        if let Value::Array(items) = value {
            for (i, item) in items.iter().enumerate() {
                walk(
                    item,
                    &format!("{pointer}/{i}"),
                    array_item_context(context),
                    out,
                );
            }
        }
        return;
    };
    if context != Context::NameMap {
        let schema = match context {
            Context::HasSchema => map.get("schema").cloned(),
            Context::Schema => Some(strip_examples(value)),
            _ => None,
        };
        if let Some(schema) = schema {
            if let Some(example) = map.get("example") {
                out.push(Example {
                    pointer: format!("{pointer}/example"),
                    value: example.clone(),
                    schema: schema.clone(),
                    placeholder: false,
                });
            }
            if let Some(Value::Object(examples)) = map.get("examples") {
                for (name, ex) in examples {
                    if let Some(v) = ex.get("value") {
                        out.push(Example {
                            pointer: format!("{pointer}/examples/{}/value", escape(name)),
                            value: v.clone(),
                            schema: schema.clone(),
                            placeholder: ex.get("x-placeholder") == Some(&Value::Bool(true)),
                        });
                    }
                }
            }
        }
    }
    for (key, child) in map {
        if context != Context::NameMap && (key == "example" || key == "examples") {
            continue;
        }
        let child_pointer = format!("{pointer}/{}", escape(key));
        let next = if context == Context::NameMap {
            name_map_child(pointer)
        } else {
            keyword_child(context, key, child)
        };
        walk(child, &child_pointer, next, out);
    }
}

/// What the values of a name map are, from the map's own location.
fn name_map_child(map_pointer: &str) -> Context {
    let last = map_pointer.rsplit('/').next().unwrap_or("");
    match last {
        "properties" | "schemas" => Context::Schema,
        "parameters" | "headers" | "content" => Context::HasSchema,
        _ => Context::Other,
    }
}

fn keyword_child(context: Context, key: &str, value: &Value) -> Context {
    match (context, key) {
        (_, "properties" | "schemas" | "content" | "headers" | "paths" | "responses") => {
            Context::NameMap
        }
        // A list of parameter objects in an operation, a map of them in components.
        (_, "parameters") if value.is_object() => Context::NameMap,
        (_, "parameters") => Context::Other,
        (_, "schema" | "items" | "additionalProperties" | "not") => Context::Schema,
        (Context::Schema, "allOf" | "oneOf" | "anyOf") => Context::Schema,
        (_, _) => Context::Other,
    }
}

fn array_item_context(parent: Context) -> Context {
    match parent {
        Context::Schema => Context::Schema,
        // Items of a `parameters` list are parameter objects.
        _ => Context::HasSchema,
    }
}

fn strip_examples(schema: &Value) -> Value {
    let mut copy = schema.clone();
    if let Some(map) = copy.as_object_mut() {
        map.remove("example");
        map.remove("examples");
    }
    copy
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Validates every example in the spec against its schema.
pub fn check_examples(spec: &LoadedSpec) -> Vec<Problem> {
    let name = spec.name();
    let mut problems = Vec::new();
    for example in find_examples(spec) {
        let where_ = display_pointer(&example.pointer);
        let checked = if example.placeholder {
            validate_shape(spec, &example.schema, &example.value)
        } else {
            validate(spec, &example.schema, &example.value)
        };
        if let Err(errors) = checked {
            for error in errors {
                problems.push(Problem::new(
                    &name,
                    format!("example at {where_} does not match its schema{error}"),
                ));
            }
        }
    }
    problems
}

/// Checks `instance` against an OpenAPI schema of `spec` (closed: unknown
/// fields fail). Each error reads `" (at /pointer inside it): why"`.
pub fn validate(spec: &LoadedSpec, schema: &Value, instance: &Value) -> Result<(), Vec<String>> {
    let schema = to_json_schema(spec, schema).map_err(|e| vec![format!(": {e}")])?;
    validate_json(&schema, instance)
}

/// [`validate`] for a placeholder skeleton: each placeholder is exempt only
/// from what it breaks (a string like `"<string>"` from the string
/// constraints, `null` from the type and enum, however the schema spells
/// them, `[]` from `minItems`);
/// fields, required ones and every other value must fit.
pub fn validate_shape(
    spec: &LoadedSpec,
    schema: &Value,
    instance: &Value,
) -> Result<(), Vec<String>> {
    let mut schema = to_json_schema(spec, schema).map_err(|e| vec![format!(": {e}")])?;
    drop_string_constraints(&mut schema);
    validate_json_except(&schema, instance, placeholder_breaks)
}

/// Whether `error` is one a placeholder value makes by standing in for a value.
fn placeholder_breaks(error: &jsonschema::ValidationError) -> bool {
    use jsonschema::error::ValidationErrorKind as Kind;
    match (error.instance().as_ref(), error.kind()) {
        (
            Value::Null,
            Kind::Type { .. } | Kind::Enum { .. } | Kind::OneOfNotValid { .. } | Kind::AnyOf { .. },
        ) => true,
        (Value::Array(items), Kind::MinItems { .. }) => items.is_empty(),
        _ => false,
    }
}

fn drop_string_constraints(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            for key in ["format", "pattern", "minLength", "maxLength"] {
                map.remove(key);
            }
            for (key, child) in map.iter_mut() {
                match (key.as_str(), child) {
                    // A map of field names to schemas: each value is a schema.
                    ("properties", Value::Object(fields)) => {
                        fields.values_mut().for_each(drop_string_constraints)
                    }
                    (_, child) => drop_string_constraints(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(drop_string_constraints),
        _ => {}
    }
}

fn validate_json(schema: &Value, instance: &Value) -> Result<(), Vec<String>> {
    validate_json_except(schema, instance, |_| false)
}

fn validate_json_except(
    schema: &Value,
    instance: &Value,
    excused: fn(&jsonschema::ValidationError) -> bool,
) -> Result<(), Vec<String>> {
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| vec![format!(": the schema does not compile: {e}")])?;
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .filter(|error| !excused(error))
        .map(|error| {
            let at = error.instance_path().to_string();
            if at.is_empty() {
                format!(": {error}")
            } else {
                format!(" (at {at} inside it): {error}")
            }
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Turns an OpenAPI 3.0 schema into a self-contained, closed JSON Schema.
pub fn to_json_schema(spec: &LoadedSpec, schema: &Value) -> Result<Value, String> {
    webhooks_mock::openapi::to_json_schema(&spec.json, schema, "", true)
}
