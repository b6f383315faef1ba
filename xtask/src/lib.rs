//! The project's build tasks: generate the SDK from `openapi/` and check that
//! specs, their examples, the generated code, the inference list and the packages'
//! copies (specs, licenses) agree.
//!
//! Everything takes the repository root as a parameter so the tests can run
//! the checks on a scratch copy.

#[cfg(feature = "codegen")]
pub mod agreement;
pub mod build_cost;
pub mod copies;
#[cfg(feature = "codegen")]
pub mod emitted;
pub mod examples;
#[cfg(feature = "codegen")]
pub mod generate;
pub mod inferred;
#[cfg(feature = "codegen")]
pub mod lenient;
pub mod providers;
pub mod spec;

use std::fmt;
#[cfg(feature = "codegen")]
use std::path::Path;

/// One thing `cargo xtask check` found wrong, with the file it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file at fault, relative to the repository root.
    pub file: String,
    /// What is wrong, in words a person can act on.
    pub message: String,
}

impl Problem {
    /// A problem in `file`.
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

#[cfg(feature = "codegen")]
/// Writes every generated file (the SDK modules and INFERENCES.md's table of
/// inferences) from the specs under `root`.
pub fn generate(root: &Path) -> Result<(), Vec<Problem>> {
    let specs = spec::load_all(root)?;
    let mut problems = Vec::new();
    for loaded in &specs {
        match generate::generate_code(loaded) {
            Ok(code) => {
                let path = root.join(loaded.provider.generated_path());
                if let Err(e) = std::fs::write(&path, code) {
                    problems.push(Problem::new(
                        loaded.provider.generated_path(),
                        format!("cannot write: {e}"),
                    ));
                }
            }
            Err(p) => problems.push(p),
        }
        if let Err(p) = emitted::write(root, loaded) {
            problems.push(p);
        }
    }
    if let Err(p) = inferred::write_readme(root, &specs) {
        problems.push(p);
    }
    problems.extend(copies::write(root));
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(feature = "codegen")]
/// Runs every check over the repository at `root` and returns all the
/// problems found (empty when everything holds).
pub fn check(root: &Path) -> Vec<Problem> {
    let specs = match spec::load_all(root) {
        Ok(specs) => specs,
        Err(problems) => return problems,
    };
    let mut problems = Vec::new();
    for loaded in &specs {
        problems.extend(spec::check_structure(loaded));
        problems.extend(spec::check_operations(loaded));
        problems.extend(examples::check_examples(loaded));
        // Made once: the agreement and the committed file are checked against it.
        match emitted::emit(loaded) {
            Ok(emitted) => {
                problems.extend(agreement::check_agreement(loaded, &emitted));
                problems.extend(emitted::check(root, loaded, &emitted));
            }
            Err(p) => problems.push(p),
        }
        match generate::generate_code(loaded) {
            Ok(code) => problems.extend(generate::compare_with_file(root, loaded, &code)),
            Err(p) => problems.push(p),
        }
    }
    problems.extend(inferred::check_readme(root, &specs));
    problems.extend(copies::check(root));
    problems
}
