//! Compile-time promises of gumstack: each `fail/*.rs` must not compile, with the
//! error in its `.stderr`; each `pass/*.rs` must compile.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/fail/*.rs");
    t.pass("tests/pass/*.rs");
}
