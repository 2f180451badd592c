//! Integration tests: the `jury` binary driven on award folders.

mod util;

mod layers;

mod bad_input;
mod diagnostics;
mod fairness;
mod fuzz;
mod properties;
mod reports;
mod scoring;
mod simulate;
