//! Integration tests: the `jury` binary driven on award folders.

mod util;

mod layers;

mod assign;
mod bad_input;
mod browser;
mod cli;
mod diagnostics;
mod fairness;
mod fuzz;
mod html;
mod init;
mod input;
mod json;
mod properties;
mod reports;
mod scoring;
mod simulate;
mod stamps;
mod terminal;
mod workbooks;
