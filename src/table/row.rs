//! Typed rows: every CSV rdmatch writes is one struct whose fields are its
//! columns, in order. [`table_row!`](crate::table_row) declares the struct
//! and its [`CsvRow::COLUMNS`] from one list, so the header, the cells and the
//! documentation test cannot disagree; [`CsvWriter::serialize`] writes a
//! row through the formula guard and the one float format.
//!
//! Where each struct lives: next to the writer of its file (the stage that
//! owns the data), so a stage's output and its columns change together;
//! `tests/docs.rs` holds each struct's columns to docs/outputs.md.
//!
//! How a field becomes a cell: text through [`neutralise`] (formula guard,
//! negative zero), `f64` through [`num`] (6 decimals, never `-0.000000`,
//! empty when not finite), integers and `bool` as Rust prints them, `None`
//! as an empty cell, a unit enum variant as its (serde) name.
//!
//! [`CsvWriter::serialize`]: super::CsvWriter::serialize
//! [`neutralise`]: super::neutralise
//! [`num`]: super::num

use std::fmt::Display;
use std::io::Write;

use serde::ser::{self, Impossible, Serialize};

/// A row of one output file; `COLUMNS` is its header, the field names in
/// declaration order.
pub trait CsvRow: Serialize {
    const COLUMNS: &'static [&'static str];
}

/// Declares an output row struct and its [`CsvRow`] impl from one field list:
/// the column names are the field names (`stringify!`), so there is no
/// second list to keep in step. Fields are written in declaration order.
///
/// ```text
/// rdmatch::table_row! {
///     /// loads.csv: one row per adviser.
///     pub struct LoadRow<'a> {
///         pub researcher_id: &'a str,
///         pub assigned: usize,
///     }
/// }
/// ```
#[macro_export]
macro_rules! table_row {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident $(<$lt:lifetime>)? {
            $( $(#[$fmeta:meta])* $fvis:vis $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        $vis struct $name $(<$lt>)? {
            $( $(#[$fmeta])* $fvis $field : $ty ),*
        }
        impl $(<$lt>)? $crate::table::CsvRow for $name $(<$lt>)? {
            const COLUMNS: &'static [&'static str] = &[ $( stringify!($field) ),* ];
        }
    };
}

/// Writes the fields of one row as cells of the current record of a
/// `csv::Writer` (the caller ends the record).
pub(super) struct Cells<'w, W: Write> {
    pub(super) out: &'w mut csv::Writer<W>,
}

impl<W: Write> Cells<'_, W> {
    fn cell(&mut self, s: &str) -> csv::Result<()> {
        self.out.write_field(super::neutralise(s).as_bytes())
    }

    fn display(&mut self, v: impl Display) -> csv::Result<()> {
        self.cell(&v.to_string())
    }
}

fn unsupported(what: &str) -> csv::Error {
    ser::Error::custom(format!(
        "a table row cannot hold {what}; use text, a number, a bool or an Option"
    ))
}

impl<'a, 'w, W: Write> ser::Serializer for &'a mut Cells<'w, W> {
    type Ok = ();
    type Error = csv::Error;
    type SerializeSeq = Impossible<(), csv::Error>;
    type SerializeTuple = Impossible<(), csv::Error>;
    type SerializeTupleStruct = Impossible<(), csv::Error>;
    type SerializeTupleVariant = Impossible<(), csv::Error>;
    type SerializeMap = Impossible<(), csv::Error>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), csv::Error>;

    fn serialize_bool(self, v: bool) -> csv::Result<()> {
        self.display(v)
    }
    fn serialize_i8(self, v: i8) -> csv::Result<()> {
        self.display(v)
    }
    fn serialize_i16(self, v: i16) -> csv::Result<()> {
        self.display(v)
    }
    fn serialize_i32(self, v: i32) -> csv::Result<()> {
        self.display(v)
    }
    fn serialize_i64(self, v: i64) -> csv::Result<()> {
        self.display(v)
    }
    fn serialize_u8(self, v: u8) -> csv::Result<()> {
        self.display(v)
    }
    fn serialize_u16(self, v: u16) -> csv::Result<()> {
        self.display(v)
    }
    fn serialize_u32(self, v: u32) -> csv::Result<()> {
        self.display(v)
    }
    fn serialize_u64(self, v: u64) -> csv::Result<()> {
        self.display(v)
    }
    fn serialize_f32(self, v: f32) -> csv::Result<()> {
        self.cell(&super::num(f64::from(v)))
    }
    fn serialize_f64(self, v: f64) -> csv::Result<()> {
        self.cell(&super::num(v))
    }
    fn serialize_char(self, v: char) -> csv::Result<()> {
        self.display(v)
    }
    fn serialize_str(self, v: &str) -> csv::Result<()> {
        self.cell(v)
    }
    fn serialize_bytes(self, _: &[u8]) -> csv::Result<()> {
        Err(unsupported("bytes"))
    }
    fn serialize_none(self) -> csv::Result<()> {
        self.cell("")
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> csv::Result<()> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> csv::Result<()> {
        self.cell("")
    }
    fn serialize_unit_struct(self, _: &'static str) -> csv::Result<()> {
        self.cell("")
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, v: &'static str) -> csv::Result<()> {
        self.cell(v)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> csv::Result<()> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> csv::Result<()> {
        Err(unsupported("an enum variant with data"))
    }
    fn serialize_seq(self, _: Option<usize>) -> csv::Result<Self::SerializeSeq> {
        Err(unsupported("a list (join it into one text cell)"))
    }
    fn serialize_tuple(self, _: usize) -> csv::Result<Self::SerializeTuple> {
        Err(unsupported("a tuple"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> csv::Result<Self::SerializeTupleStruct> {
        Err(unsupported("a tuple struct"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> csv::Result<Self::SerializeTupleVariant> {
        Err(unsupported("an enum variant with data"))
    }
    fn serialize_map(self, _: Option<usize>) -> csv::Result<Self::SerializeMap> {
        Err(unsupported("a map"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> csv::Result<Self> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> csv::Result<Self::SerializeStructVariant> {
        Err(unsupported("an enum variant with data"))
    }
}

impl<W: Write> ser::SerializeStruct for &mut Cells<'_, W> {
    type Ok = ();
    type Error = csv::Error;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        _: &'static str,
        v: &T,
    ) -> csv::Result<()> {
        v.serialize(&mut **self)
    }

    fn end(self) -> csv::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::CsvRow;
    use crate::table::{neutralise, num, read_bytes, CsvWriter, EncodingChoice, ReadOptions};
    use proptest::prelude::*;

    crate::table_row! {
        /// Every kind of cell a row of rdmatch holds.
        struct Sample {
            id: String,
            note: String,
            score: f64,
            share: Option<f64>,
            count: u32,
            flag: bool,
        }
    }

    fn write(rows: &[Sample]) -> Vec<u8> {
        let mut w = CsvWriter::new(Vec::new());
        w.header::<Sample>().unwrap();
        for r in rows {
            w.serialize(r).unwrap();
        }
        w.into_inner().unwrap()
    }

    /// Reads the bytes back through the one reader and the rows through
    /// serde, by the header's names.
    fn read(bytes: &[u8]) -> Vec<Sample> {
        let opts = ReadOptions {
            encoding: EncodingChoice::Auto,
            header: true,
        };
        let t = read_bytes(bytes, &opts).unwrap();
        assert!(t.rejected.is_empty());
        let header = csv::StringRecord::from(t.header.clone());
        t.rows()
            .map(|(row, _)| {
                let rec: csv::StringRecord = row.iter().collect();
                rec.deserialize::<Sample>(Some(&header)).unwrap()
            })
            .collect()
    }

    /// What a row reads back as: text through the formula guard, numbers
    /// through the one float format.
    fn as_written(r: &Sample) -> Sample {
        let f = |x: f64| num(x).parse::<f64>().unwrap();
        Sample {
            id: neutralise(&r.id).into_owned(),
            note: neutralise(&r.note).into_owned(),
            score: f(r.score),
            share: r.share.map(f),
            count: r.count,
            flag: r.flag,
        }
    }

    #[test]
    fn header_is_the_field_names_and_cells_follow_the_rules() {
        let rows = [Sample {
            id: "=cmd".into(),
            note: "a, \"b\"".into(),
            score: -1e-9,
            share: None,
            count: 3,
            flag: true,
        }];
        assert_eq!(
            Sample::COLUMNS,
            ["id", "note", "score", "share", "count", "flag"]
        );
        assert_eq!(
            String::from_utf8(write(&rows)).unwrap(),
            "id,note,score,share,count,flag\n'=cmd,\"a, \"\"b\"\"\",0.000000,,3,true\n"
        );
    }

    fn sample() -> impl Strategy<Value = Sample> {
        let text = "[=+@\\-\ta-z0-9 ,;\"'.é]{0,10}";
        (
            text,
            text,
            -1e6f64..1e6,
            proptest::option::of(-1.0f64..1.0),
            any::<u32>(),
            any::<bool>(),
        )
            .prop_map(|(id, note, score, share, count, flag)| Sample {
                id,
                note,
                score,
                share,
                count,
                flag,
            })
    }

    proptest! {
        /// A row written through CsvWriter and read back through
        /// `table::read` is the same typed row, guarded and in the one float
        /// format.
        #[test]
        fn written_rows_read_back_as_written(rows in proptest::collection::vec(sample(), 1..8)) {
            let back = read(&write(&rows));
            let want: Vec<Sample> = rows.iter().map(as_written).collect();
            prop_assert_eq!(back, want);
        }
    }
}
