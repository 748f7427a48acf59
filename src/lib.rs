//! rdmatch: adviser–proposal matching, conflict-of-interest checks, coverage
//! and network analytics for research funding programs.
//!
//! ```text
//!  data/*.csv|xlsx ─table─load─► Dataset ──graph──► CollabGraph ─┬─ conflicts ─┐
//!                          │                            └─ network ───┤
//!                          └──text/score──► ScoreMatrix ──────────────┤
//!                                                                     ▼
//!                                   assign (min-cost flow) ──► coverage ──► charts, report
//! ```
//!
//! Each stage is a function from typed inputs to a typed output; defaults
//! live in [`config`]; `cmd` wires stages into the subcommands.

pub mod assign;
pub mod charts;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod conflicts;
pub mod coverage;
pub mod generate;
pub mod graph;
pub mod import;
pub mod load;
pub mod model;
pub mod network;
pub mod report;
pub mod score;
pub mod table;
pub mod text;
