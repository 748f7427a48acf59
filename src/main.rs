//! The `rdmatch` binary: parse arguments, run one subcommand, print the error
//! chain once and map it to an exit code. All work lives in the library.

use clap::Parser;

use rdmatch::cli::{Cli, Command};
use rdmatch::cmd;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = Cli::parse();
    let q = cli.quiet;
    let result = match &cli.command {
        Command::Validate(a) => cmd::validate::run(a),
        Command::Run(a) => cmd::run::run(a, q),
        Command::Generate(a) => cmd::generate::run(a, q),
        Command::Score(a) => cmd::score::run(a, q),
        Command::EvalScores(a) => cmd::score::eval(a, q),
        Command::Conflicts(a) => cmd::stages::conflicts(a, q),
        Command::Network(a) => cmd::stages::network(a, q),
        Command::Assign(a) => cmd::assign::run(a, q),
        Command::Coverage(a) => cmd::stages::coverage(a, q),
        Command::Bench(a) => cmd::bench::run(a, q),
        Command::Config(a) => cmd::config::run(a),
        Command::Import(a) => cmd::import::run(a, q),
    };
    if let Err(err) = result {
        // The reader of stdout went away (`| head -1`): end quietly, as
        // ripgrep does (exit 0; see the README's exit codes).
        if cmd::is_closed_stdout(&err) {
            std::process::exit(0);
        }
        eprintln!("error: {}", cmd::render_error(&err));
        std::process::exit(cmd::exit_code(&err));
    }
}
