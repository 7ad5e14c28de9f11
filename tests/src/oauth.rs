//! The scripted OAuth client and browser now live in gumstack's testing kit.

pub use gumstack::testing::client::*;
