//! The five providers: where their spec and generated module live, and which
//! spec schemas the SDK replaces with hand-written types.

/// A provider the SDK covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provider {
    /// Spec file name under `openapi/`.
    pub spec_file: &'static str,
    /// Rust module name in the SDK (and generated file stem).
    pub module: &'static str,
    /// `(schema name, Rust path)`: named schemas replaced by hand-written
    /// types, for open enums (responses must parse values added later),
    /// redacted secrets, and values whose documented shape varies.
    pub replacements: &'static [(&'static str, &'static str)],
}

impl Provider {
    /// `openapi/<spec_file>`.
    pub fn spec_path(&self) -> String {
        format!("openapi/{}", self.spec_file)
    }

    /// `sdk/src/generated/<module>.rs`.
    pub fn generated_path(&self) -> String {
        format!("sdk/src/generated/{}.rs", self.module)
    }
}

/// Every provider, in the order the README lists them.
pub const PROVIDERS: &[Provider] = &[
    Provider {
        spec_file: "billing-io.yaml",
        module: "billing_io",
        replacements: &[
            ("EventType", "crate::billing_io::EventType"),
            ("WebhookStatus", "crate::billing_io::WebhookStatus"),
            ("ErrorType", "crate::billing_io::ErrorType"),
            ("SigningSecret", "crate::Secret"),
        ],
    },
    Provider {
        spec_file: "chargeapi.yaml",
        module: "chargeapi",
        replacements: &[
            ("EndpointStatus", "crate::chargeapi::EndpointStatus"),
            ("Created", "crate::chargeapi::Created"),
            ("SigningSecret", "crate::Secret"),
        ],
    },
    Provider {
        spec_file: "donutwork.yaml",
        module: "donutwork",
        replacements: &[("WebhookToken", "crate::Secret")],
    },
    Provider {
        spec_file: "meum.yaml",
        module: "meum",
        replacements: &[("SigningSecret", "crate::Secret")],
    },
    Provider {
        spec_file: "commet.yaml",
        module: "commet",
        replacements: &[
            ("EventType", "crate::commet::EventType"),
            ("SigningSecret", "crate::Secret"),
        ],
    },
    Provider {
        spec_file: "commet-2026-08-27.yaml",
        module: "commet_v2026_08_27",
        replacements: &[
            ("EventType", "crate::commet::EventType"),
            ("SigningSecret", "crate::Secret"),
        ],
    },
];
