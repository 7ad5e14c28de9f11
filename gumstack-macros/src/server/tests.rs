//! Snapshot of the expansion of the `weather` example, so a change to what the
//! macro generates shows up as a reviewable diff. `UPDATE_SNAPSHOTS=1` rewrites it.

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

#[test]
fn weather_expansion_matches_the_snapshot() {
    let root = env!("CARGO_MANIFEST_DIR");
    let actual = expand_example(&format!("{root}/../examples/src/bin/weather.rs"));
    let snapshot = format!("{root}/snapshots/weather.expanded.rs");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert!(
        expected == actual,
        "the expansion of examples/src/bin/weather.rs changed; review it and run \
         `UPDATE_SNAPSHOTS=1 cargo test -p gumstack-macros` to accept:\n{actual}"
    );
}
