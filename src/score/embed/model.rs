//! A sentence-transformers folder run in-process: the tokenizer
//! (`tokenizers`, from `tokenizer.json`) and a BERT encoder
//! (`candle-transformers`, weights from `model.safetensors`), then the
//! pooling of `1_Pooling/config.json` and L2 normalisation. CPU only; no
//! file is fetched and nothing leaves the process.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config as BertConfig};
use rayon::prelude::*;
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

use super::cache::ModelId;
use super::EmbedError;

/// Texts encoded in one forward pass. Texts are sorted by token count
/// first, so a batch pads to about its own length.
const BATCH: usize = 16;

/// How token vectors become one text vector (`1_Pooling/config.json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pooling {
    Mean,
    Cls,
    Max,
}

/// A loaded model, ready to encode.
pub struct Encoder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    pooling: Pooling,
    pub dim: usize,
    pub id: ModelId,
    pub dir: PathBuf,
}

fn read(dir: &Path, name: &str) -> Result<Vec<u8>, EmbedError> {
    let path = dir.join(name);
    std::fs::read(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            EmbedError::Missing {
                dir: dir.to_path_buf(),
                file: name.to_string(),
            }
        } else {
            EmbedError::Io { path, source: e }
        }
    })
}

fn json(dir: &Path, name: &str, bytes: &[u8]) -> Result<serde_json::Value, EmbedError> {
    serde_json::from_slice(bytes).map_err(|e| EmbedError::Invalid {
        path: dir.join(name),
        message: format!("not valid JSON ({e})"),
    })
}

impl Encoder {
    /// Loads the folder `dir` as `SentenceTransformer.save()` writes it:
    /// `config.json` (a BERT encoder), `tokenizer.json`, `model.safetensors`,
    /// `1_Pooling/config.json`, and optionally `sentence_bert_config.json`
    /// (its `max_seq_length` is the truncation length, else the model's
    /// `max_position_embeddings`).
    pub fn load(dir: &Path) -> Result<Encoder, EmbedError> {
        if !dir.is_dir() {
            return Err(EmbedError::NotAFolder(dir.to_path_buf()));
        }
        let config_bytes = read(dir, "config.json")?;
        let config_json = json(dir, "config.json", &config_bytes)?;
        let model_type = config_json
            .get("model_type")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        let archs: Vec<String> = config_json
            .get("architectures")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let bert_like = model_type == "bert"
            || (model_type.is_empty() && archs.iter().any(|a| a.starts_with("Bert")));
        if !bert_like {
            return Err(EmbedError::Architecture {
                path: dir.join("config.json"),
                found: if model_type.is_empty() {
                    format!("architectures {archs:?}")
                } else {
                    format!("model_type \"{model_type}\"")
                },
            });
        }
        let config: BertConfig =
            serde_json::from_value(config_json.clone()).map_err(|e| EmbedError::Invalid {
                path: dir.join("config.json"),
                message: format!("not a BERT configuration the encoder can use ({e})"),
            })?;

        let pooling_name = "1_Pooling/config.json";
        let pooling_bytes = read(dir, pooling_name)?;
        let pj = json(dir, pooling_name, &pooling_bytes)?;
        let flag = |k: &str| pj.get(k).and_then(|v| v.as_bool()).unwrap_or(false);
        let pooling = if flag("pooling_mode_mean_tokens") {
            Pooling::Mean
        } else if flag("pooling_mode_cls_token") {
            Pooling::Cls
        } else if flag("pooling_mode_max_tokens") {
            Pooling::Max
        } else {
            return Err(EmbedError::Invalid {
                path: dir.join(pooling_name),
                message: "no supported pooling mode is true (supported: \
                          pooling_mode_mean_tokens, pooling_mode_cls_token, pooling_mode_max_tokens)"
                    .into(),
            });
        };
        let dim = pj
            .get("word_embedding_dimension")
            .and_then(|v| v.as_u64())
            .and_then(|d| usize::try_from(d).ok())
            .unwrap_or(config.hidden_size);
        if dim != config.hidden_size {
            return Err(EmbedError::Invalid {
                path: dir.join(pooling_name),
                message: format!(
                    "word_embedding_dimension {dim} differs from hidden_size {} in config.json",
                    config.hidden_size
                ),
            });
        }

        let st_name = "sentence_bert_config.json";
        let st_max = match std::fs::read(dir.join(st_name)) {
            Ok(b) => json(dir, st_name, &b)?
                .get("max_seq_length")
                .and_then(|v| v.as_u64())
                .and_then(|d| usize::try_from(d).ok()),
            Err(_) => None,
        };
        let max_tokens = st_max
            .unwrap_or(config.max_position_embeddings)
            .min(config.max_position_embeddings)
            .max(2);

        let tok_bytes = read(dir, "tokenizer.json")?;
        let mut tokenizer = Tokenizer::from_bytes(&tok_bytes).map_err(|e| EmbedError::Invalid {
            path: dir.join("tokenizer.json"),
            message: format!("not a tokenizer the `tokenizers` crate reads ({e})"),
        })?;
        // The file's own truncation and fixed padding (128 in MiniLM's) are
        // replaced, as sentence-transformers does: truncate at max_tokens,
        // pad each batch to its longest text.
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: max_tokens,
                ..Default::default()
            }))
            .map_err(|e| EmbedError::Invalid {
                path: dir.join("tokenizer.json"),
                message: format!("cannot truncate at {max_tokens} tokens ({e})"),
            })?;
        let pad_id = tokenizer.token_to_id("[PAD]").unwrap_or(0);
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            pad_id,
            pad_token: "[PAD]".into(),
            ..Default::default()
        }));

        let weights = read(dir, "model.safetensors")?;
        let max_le = (max_tokens as u64).to_le_bytes();
        let id = ModelId::from_parts([
            config_bytes.as_slice(),
            pooling_bytes.as_slice(),
            tok_bytes.as_slice(),
            weights.as_slice(),
            max_le.as_slice(),
        ]);
        let device = Device::Cpu;
        let vb =
            VarBuilder::from_buffered_safetensors(weights, DType::F32, &device).map_err(|e| {
                EmbedError::Invalid {
                    path: dir.join("model.safetensors"),
                    message: format!("not a safetensors file ({e})"),
                }
            })?;
        let model = BertModel::load(vb, &config).map_err(|e| EmbedError::Invalid {
            path: dir.join("model.safetensors"),
            message: format!(
                "its tensors do not match the BERT encoder that config.json describes ({e})"
            ),
        })?;
        Ok(Encoder {
            model,
            tokenizer,
            device,
            pooling,
            dim,
            id,
            dir: dir.to_path_buf(),
        })
    }

    /// Unit-length vectors of `texts`, in order. Long texts are cut at
    /// the truncation length (`max_seq_length`) tokens. `done(n)` is told after each batch.
    pub fn encode(
        &self,
        texts: &[&str],
        done: &mut dyn FnMut(usize),
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        let infer = |e: String| EmbedError::Inference {
            dir: self.dir.clone(),
            message: e,
        };
        // Token counts first (no padding), to batch texts of similar length.
        let mut unpadded = self.tokenizer.clone();
        unpadded.with_padding(None);
        let lens: Vec<usize> = unpadded
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| infer(e.to_string()))?
            .iter()
            .map(|e| e.len())
            .collect();
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| (lens[i], i));
        // Batches side by side (one per core): inside a batch, candle runs
        // only its matrix products on several threads, so most of a batch
        // (attention softmax, GELU, layer norms) would leave a core idle.
        let chunks: Vec<&[usize]> = order.chunks(BATCH).collect();
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); texts.len()];
        let mut finished = 0;
        for group in chunks.chunks(rayon::current_num_threads().max(1) * 2) {
            let results: Vec<candle_core::Result<Vec<Vec<f32>>>> = group
                .par_iter()
                .map(|chunk| {
                    let batch: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
                    self.encode_batch(&batch)
                })
                .collect();
            for (chunk, vecs) in group.iter().zip(results) {
                let vecs = vecs.map_err(|e| infer(e.to_string()))?;
                for (&i, v) in chunk.iter().zip(vecs) {
                    out[i] = v;
                }
                finished += chunk.len();
            }
            done(finished);
        }
        Ok(out)
    }

    fn encode_batch(&self, texts: &[&str]) -> candle_core::Result<Vec<Vec<f32>>> {
        let enc = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| candle_core::Error::Msg(format!("tokenizer: {e}")))?;
        let n = enc.len();
        let len = enc.first().map_or(0, |e| e.len());
        let mut ids = Vec::with_capacity(n * len);
        let mut mask = Vec::with_capacity(n * len);
        for e in &enc {
            ids.extend_from_slice(e.get_ids());
            mask.extend_from_slice(e.get_attention_mask());
        }
        let ids = Tensor::from_vec(ids, (n, len), &self.device)?;
        let mask = Tensor::from_vec(mask, (n, len), &self.device)?;
        let types = ids.zeros_like()?;
        let hidden = self.model.forward(&ids, &types, Some(&mask))?; // (n, len, dim)
        let maskf = mask.to_dtype(DType::F32)?.unsqueeze(2)?; // (n, len, 1)
        let pooled = match self.pooling {
            Pooling::Mean => {
                let sum = hidden.broadcast_mul(&maskf)?.sum(1)?; // (n, dim)
                let count = maskf.sum(1)?.clamp(1e-9f32, f32::MAX)?; // (n, 1)
                sum.broadcast_div(&count)?
            }
            Pooling::Cls => hidden.narrow(1, 0, 1)?.squeeze(1)?,
            Pooling::Max => {
                // Padding positions pushed far below any real value.
                let neg = ((maskf.ones_like()? - &maskf)? * -1e9f64)?;
                hidden.broadcast_add(&neg)?.max(1)?
            }
        };
        let rows: Vec<Vec<f32>> = pooled.to_vec2()?;
        Ok(rows.into_iter().map(super::normalised).collect())
    }
}
