//! Files a package must carry that live once at the repository root: the
//! specs the mock embeds (`openapi/` stays the single source of truth; the
//! mock crate gets a copy so it packages and builds from its tarball) and
//! the license texts. `generate` writes the copies, `check` holds them identical.

use std::path::Path;

use crate::Problem;
use crate::providers::PROVIDERS;

/// The packages that carry copies.
const PACKAGES: [&str; 2] = ["sdk", "mock-server"];

/// The license texts every package carries.
const LICENSES: [&str; 2] = ["LICENSE-MIT", "LICENSE-APACHE"];

/// `(source, copy)` paths, relative to the root.
pub fn copies() -> Vec<(String, String)> {
    let specs = PROVIDERS.iter().map(|p| {
        (
            p.spec_path(),
            format!("mock-server/openapi/{}", p.spec_file),
        )
    });
    let licenses = PACKAGES.iter().flat_map(|package| {
        LICENSES
            .iter()
            .map(move |license| (license.to_string(), format!("{package}/{license}")))
    });
    specs.chain(licenses).collect()
}

/// Writes every copy from its source.
pub fn write(root: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (source, copy) in copies() {
        let written =
            std::fs::create_dir_all(root.join(&copy).parent().expect("a file in a folder"))
                .and_then(|()| std::fs::copy(root.join(&source), root.join(&copy)));
        if let Err(e) = written {
            problems.push(Problem::new(
                &copy,
                format!("cannot copy from {source}: {e}"),
            ));
        }
    }
    problems
}

/// A problem for every copy that is missing or differs from its source.
pub fn check(root: &Path) -> Vec<Problem> {
    copies()
        .into_iter()
        .filter_map(|(source, copy)| {
            let original = std::fs::read(root.join(&source));
            let copied = std::fs::read(root.join(&copy));
            match (original, copied) {
                (Ok(a), Ok(b)) if a == b => None,
                (Ok(_), Ok(_)) => Some(Problem::new(
                    &copy,
                    format!("differs from {source}: run `cargo xtask generate`"),
                )),
                (Err(e), _) => Some(Problem::new(&source, format!("cannot read: {e}"))),
                (_, Err(_)) => Some(Problem::new(
                    &copy,
                    format!("missing (a copy of {source}): run `cargo xtask generate`"),
                )),
            }
        })
        .collect()
}
