//! Attribute keys, read the same way in every attribute: each key may be set
//! once (a second time is reported at the key), and an unknown key is reported
//! at the key, with what was expected, and its value skipped so that it is the
//! only error (the shape of serde's `Attr::set`).

use std::fmt::Display;

use quote::ToTokens;
use syn::{LitBool, Token, meta::ParseNestedMeta, spanned::Spanned};

use crate::ctxt::Ctxt;

/// One key of an attribute, and its value once set.
pub struct Attr<T> {
    name: &'static str,
    /// Where it is written, for messages: `#[tool]`, `#[cred]`.
    within: &'static str,
    value: Option<T>,
}

impl<T> Attr<T> {
    pub fn none(name: &'static str, within: &'static str) -> Self {
        Self {
            name,
            within,
            value: None,
        }
    }

    /// Set the value read at `key`; a second one is reported there, and the
    /// first is kept.
    pub fn set(&mut self, cx: &mut Ctxt, key: impl ToTokens, value: T) {
        if self.value.is_some() {
            cx.error(
                key,
                format!("duplicate `{}` in `{}`", self.name, self.within),
            );
        } else {
            self.value = Some(value);
        }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    pub fn get(self) -> Option<T> {
        self.value
    }

    pub fn is_set(&self) -> bool {
        self.value.is_some()
    }
}

/// The key of a nested meta (`name` of `name = "..."`), as text.
pub fn key(meta: &ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// A flag's value: `flag` alone is `true`, `flag = false` says so.
pub fn flag(meta: &ParseNestedMeta) -> syn::Result<LitBool> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse()
    } else {
        Ok(LitBool::new(true, meta.path.span()))
    }
}

/// Report `meta`'s key as unknown in `within` (expected: `expected`, plus a
/// hint), and skip its value.
pub fn unknown(
    cx: &mut Ctxt,
    meta: &ParseNestedMeta,
    within: &str,
    expected: impl Display,
    hint: &str,
) -> syn::Result<()> {
    cx.error(
        &meta.path,
        format!(
            "unknown `{within}` key `{}`; expected {expected}{hint}",
            meta.path.to_token_stream()
        ),
    );
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<proc_macro2::TokenStream>()?;
    }
    Ok(())
}

/// The key among `names` that `key` is likely a misspelling of: at most two
/// edits away, or the same once `_` and case are ignored (`readonly`).
pub fn closest<'a>(key: &str, names: &[&'a str]) -> Option<&'a str> {
    let plain = |s: &str| s.replace('_', "").to_ascii_lowercase();
    names
        .iter()
        .copied()
        .map(|name| {
            let d = if plain(name) == plain(key) {
                0
            } else {
                edits(key, name)
            };
            (d, name)
        })
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, name)| name)
}

/// Levenshtein distance.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
}

/// The keys listed as a person reads them: "`a`, `b` or `c`".
pub fn expected(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Read every key of `attr` with `read`; a syntax error is collected in `cx`.
pub fn each(
    cx: &mut Ctxt,
    attr: &syn::Attribute,
    mut read: impl FnMut(&mut Ctxt, ParseNestedMeta) -> syn::Result<()>,
) {
    if matches!(attr.meta, syn::Meta::Path(_)) {
        return;
    }
    let mut errors = Ctxt::default();
    let result = attr.parse_nested_meta(|meta| read(&mut errors, meta));
    cx.append(errors);
    if let Err(e) = result {
        cx.syn_error(e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_keys_find_their_key() {
        let names = ["name", "title", "read_only", "destructive"];
        assert_eq!(closest("readonly", &names), Some("read_only"));
        assert_eq!(closest("Read_Only", &names), Some("read_only"));
        assert_eq!(closest("titel", &names), Some("title"));
        assert_eq!(closest("nmae", &names), Some("name"));
        assert_eq!(closest("subscribe", &names), None);
    }

    #[test]
    fn expected_keys_read_as_a_sentence() {
        assert_eq!(expected(&["a"]), "`a`");
        assert_eq!(expected(&["a", "b"]), "`a` or `b`");
        assert_eq!(expected(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
