//! Helpers shared by the macros: doc comments, `Option<T>`, env names.

use syn::{Attribute, Expr, ExprLit, GenericArgument, Lit, Meta, PathArguments, Type};

/// The text of the doc comments, one line per `///`, trimmed; `None` if empty.
pub fn doc_text(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|line| {
            line.strip_prefix(' ')
                .unwrap_or(&line)
                .trim_end()
                .to_owned()
        })
        .collect();
    let text = lines.join("\n").trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// `T` when `ty` is written `Option<T>` (any path ending in `Option`).
pub fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first() {
        Some(GenericArgument::Type(inner)) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

pub const RESERVED_ENV_PREFIXES: [&str; 2] = ["GUMSTACK_", "GUMLOOP_"];

/// Why `name` cannot be an env var name of a credential, if it cannot.
pub fn env_name_problem(name: &str) -> Option<String> {
    if let Some(prefix) = RESERVED_ENV_PREFIXES
        .iter()
        .find(|p| name.to_ascii_uppercase().starts_with(*p))
    {
        return Some(format!(
            "environment variable `{name}` uses the reserved prefix `{prefix}`: gumstack keeps `GUMSTACK_` and `GUMLOOP_` for its own settings; choose another name"
        ));
    }
    let mut chars = name.chars();
    let valid = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    (!valid).then(|| {
        format!("`{name}` is not a valid environment variable name: use letters, digits and `_`, not starting with a digit")
    })
}
