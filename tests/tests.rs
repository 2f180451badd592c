//! Integration tests: the `jury` binary driven on award folders.

mod util;

mod layers;

mod assign;
mod bad_input;
mod cli;
mod diagnostics;
mod fairness;
mod fuzz;
mod json;
mod properties;
mod reports;
mod scoring;
mod simulate;
mod terminal;
