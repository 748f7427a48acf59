//! Command-line types (clap derive) and nothing else: stage modules never
//! import clap, and `cmd` turns these into stage inputs.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// rdmatch — match R&D Area Advisers to proposals, check conflicts of
/// interest, and assess how advisers and the collaboration network cover a
/// funding program's R&D areas.
///
/// Exit codes: 0 success (also when stdout is closed early, e.g. `| head`),
/// 1 bad input or failure, 2 usage error, 3 infeasible assignment (the
/// diagnosis is printed), 5 another run holds the output folder's lock.
#[derive(Debug, Parser)]
#[command(name = "rdmatch", version, about, long_about)]
pub struct Cli {
    /// No progress display and no stage log lines on stderr.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a data folder: files, columns, types, IDs, references, encoding.
    /// Prints rows read/accepted/rejected per file and every problem.
    Validate(ValidateArgs),
    /// Run every stage (validate, graph, conflicts, scores, assignment,
    /// network, coverage, charts, reports) into a new run folder OUT/<run-id>/.
    /// Also available as `rdmatch report`.
    #[command(alias = "report")]
    Run(RunArgs),
    /// Write a realistic synthetic data set, with its hidden truth in OUT/truth/.
    Generate(GenerateArgs),
    /// Score every adviser–proposal pair by expertise, with the terms behind each score.
    Score(ScoreArgs),
    /// Measure score quality (recall@5, recall@10, rank correlation) against
    /// the truth that `generate` wrote, for every model and strategy.
    EvalScores(EvalScoresArgs),
    /// List conflicts of interest: every excluded or flagged pair with its reasons.
    Conflicts(ConflictsArgs),
    /// Collaboration network analytics: components, clustering, brokers,
    /// communities, mixing across institutions, sectors and areas.
    Network(NetworkArgs),
    /// Assign advisers to proposals: exact optimum under loads, conflicts and
    /// panel rules, or a diagnosis of why none exists (exit code 3).
    Assign(AssignArgs),
    /// Coverage of each R&D area: experts per proposal, capacity, topic gaps,
    /// portfolio mix, network reach; --previous compares with an earlier run.
    Coverage(CoverageArgs),
    /// Generate a data set of a given size and time every stage (wall time,
    /// peak memory).
    Bench(BenchArgs),
    /// Print the configuration in force (defaults merged with --config) as TOML.
    Config(DataArgs),
    /// Import publication and people records (PubMed, Web of Science,
    /// Scopus, OpenAlex, ORCID, researchmap exports) into a data folder:
    /// authors matched to researchers, works merged into publications.
    Import(ImportArgs),
}

/// Where the data is and how to read it.
#[derive(Debug, Args, Clone)]
pub struct DataArgs {
    /// Folder with institutions.csv, researchers.csv, areas.csv, advisers.csv,
    /// proposals.csv, proposal_members.csv, publications.csv, authorships.csv
    /// and optionally conflicts.csv.
    #[arg(long, default_value = "data/sample")]
    pub data: PathBuf,
    /// Configuration file (TOML). Default: DATA/rdmatch.toml when it exists,
    /// else the built-in defaults (see docs/config.md).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Character encoding of the text files. `auto` reads a BOM as UTF-8 or
    /// UTF-16, then valid UTF-8 as UTF-8, then text that decodes cleanly as
    /// CP932 (Shift_JIS as Windows writes it) as CP932; `validate` prints
    /// what each file was read as.
    #[arg(long, value_enum, default_value_t = EncodingArg::Auto)]
    pub encoding: EncodingArg,
    /// Go on without the rows that have errors and the rows that depend on
    /// them; every row left out is listed (validation.txt, report.html,
    /// report.md, summary.json). Exit code 4 when rows were left out.
    #[arg(long)]
    pub keep_going: bool,
    /// A sentence-transformers model folder (config.json, tokenizer.json,
    /// model.safetensors, 1_Pooling/config.json; a BERT encoder such as
    /// all-MiniLM-L6-v2), run locally: its embedding score is blended with
    /// the lexical one. Overrides `[score] embedding_model`. Vectors are
    /// cached in DATA/.rdmatch-cache/. Needs a build with `--features embedding`.
    #[arg(long, value_name = "DIR")]
    pub embedding_model: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EncodingArg {
    /// Detect: BOM (UTF-8, UTF-16), else UTF-8, else CP932.
    Auto,
    /// UTF-8 (a byte-order mark is accepted).
    #[value(name = "utf8", alias = "utf-8")]
    Utf8,
    /// Shift_JIS, as saved by older Japanese Excel; transcoded on reading.
    #[value(
        name = "shift_jis",
        alias = "sjis",
        alias = "shift-jis",
        alias = "cp932"
    )]
    ShiftJis,
    /// UTF-16 (Excel's "Unicode text"): little-endian unless a BOM says otherwise.
    #[value(name = "utf16", alias = "utf-16")]
    Utf16,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// List at most this many lines of errors and of warnings.
    #[arg(long, default_value_t = 50)]
    pub max_problems: usize,
    /// Also check this locks file (default: DATA/locks.csv or .xlsx when present).
    #[arg(long)]
    pub locks: Option<PathBuf>,
    /// Also check these score files (FILE or FILE:WEIGHT, repeatable), as
    /// `run --scores` would read them.
    #[arg(long = "scores", value_name = "FILE[:W]")]
    pub external: Vec<String>,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Folder to write the data set into (created if needed).
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, default_value_t = 2000)]
    pub researchers: usize,
    #[arg(long, default_value_t = 500)]
    pub proposals: usize,
    #[arg(long, default_value_t = 12)]
    pub areas: usize,
    #[arg(long, default_value_t = 300)]
    pub advisers: usize,
    /// Mean publications per researcher.
    #[arg(long, default_value_t = 5.0)]
    pub pubs_per_researcher: f64,
    /// Same seed, same files (byte for byte).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Write into --out even if it is not empty (files of the same name are replaced).
    #[arg(long)]
    pub force: bool,
    /// Mean affiliations.csv rows per researcher (current post + earlier ones).
    #[arg(long, default_value_t = 1.6)]
    pub affiliations_per_researcher: f64,
    /// relations.csv rows per researcher (advisor/student, supervisor, ...).
    #[arg(long, default_value_t = 0.15)]
    pub relations_per_researcher: f64,
    /// Consortium papers (25 to 300 authors, at most one researcher in 80)
    /// added to publications.csv.
    #[arg(long, default_value_t = 4)]
    pub consortium_papers: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    /// TF-IDF cosine (Toronto Paper Matching System style).
    TfIdf,
    /// Okapi BM25.
    Bm25,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StrategyArg {
    /// One recency-weighted profile per adviser.
    Profile,
    /// Best papers: best + second/2 + third/3.
    TopPapers,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Output CSV: proposal_id,researcher_id,score,text,keywords,area,top_terms,conflict.
    #[arg(long, default_value = "scores.csv")]
    pub out: PathBuf,
    /// Advisers kept per proposal, best first (default: [score] top_n).
    #[arg(long)]
    pub top: Option<usize>,
    /// Every adviser–proposal pair instead of the top N.
    #[arg(long, conflicts_with = "top")]
    pub all_pairs: bool,
    /// Leave pairs a conflict of interest excludes out of the file (and the
    /// top N) instead of marking them in the `conflict` column.
    #[arg(long)]
    pub exclude_conflicts: bool,
    /// Text model (default: [score] model).
    #[arg(long, value_enum)]
    pub model: Option<ModelArg>,
    /// How an adviser's papers become one score (default: [score] strategy).
    #[arg(long, value_enum)]
    pub strategy: Option<StrategyArg>,
    /// Scores computed elsewhere (proposal_id,researcher_id,score in [0,1]),
    /// blended with ours: FILE or FILE:WEIGHT; repeat for several files.
    #[arg(long = "scores", value_name = "FILE[:WEIGHT]")]
    pub external: Vec<String>,
    /// Replace existing files that were not named (e.g. alternates.csv beside
    /// --out) or that are input files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct EvalScoresArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Truth folder written by `rdmatch generate` (default: DATA/truth).
    #[arg(long)]
    pub truth: Option<PathBuf>,
    /// Held-out benchmark on the data's own literature: each researcher
    /// with at least 3 papers has the latest held out as a pseudo-proposal
    /// (and removed from every profile); researchers with at least 2 papers
    /// left are the candidates; prints where the true author ranks (MRR,
    /// recall@1/5/10) per model. Works on an import (no call files needed).
    #[arg(long)]
    pub heldout: bool,
    /// With --heldout: write the held-out call as a data folder (new or
    /// empty) that `rdmatch run --data OUT` reads; the true authors go to
    /// OUT/truth/heldout_authors.csv.
    #[arg(long, value_name = "OUT", requires = "heldout")]
    pub write_call: Option<PathBuf>,
    /// With --heldout: also print a calibration table (share of pairs per
    /// score band whose adviser wrote the paper).
    #[arg(long, requires = "heldout")]
    pub calibration: bool,
    /// With --heldout: measure only this variant (and `default`); see
    /// docs/benchmarks.md for the list.
    #[arg(long, value_name = "NAME", requires = "heldout")]
    pub variant: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConflictsArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Output CSV: proposal_id,researcher_id,excluded,reasons,evidence.
    #[arg(long, default_value = "conflicts.csv")]
    pub out: PathBuf,
    /// Also write the per-proposal two-hop summary here (two_hop.csv
    /// columns); conflicts.csv lists two-hop pairs only with
    /// `[conflicts] two_hop_list = true`.
    #[arg(long, value_name = "FILE")]
    pub two_hop: Option<PathBuf>,
    /// Replace existing files that were not named (e.g. alternates.csv beside
    /// --out) or that are input files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct NetworkArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Output folder for network_summary.json, network_nodes.csv, network.gexf,
    /// vosviewer_map.txt, ...
    #[arg(long, default_value = "network")]
    pub out: PathBuf,
    /// Replace existing files that were not named (e.g. alternates.csv beside
    /// --out) or that are input files.
    #[arg(long)]
    pub force: bool,
    /// Analyse this edge list instead of --data: CSV with a header, first two
    /// columns researcher IDs, optional third a weight (duplicates summed,
    /// self-loops ignored), optional `year` column.
    #[arg(long, value_name = "FILE")]
    pub edges: Option<PathBuf>,
    /// With --edges: node attributes (columns id plus any of label,
    /// institution, sector, area) for the mixing figures and labels.
    #[arg(long, value_name = "FILE", requires = "edges")]
    pub nodes: Option<PathBuf>,
    /// Community detection (default: [network] communities, "leiden").
    #[arg(long, value_enum)]
    pub communities: Option<CommunitiesArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CommunitiesArg {
    /// Leiden (Traag et al. 2019): communities are guaranteed connected.
    Leiden,
    /// Louvain (Blondel et al. 2008).
    Louvain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ObjectiveArg {
    /// Maximise the total score.
    Total,
    /// Raise the weakest proposal first, then the total.
    Fair,
}

#[derive(Debug, Args)]
pub struct AssignArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Standalone form: scores from this file (proposal_id,researcher_id,score)
    /// instead of computing them from --data.
    #[arg(long)]
    pub scores: Option<PathBuf>,
    /// Standalone form: excluded pairs (proposal_id,researcher_id[,reason]).
    #[arg(long, requires = "scores")]
    pub conflicts: Option<PathBuf>,
    /// Pinned pairs: proposal_id,researcher_id,lock (must | must-not), in
    /// both forms. Default with --data: DATA/locks.csv when it exists; a
    /// file named here must exist.
    #[arg(long)]
    pub locks: Option<PathBuf>,
    /// Advisers per proposal (K).
    #[arg(long)]
    pub reviewers_per_proposal: Option<u32>,
    /// Most proposals per adviser, for every adviser: overrides advisers.csv
    /// max_load and [assign] default_max_load (what was in force is printed
    /// and recorded in solver.json).
    #[arg(long)]
    pub max_load: Option<u32>,
    /// Fewest proposals per adviser.
    #[arg(long)]
    pub min_load: Option<u32>,
    #[arg(long, value_enum)]
    pub objective: Option<ObjectiveArg>,
    /// Next-best eligible advisers listed per proposal.
    #[arg(long)]
    pub alternates: Option<usize>,
    /// Keep the pairs of this earlier assignment (a run or assign output
    /// folder, or an assignment.csv) where they still hold; moves only what
    /// the new inputs force ([assign] stability_weight). With --data.
    #[arg(long, value_name = "RUN")]
    pub previous_assignment: Option<PathBuf>,
    /// A PO's edited assignment.xlsx (or a CSV with Proposal, Adviser,
    /// Decision): keep/add become must locks, remove a must-not; every edit
    /// is checked first and each problem named by sheet and row. With --data.
    #[arg(long, value_name = "FILE", conflicts_with = "scores")]
    pub edits: Option<PathBuf>,
    /// Output: a folder with --data; a CSV file path in the standalone form
    /// (loads.csv and alternates.csv are written beside it).
    #[arg(long)]
    pub out: PathBuf,
    /// Replace existing files that were not named (e.g. alternates.csv beside
    /// --out) or that are input files.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub randomize: RandomizeArgs,
}

/// Randomised assignment, shared by `assign` and `run`.
#[derive(Debug, Args, Clone, Default)]
pub struct RandomizeArgs {
    /// Draw the assignment at random from the best distribution whose pair
    /// probabilities are at most --max-probability (Jecmen et al. 2020):
    /// against collusion, and for calls that rotate advisers. Writes
    /// probabilities.csv; the expected score and the largest probability
    /// go to solver.json / summary.json. Overrides [assign] randomize.
    #[arg(long)]
    pub randomize: bool,
    /// Largest probability of any pair, in (0, 1], at most 3 decimals
    /// (default: [assign] max_probability, 0.5).
    #[arg(long, value_name = "Q", requires = "randomize")]
    pub max_probability: Option<f64>,
    /// Seed of the random draw: same seed and inputs, same assignment
    /// (default: [assign] seed, else the top-level seed).
    #[arg(long, value_name = "N", requires = "randomize")]
    pub seed: Option<u64>,
}

#[derive(Debug, Args)]
pub struct CoverageArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[arg(long, default_value = "coverage")]
    pub out: PathBuf,
    /// An earlier coverage output folder (or run folder) to compare with.
    #[arg(long)]
    pub previous: Option<PathBuf>,
    /// Scores computed elsewhere (proposal_id,researcher_id,score in [0,1]),
    /// blended into the text component: FILE or FILE:WEIGHT; repeatable.
    #[arg(long = "scores", value_name = "FILE[:WEIGHT]")]
    pub external: Vec<String>,
    /// Replace existing files that were not named (e.g. alternates.csv beside
    /// --out) or that are input files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Root folder of run folders; each run writes OUT/<run-id>/ and updates OUT/latest.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
    /// The run to compare with (default: OUT/latest).
    #[arg(long)]
    pub previous: Option<PathBuf>,
    #[arg(long, value_enum)]
    pub objective: Option<ObjectiveArg>,
    /// Scores computed elsewhere (proposal_id,researcher_id,score in [0,1]),
    /// blended into the text component: FILE or FILE:WEIGHT; repeatable.
    #[arg(long = "scores", value_name = "FILE[:WEIGHT]")]
    pub external: Vec<String>,
    /// Keep the pairs of this earlier assignment where they still hold
    /// (default: the --previous run's assignment, when it has one).
    #[arg(long, value_name = "RUN")]
    pub previous_assignment: Option<PathBuf>,
    /// Start from no previous assignment (a fresh optimum).
    #[arg(long, conflicts_with = "previous_assignment")]
    pub no_previous_assignment: bool,
    /// Fixed run ID instead of the current time (for reproducible tests).
    #[arg(long, hide = true)]
    pub run_id: Option<String>,
    /// When another run holds OUT's lock, wait for it to finish instead of
    /// failing at once (exit code 5).
    #[arg(long)]
    pub wait: bool,
    /// A PO's edited assignment.xlsx (or CSV), as for `assign --edits`.
    #[arg(long, value_name = "FILE")]
    pub edits: Option<PathBuf>,
    #[command(flatten)]
    pub randomize: RandomizeArgs,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Time the stages on this existing data folder instead of generating one.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Researchers in the generated data set.
    #[arg(long, default_value_t = 100_000)]
    pub researchers: usize,
    #[arg(long, default_value_t = 10_000)]
    pub proposals: usize,
    #[arg(long, default_value_t = 10_000)]
    pub advisers: usize,
    #[arg(long, default_value_t = 30)]
    pub areas: usize,
    /// Keep the generated data here instead of a temporary folder.
    #[arg(long)]
    pub keep: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// MEDLINE text (.nbib/.txt) or PubMed XML (PubmedArticleSet).
    Pubmed,
    /// Web of Science plain-text full record or tab-delimited export.
    Wos,
    /// Scopus CSV export.
    Scopus,
    /// OpenAlex works: JSON array, API page or JSON Lines.
    Openalex,
    /// ORCID record JSON (API v3.0).
    Orcid,
    /// researchmap researcher JSON (WebAPI v2) with its published papers.
    Researchmap,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The export format of the files.
    #[arg(value_enum)]
    pub format: ImportFormat,
    /// Export files to import (one or more).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Data folder to add to (created when absent): researchers.csv,
    /// institutions.csv, publications.csv, authorships.csv, affiliations.csv;
    /// the report goes to DATA/import/.
    #[arg(long)]
    pub data: PathBuf,
    /// Add authors who match no researcher as new researchers, and their
    /// affiliations as institutions (sector guessed, marked as guessed).
    #[arg(long)]
    pub add_unmatched: bool,
    /// A matches.csv (DATA/import/matches.csv) whose researcher_id column a
    /// person has filled: a researcher ID, `new` or `skip` per ambiguous author.
    #[arg(long, value_name = "MATCHES.CSV")]
    pub resolve: Option<PathBuf>,
}
