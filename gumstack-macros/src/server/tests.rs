//! Snapshots of the expansion of the `weather` and `everything` examples, so a
//! change to what the macro generates shows up as a reviewable diff.
//! `UPDATE_SNAPSHOTS=1` rewrites them.

use quote::ToTokens;

fn expand_example(path: &str) -> String {
    let source = std::fs::read_to_string(path).expect("example source");
    let file = syn::parse_file(&source).expect("example parses");
    let mut out = Vec::new();
    for item in file.items {
        let syn::Item::Impl(mut item_impl) = item else {
            continue;
        };
        let Some(at) = item_impl.attrs.iter().position(|a| {
            a.path()
                .segments
                .last()
                .is_some_and(|s| s.ident == "server")
        }) else {
            continue;
        };
        let attr = item_impl.attrs.remove(at);
        let args = match attr.meta {
            syn::Meta::List(list) => list.tokens,
            _ => proc_macro2::TokenStream::new(),
        };
        let expanded = super::expand(args, item_impl.into_token_stream());
        let file: syn::File = syn::parse2(expanded).expect("expansion parses as items");
        out.push(prettyplease::unparse(&file));
    }
    assert!(!out.is_empty(), "no #[gumstack::server] impl in {path}");
    out.join("\n")
}

/// Compare the expansion of `examples/src/bin/<example>.rs` with its snapshot.
fn check_snapshot(example: &str) {
    let root = env!("CARGO_MANIFEST_DIR");
    let actual = expand_example(&format!("{root}/../examples/src/bin/{example}.rs"));
    let snapshot = format!("{root}/snapshots/{example}.expanded.rs");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert!(
        expected == actual,
        "the expansion of examples/src/bin/{example}.rs changed; review it and run \
         `UPDATE_SNAPSHOTS=1 cargo test -p gumstack-macros` to accept:\n{actual}"
    );
}

#[test]
fn weather_expansion_matches_the_snapshot() {
    check_snapshot("weather");
}

/// Resources, templates, subscriptions, prompts, completers and `Context`.
#[test]
fn everything_expansion_matches_the_snapshot() {
    check_snapshot("everything");
}
