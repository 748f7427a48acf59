#!/usr/bin/env python3
"""What a user would write instead of `rdmatch score --top 50`: TF-IDF cosine
of each proposal against each adviser's concatenated papers, top 50 per
proposal, with scikit-learn. Usage: sklearn_score.py DATA OUT.csv
(benches/score_vs_sklearn.sh times it beside rdmatch)."""
import csv
import sys
from collections import defaultdict

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

data, out = sys.argv[1], sys.argv[2]
csv.field_size_limit(1 << 30)


def rows(name):
    with open(f"{data}/{name}", newline="", encoding="utf-8-sig") as f:
        yield from csv.DictReader(f)


advisers = [r["researcher_id"] for r in rows("advisers.csv")]
index = {a: i for i, a in enumerate(advisers)}
papers = {}
for r in rows("publications.csv"):
    papers[r["publication_id"]] = " ".join((r["title"], r.get("abstract", ""), r.get("keywords", "")))
docs = defaultdict(list)
for r in rows("authorships.csv"):
    i = index.get(r["researcher_id"])
    if i is not None:
        docs[i].append(papers.get(r["publication_id"], ""))
adviser_text = [" ".join(docs[i]) for i in range(len(advisers))]
proposals = list(rows("proposals.csv"))
proposal_text = [" ".join((p["title"], p["abstract"], p["keywords"])) for p in proposals]

vec = TfidfVectorizer(stop_words="english", sublinear_tf=True)
vec.fit(adviser_text + proposal_text)
A = vec.transform(adviser_text)  # rows are L2-normalised: dot = cosine
P = vec.transform(proposal_text)

top = 50
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["proposal_id", "researcher_id", "score"])
    for start in range(0, P.shape[0], 1000):
        s = (P[start:start + 1000] @ A.T).toarray()
        best = np.argpartition(-s, min(top, s.shape[1] - 1), axis=1)[:, :top]
        for k, row in enumerate(best):
            row = row[np.argsort(-s[k, row], kind="stable")]
            pid = proposals[start + k]["proposal_id"]
            for j in row:
                w.writerow([pid, advisers[j], f"{s[k, j]:.6f}"])
