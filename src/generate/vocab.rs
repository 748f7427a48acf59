//! Built-in medical vocabulary for the synthetic data generator.
//!
//! Owns the word lists only (no randomness, no I/O): R&D area themes with
//! their subject terms (diseases, organs, cell types, targets) and Japanese
//! terms, the shared method terms that make areas overlap, names of people
//! and places, and filler words for titles. `world` and `text` draw from it.
//!
//! No term contains `;` or `,` because keyword lists are `;`-separated and
//! shorter cells read better.

/// One R&D area theme: an English name, a one-line focus used in the
/// description, subject terms specific to the theme, and Japanese terms used
/// in Japanese-language titles.
pub struct Theme {
    pub name: &'static str,
    pub focus: &'static str,
    pub subjects: &'static [&'static str],
    pub japanese: &'static [&'static str],
}

/// Themes in the order areas take them (area `i < THEMES.len()` uses theme
/// `i`; further areas blend two themes).
pub const THEMES: &[Theme] = &[
    Theme {
        name: "Cancer immunotherapy",
        focus: "harnessing the immune system against tumours",
        subjects: &[
            "immune checkpoint", "PD-1", "PD-L1", "CTLA-4", "tumor microenvironment", "T cell exhaustion",
            "neoantigen", "tumor-infiltrating lymphocytes", "regulatory T cells", "melanoma",
            "non-small cell lung cancer", "cancer vaccine", "NK cells", "cytokine release syndrome",
            "tertiary lymphoid structures", "myeloid-derived suppressor cells", "dendritic cells",
            "immune-related adverse events", "bispecific antibody", "TCR repertoire",
        ],
        japanese: &["がん", "免疫", "がん免疫療法", "免疫チェックポイント", "腫瘍微小環境"],
    },
    Theme {
        name: "Neurodegeneration",
        focus: "understanding and halting the loss of neurons",
        subjects: &[
            "Alzheimer's disease", "Parkinson's disease", "amyotrophic lateral sclerosis", "amyloid beta",
            "tau", "alpha-synuclein", "TDP-43", "microglia", "astrocytes", "synaptic loss",
            "neuroinflammation", "dementia", "blood-brain barrier", "protein aggregation",
            "dopaminergic neurons", "cerebrospinal fluid biomarkers", "Huntington's disease",
            "frontotemporal dementia", "hippocampus", "mild cognitive impairment",
        ],
        japanese: &["神経変性", "認知症", "アルツハイマー病", "パーキンソン病", "神経炎症"],
    },
    Theme {
        name: "Regenerative medicine",
        focus: "restoring tissue and organ function with cells and biomaterials",
        subjects: &[
            "stem cell niche", "mesenchymal stem cells", "cardiomyocytes", "tissue engineering", "cell sheet",
            "hematopoietic stem cells", "retinal pigment epithelium", "cartilage repair",
            "spinal cord injury", "liver regeneration", "pluripotency", "directed differentiation",
            "cell transplantation", "biomaterial scaffold", "cellular reprogramming", "corneal endothelium",
            "pancreatic beta cells", "muscle satellite cells",
        ],
        japanese: &["再生医療", "幹細胞", "細胞移植", "組織工学", "iPS細胞"],
    },
    Theme {
        name: "Gut microbiome and metabolic disease",
        focus: "the gut ecosystem and its control of host metabolism",
        subjects: &[
            "gut microbiome", "intestinal epithelium", "short-chain fatty acids", "bile acids",
            "inflammatory bowel disease", "obesity", "type 2 diabetes", "insulin resistance",
            "fecal microbiota transplantation", "probiotics", "dysbiosis", "mucosal immunity",
            "Crohn's disease", "ulcerative colitis", "nonalcoholic steatohepatitis", "metabolic syndrome",
            "enteroendocrine cells", "brown adipose tissue",
        ],
        japanese: &["腸内細菌", "代謝", "肥満", "糖尿病", "腸内環境"],
    },
    Theme {
        name: "Infectious diseases and vaccines",
        focus: "preparedness against emerging and drug-resistant pathogens",
        subjects: &[
            "SARS-CoV-2", "influenza virus", "antimicrobial resistance", "tuberculosis", "HIV",
            "hepatitis B virus", "neutralizing antibodies", "mRNA vaccine", "vaccine adjuvant",
            "host-pathogen interaction", "innate immunity", "viral replication", "bacterial biofilm",
            "malaria", "zoonosis", "pandemic preparedness", "dengue virus", "antiviral drugs",
        ],
        japanese: &["感染症", "ワクチン", "ウイルス", "薬剤耐性菌", "新興感染症"],
    },
    Theme {
        name: "Cardiovascular disease",
        focus: "preventing and treating diseases of the heart and vessels",
        subjects: &[
            "heart failure", "atherosclerosis", "atrial fibrillation", "myocardial infarction",
            "cardiac fibrosis", "endothelial dysfunction", "hypertension", "vascular smooth muscle",
            "cardiomyopathy", "coronary artery disease", "arrhythmia", "pulmonary hypertension",
            "aortic aneurysm", "lipoprotein metabolism", "cardiomyocytes", "cardiac regeneration",
        ],
        japanese: &["心不全", "循環器疾患", "動脈硬化", "不整脈", "心筋梗塞"],
    },
    Theme {
        name: "AI-driven diagnostic imaging",
        focus: "earlier and more accurate diagnosis from medical images",
        subjects: &[
            "computed tomography", "magnetic resonance imaging", "ultrasound imaging", "radiomics",
            "computer-aided diagnosis", "endoscopy", "digital pathology", "whole-slide images",
            "image segmentation", "early detection", "lung nodules", "mammography", "diffusion MRI",
            "fundus photography", "explainable AI", "image reconstruction",
        ],
        japanese: &["画像診断", "人工知能", "内視鏡", "病理診断", "医用画像"],
    },
    Theme {
        name: "Gene and nucleic acid therapy",
        focus: "correcting disease at the level of genes and transcripts",
        subjects: &[
            "adeno-associated virus", "gene therapy", "siRNA", "lipid nanoparticles", "base editing",
            "prime editing", "exon skipping", "Duchenne muscular dystrophy", "spinal muscular atrophy",
            "hemophilia", "inherited retinal dystrophy", "off-target effects", "delivery vector",
            "splicing modulation", "rare diseases", "inherited metabolic disorders",
        ],
        japanese: &["遺伝子治療", "核酸医薬", "希少疾患", "ゲノム編集", "筋ジストロフィー"],
    },
    Theme {
        name: "Aging and healthy longevity",
        focus: "extending healthy life expectancy",
        subjects: &[
            "cellular senescence", "senolytics", "mitochondrial dysfunction", "NAD+ metabolism",
            "autophagy", "frailty", "sarcopenia", "telomere attrition", "epigenetic clock", "inflammaging",
            "caloric restriction", "healthy life expectancy", "stem cell exhaustion", "osteoporosis",
            "proteostasis",
        ],
        japanese: &["老化", "健康寿命", "サルコペニア", "細胞老化", "フレイル"],
    },
    Theme {
        name: "Autoimmunity and allergy",
        focus: "restoring immune tolerance in chronic inflammatory disease",
        subjects: &[
            "rheumatoid arthritis", "systemic lupus erythematosus", "atopic dermatitis", "asthma",
            "food allergy", "autoantibodies", "type I interferon", "Th17 cells", "IgE", "mast cells",
            "B cell tolerance", "multiple sclerosis", "psoriasis", "JAK inhibitors", "innate lymphoid cells",
            "regulatory T cells",
        ],
        japanese: &["自己免疫疾患", "アレルギー", "関節リウマチ", "炎症", "免疫寛容"],
    },
    Theme {
        name: "Mental health and neurodevelopment",
        focus: "the biology of the mind and its disorders",
        subjects: &[
            "major depression", "schizophrenia", "autism spectrum disorder", "bipolar disorder",
            "neural circuits", "prefrontal cortex", "stress response", "sleep regulation", "addiction",
            "neurodevelopmental disorders", "synaptic plasticity", "oxytocin", "social behavior",
            "anxiety disorders", "attention deficit hyperactivity disorder", "hippocampus",
        ],
        japanese: &["精神疾患", "うつ病", "睡眠", "神経回路", "発達障害"],
    },
    Theme {
        name: "Drug discovery and structural biology",
        focus: "finding and optimising new medicines from molecular structure",
        subjects: &[
            "target identification", "small molecules", "protein-protein interaction", "drug repurposing",
            "high-throughput screening", "GPCR", "kinase inhibitors", "structure-based drug design",
            "pharmacokinetics", "drug toxicity", "targeted protein degradation", "covalent inhibitors",
            "peptide drugs", "antibody-drug conjugate", "ion channels", "bispecific antibody",
        ],
        japanese: &["創薬", "構造生物学", "低分子化合物", "薬物動態", "抗体医薬"],
    },
    Theme {
        name: "Chronic kidney and liver disease",
        focus: "fibrosis and failure of the kidney and liver",
        subjects: &[
            "chronic kidney disease", "acute kidney injury", "podocytes", "renal tubules",
            "diabetic nephropathy", "liver fibrosis", "hepatocytes", "hepatic stellate cells", "cirrhosis",
            "dialysis", "glomerulonephritis", "polycystic kidney disease", "hepatocellular carcinoma",
            "nonalcoholic steatohepatitis", "organ fibrosis",
        ],
        japanese: &["腎臓病", "肝疾患", "線維化", "透析", "肝がん"],
    },
    Theme {
        name: "Cancer genomics and early detection",
        focus: "reading tumour genomes to detect and treat cancer early",
        subjects: &[
            "circulating tumor DNA", "somatic mutations", "tumor heterogeneity", "clonal evolution",
            "pancreatic cancer", "colorectal cancer", "gastric cancer", "breast cancer", "hereditary cancer",
            "cancer screening", "DNA methylation", "tumor mutational burden", "driver genes", "leukemia",
            "precision oncology", "cancer stem cells",
        ],
        japanese: &["がんゲノム", "早期診断", "膵臓がん", "胃がん", "大腸がん"],
    },
    Theme {
        name: "Maternal, child and reproductive health",
        focus: "healthy pregnancy, birth and childhood",
        subjects: &[
            "preeclampsia", "preterm birth", "placenta", "infertility", "embryo development", "germ cells",
            "fetal growth restriction", "neonatal care", "congenital anomalies",
            "developmental origins of health and disease", "endometriosis",
            "assisted reproductive technology", "pediatric cancer", "neurodevelopmental disorders",
        ],
        japanese: &["周産期", "生殖医療", "小児疾患", "胎盤", "不妊症"],
    },
    Theme {
        name: "Medical devices and digital health",
        focus: "devices and data that bring care to the patient",
        subjects: &[
            "wearable sensors", "remote monitoring", "telemedicine", "electronic health records",
            "closed-loop system", "implantable device", "biosensor", "rehabilitation robotics",
            "brain-computer interface", "point-of-care testing", "mobile health app", "real-world data",
            "clinical decision support", "heart failure",
        ],
        japanese: &["医療機器", "デジタルヘルス", "ウェアラブル", "遠隔医療", "医療データ"],
    },
    Theme {
        name: "Musculoskeletal and sensory disorders",
        focus: "bones, joints, muscles and the senses",
        subjects: &[
            "osteoarthritis", "bone metabolism", "osteoclasts", "tendon repair", "intervertebral disc",
            "hearing loss", "cochlear hair cells", "glaucoma", "age-related macular degeneration", "retina",
            "myopia", "skin barrier", "wound healing", "muscle atrophy", "osteoporosis",
        ],
        japanese: &["運動器", "骨代謝", "感覚器", "網膜", "難聴"],
    },
    Theme {
        name: "Respiratory disease and fibrosis",
        focus: "chronic and acute diseases of the lung",
        subjects: &[
            "idiopathic pulmonary fibrosis", "chronic obstructive pulmonary disease", "alveolar epithelium",
            "airway inflammation", "lung cancer", "interstitial lung disease", "cystic fibrosis",
            "mucociliary clearance", "acute respiratory distress syndrome", "pulmonary surfactant",
            "asthma", "organ fibrosis",
        ],
        japanese: &["呼吸器疾患", "肺線維症", "気道炎症", "肺がん", "慢性閉塞性肺疾患"],
    },
    Theme {
        name: "Epidemiology and public health",
        focus: "population evidence for prevention and health policy",
        subjects: &[
            "health disparities", "lifestyle factors", "air pollution", "dietary patterns",
            "physical activity", "all-cause mortality", "risk prediction", "health economics",
            "suicide prevention", "vaccination coverage", "social determinants of health",
            "dementia prevention", "screening programs", "frailty",
        ],
        japanese: &["公衆衛生", "疫学", "予防医学", "健康格差", "生活習慣病"],
    },
    Theme {
        name: "Hematology and cell therapy",
        focus: "blood diseases and engineered cell medicines",
        subjects: &[
            "acute myeloid leukemia", "multiple myeloma", "lymphoma", "hematopoiesis", "bone marrow niche",
            "graft-versus-host disease", "stem cell transplantation", "thrombosis", "anemia",
            "clonal hematopoiesis", "chimeric antigen receptor", "platelets", "myelodysplastic syndromes",
            "hematopoietic stem cells",
        ],
        japanese: &["血液疾患", "白血病", "細胞治療", "造血幹細胞", "骨髄腫"],
    },
];

/// Method terms shared by all areas: topics of different areas draw from
/// this list, which is what makes areas overlap.
pub const METHODS: &[&str] = &[
    "single-cell RNA sequencing", "spatial transcriptomics", "CRISPR screening", "genome editing",
    "organoid", "iPS cells", "cryo-EM", "X-ray crystallography", "deep learning", "machine learning",
    "PET imaging", "metagenomics", "CAR-T", "liquid biopsy", "antisense oligonucleotide",
    "mass spectrometry", "proteomics", "metabolomics", "lipidomics", "cohort study",
    "randomized controlled trial", "whole-genome sequencing", "exome sequencing",
    "genome-wide association study", "Mendelian randomization", "epigenomics", "ATAC-seq", "ChIP-seq",
    "long-read sequencing", "multi-omics integration", "mouse model", "zebrafish model",
    "nonhuman primate model", "patient-derived xenograft", "flow cytometry", "mass cytometry",
    "two-photon microscopy", "super-resolution microscopy", "optogenetics", "chemogenetics",
    "electrophysiology", "calcium imaging", "live imaging", "lineage tracing", "TCR sequencing",
    "monoclonal antibody", "nanoparticle delivery", "drug delivery system", "biomarker discovery",
    "clinical trial", "real-world evidence", "natural language processing", "large language model",
    "federated learning", "computational modeling", "network analysis", "bioinformatics",
    "protein structure prediction", "molecular docking", "molecular dynamics", "high-content imaging",
    "microfluidics", "organ-on-a-chip", "3D bioprinting", "extracellular vesicles", "RNA-seq",
    "knockout mice", "humanized mice", "immunohistochemistry", "biobank", "causal inference",
    "survival analysis", "phase I trial", "pharmacogenomics", "wearable device", "mRNA technology",
    "viral vector", "phage display", "glycomics", "spatial proteomics", "MRI", "immunoprofiling",
];

/// Japanese method words for Japanese-language titles (`〇〇における××の解析`).
pub const METHODS_JA: &[&str] = &[
    "シングルセル解析", "ゲノム編集", "オルガノイド", "iPS細胞", "クライオ電子顕微鏡", "深層学習", "機械学習",
    "質量分析", "コホート研究", "臨床試験", "遺伝子発現解析", "マウスモデル", "バイオマーカー",
    "ドラッグデリバリー", "空間トランスクリプトーム", "マルチオミクス解析", "画像解析", "リキッドバイオプシー",
];

/// Japanese regions of the prefectures used for institutions.
pub const REGIONS: &[&str] = &["Hokkaido", "Tohoku", "Kanto", "Chubu", "Kansai", "Chugoku", "Shikoku", "Kyushu"];

/// Japanese cities: (name, index into [`REGIONS`], weight). Weights give
/// Tokyo and Osaka most institutions, as in reality.
pub const JP_CITIES: &[(&str, usize, f64)] = &[
    ("Sapporo", 0, 3.0), ("Asahikawa", 0, 1.0), ("Hakodate", 0, 0.7),
    ("Sendai", 1, 3.0), ("Aomori", 1, 0.7), ("Akita", 1, 0.7), ("Yamagata", 1, 0.7), ("Fukushima", 1, 0.8), ("Morioka", 1, 0.7),
    ("Tokyo", 2, 14.0), ("Yokohama", 2, 4.0), ("Chiba", 2, 2.0), ("Tsukuba", 2, 2.0), ("Saitama", 2, 1.5), ("Kawasaki", 2, 1.5), ("Maebashi", 2, 0.8),
    ("Nagoya", 3, 5.0), ("Niigata", 3, 1.2), ("Kanazawa", 3, 1.5), ("Shizuoka", 3, 1.0), ("Gifu", 3, 0.8), ("Matsumoto", 3, 0.8), ("Toyama", 3, 0.8), ("Hamamatsu", 3, 1.0),
    ("Osaka", 4, 8.0), ("Kyoto", 4, 5.0), ("Kobe", 4, 3.0), ("Nara", 4, 1.0), ("Wakayama", 4, 0.7), ("Otsu", 4, 0.7),
    ("Okayama", 5, 1.5), ("Hiroshima", 5, 2.0), ("Yamaguchi", 5, 0.7), ("Tottori", 5, 0.6), ("Izumo", 5, 0.6),
    ("Tokushima", 6, 0.8), ("Kochi", 6, 0.7), ("Matsuyama", 6, 0.8), ("Takamatsu", 6, 0.7),
    ("Fukuoka", 7, 4.0), ("Kumamoto", 7, 1.2), ("Nagasaki", 7, 1.0), ("Kagoshima", 7, 1.0), ("Oita", 7, 0.7), ("Miyazaki", 7, 0.6), ("Saga", 7, 0.6), ("Naha", 7, 0.8),
];

/// Cities abroad: (name, ISO 3166 country code).
pub const FOREIGN_CITIES: &[(&str, &str)] = &[
    ("Boston", "US"), ("San Diego", "US"), ("Baltimore", "US"), ("Houston", "US"), ("London", "GB"),
    ("Cambridge", "GB"), ("Heidelberg", "DE"), ("Munich", "DE"), ("Paris", "FR"), ("Lyon", "FR"),
    ("Shanghai", "CN"), ("Beijing", "CN"), ("Seoul", "KR"), ("Singapore", "SG"), ("Melbourne", "AU"),
    ("Toronto", "CA"), ("Stockholm", "SE"), ("Basel", "CH"), ("Leiden", "NL"), ("Taipei", "TW"),
];

/// Invented company brands (no real firms).
pub const BRANDS: &[&str] = &[
    "Hikari", "Mirai", "Tsubasa", "Kizuna", "Aozora", "Midori", "Hoshizora", "Kaede", "Nozomi", "Hibiki",
    "Sorano", "Tomoshibi", "Akatsuki", "Kagayaki", "Minato", "Wakaba", "Ginga", "Seiran", "Helixar",
    "Cellara", "Genovia", "Vireon", "Luminara", "Quantix", "Meridia", "Orionis", "Axonix", "Biomirai",
];

pub const COMPANY_SUFFIXES: &[&str] = &[
    "Pharmaceutical Co. Ltd.", "Therapeutics", "Biosciences", "Diagnostics", "Medical Devices",
    "Genomics", "Bio Inc.", "Life Sciences", "Cell Therapy Inc.",
];

pub const INSTITUTE_FIELDS: &[&str] = &[
    "Infectious Diseases", "Neuroscience", "Health Sciences", "Biomedical Innovation", "Cancer Research",
    "Longevity Sciences", "Child Health and Development", "Cardiovascular Research", "Radiological Sciences",
    "Public Health", "Medical Informatics", "Genome Medicine",
];

/// Qualifiers used to keep generated institution names unique.
pub const NAME_QUALIFIERS: &[&str] = &["Central", "North", "South", "East", "West", "Metropolitan", "Prefectural", "Municipal"];

pub const JP_FAMILY: &[&str] = &[
    "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato",
    "Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue", "Kimura", "Hayashi", "Shimizu",
    "Yamazaki", "Mori", "Abe", "Ikeda", "Hashimoto", "Yamashita", "Ishikawa", "Nakajima", "Maeda", "Fujita",
    "Ogawa", "Goto", "Okada", "Hasegawa", "Murakami", "Kondo", "Ishii", "Saito", "Sakamoto", "Endo", "Aoki",
    "Fujii", "Nishimura", "Fukuda", "Ota", "Miura", "Fujiwara", "Okamoto", "Matsuda", "Nakagawa", "Harada",
    "Ono", "Tamura", "Takeuchi", "Kaneko", "Wada", "Nakano", "Ishida", "Ueda", "Morita", "Hara",
];

pub const JP_GIVEN: &[&str] = &[
    "Hiroshi", "Takeshi", "Kenji", "Yuki", "Akira", "Satoshi", "Naoki", "Kazuo", "Makoto", "Daisuke",
    "Shota", "Ryo", "Takuya", "Kenta", "Yusuke", "Haruto", "Sota", "Yuto", "Masahiro", "Tomohiro", "Keiko",
    "Yoko", "Akiko", "Naoko", "Yumi", "Megumi", "Ayaka", "Haruka", "Misaki", "Yui", "Sakura", "Mai", "Aya",
    "Rie", "Emi", "Kaori", "Tomoko", "Noriko", "Mariko", "Hana",
];

pub const OTHER_GIVEN: &[&str] = &[
    "James", "Maria", "Wei", "Ji-woo", "Anna", "David", "Sarah", "Michael", "Elena", "Lukas", "Sophie",
    "Thomas", "Chen", "Min-jun", "Olivia", "Daniel", "Laura", "Pierre", "Hannah", "Raj", "Priya", "Ahmed",
    "Fatima", "Carlos", "Ingrid",
];

pub const OTHER_FAMILY: &[&str] = &[
    "Smith", "Johnson", "Garcia", "Müller", "Schmidt", "Dubois", "Martin", "Wang", "Li", "Zhang", "Kim",
    "Lee", "Park", "Nguyen", "Brown", "Rossi", "Andersson", "Jansen", "Patel", "Singh", "Cohen", "Silva",
    "Novak", "Kowalski", "Wilson",
];

/// Reasons written into `conflicts.csv` for a conflict with another person.
pub const PERSON_CONFLICT_REASONS: &[&str] =
    &["former student", "former supervisor", "relative", "same laboratory until last year", "business partner"];

/// Reasons written into `conflicts.csv` for a conflict with a proposal.
pub const PROPOSAL_CONFLICT_REASONS: &[&str] =
    &["competitor", "consultant to the applicant's company", "planned joint project", "former student of the PI"];
