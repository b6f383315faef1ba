//! The specs the mock emits, committed in `mock-server/openapi/emitted/`:
//! made here from the handlers' utoipa annotations (the mock's feature
//! `openapi`), served from the committed files by every build of the mock,
//! so a test suite's build compiles no utoipa. `generate` writes them,
//! `check` holds them equal to what the annotations make now.

use std::path::Path;

use serde_json::Value;

use crate::Problem;
use crate::spec::LoadedSpec;

/// Where the emitted spec of a contract is committed, relative to the root.
pub fn path(spec: &LoadedSpec) -> String {
    format!(
        "mock-server/openapi/emitted/{}.json",
        spec.provider.spec_file.trim_end_matches(".yaml")
    )
}

/// What the annotations make now for the spec's contract, or the problem
/// that the mock has no contract of its name.
pub fn emit(spec: &LoadedSpec) -> Result<Value, Problem> {
    let stem = spec.provider.spec_file.trim_end_matches(".yaml");
    webhooks_mock::openapi::emit_for_spec(stem)
        .ok_or_else(|| Problem::new(spec.name(), "the mock has no contract of this name"))
}

/// The committed file's text for `emitted`.
fn text(emitted: &Value) -> String {
    let pretty = serde_json::to_string_pretty(emitted).expect("JSON serialises");
    format!("{pretty}\n")
}

/// Writes the contract's emitted spec.
pub fn write(root: &Path, spec: &LoadedSpec) -> Result<(), Problem> {
    let file = path(spec);
    let text = text(&emit(spec)?);
    std::fs::create_dir_all(root.join(&file).parent().expect("a file in a folder"))
        .and_then(|()| std::fs::write(root.join(&file), text))
        .map_err(|e| Problem::new(&file, format!("cannot write: {e}")))
}

/// A problem if the committed emitted spec differs from `emitted`, what the
/// annotations make now.
pub fn check(root: &Path, spec: &LoadedSpec, emitted: &Value) -> Option<Problem> {
    let file = path(spec);
    match std::fs::read_to_string(root.join(&file)) {
        Ok(committed) if committed == text(emitted) => None,
        Ok(_) => Some(Problem::new(
            &file,
            "differs from what the handlers' annotations emit: run `cargo xtask generate`",
        )),
        Err(e) => Some(Problem::new(
            &file,
            format!("cannot read ({e}): run `cargo xtask generate`"),
        )),
    }
}
