//! The `rdmatch` binary: parse arguments, run one subcommand, print the error
//! chain once and map it to an exit code. All work lives in the library.

use clap::Parser;

use rdmatch::cli::{Cli, Command};
use rdmatch::cmd;

fn main() {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Validate(a) => cmd::validate::run(a),
        Command::Config(a) => cmd::config::run(a),
    };
    if let Err(err) = result {
        eprintln!("error: {err:#}");
        std::process::exit(cmd::exit_code(&err));
    }
}
