//! The table layer: how every table rdmatch reads or writes becomes rows.
//!
//! - [`decode`]: bytes → text (UTF-8 with or without BOM, UTF-16 with a BOM,
//!   CP932), every line ending turned into LF.
//! - [`read`]: text or an `.xlsx` workbook → a [`RawTable`] of cells with the
//!   position of every row, the delimiter detected from the header line, and
//!   the rows that could not be split into the header's columns.
//! - [`stream`]: a text table row by row, for exports larger than what is
//!   kept of them.
//! - [`write`]: the one CSV writer (formula guard, one float format).
//! - [`row`]: typed output rows; each file rdmatch writes is one
//!   [`table_row!`](crate::table_row) struct declared next to its writer
//!   (the stage that owns the data), whose field names are its columns.
//! - [`typed`]: typed input rows; each file rdmatch reads outside the data
//!   folder is one [`read_row!`](crate::read_row) struct declared next to
//!   its reader, found in a header by name or alias ([`typed::Layout`]).
//!
//! What the cells mean is decided by the callers' typed rows: `load::rows`
//! for the data folder, `load::locks` for locks, `score::score_file` for
//! score files, and so on.

pub mod decode;
pub mod read;
pub mod row;
pub mod stream;
pub mod typed;
pub mod write;
mod xlsx;

pub use decode::{Encoding, EncodingChoice};
pub use read::{
    is_workbook, read_bytes, read_path, read_path_all, Delimiter, Format, Position, RawTable,
    ReadOptions, RejectedRow, TableError,
};
pub use row::CsvRow;
pub use typed::{InputRow, Layout, Names};
pub use write::{neutralise, num, CsvWriter};
