"""A multinomial logistic regression on tf-idf features (console.routing.features), trained by
stochastic gradient descent over sparse rows: numpy only, a few seconds for a few thousand orders.
`predict` gives the labels with their probabilities; `explain` the features that weighed most for
a label in this order (the words that led to it)."""

from __future__ import annotations

import math
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MIN_DF = 2  # a feature seen in one order only says nothing about the next one
MAX_FEATURES = 80_000  # the most frequent ones: bounds the model's size (80k x labels x 4 bytes)
EPOCHS = 12
RATE = 1.0
DECAY = 0.8


@dataclass
class LinearModel:
    labels: list[str]
    vocab: dict[str, int]
    idf: Any  # numpy float32 (V,)
    weights: Any  # numpy float32 (V, K)
    bias: Any  # numpy float32 (K,)
    trained_on: int  # orders

    # -- training ---------------------------------------------------------------------------

    @classmethod
    def train(cls, docs: list[dict[str, float]], labels: list[str], seed: int = 13) -> LinearModel:
        import numpy as np

        df: dict[str, int] = {}
        for d in docs:
            for k in d:
                df[k] = df.get(k, 0) + 1
        kept = sorted((k for k, n in df.items() if n >= MIN_DF), key=lambda k: -df[k])[:MAX_FEATURES]
        vocab = {k: i for i, k in enumerate(kept)}
        n = len(docs)
        idf = np.array([math.log((1 + n) / (1 + df[k])) + 1 for k in kept], dtype=np.float32)
        names = sorted(set(labels))
        index = {label: i for i, label in enumerate(names)}
        model = cls(names, vocab, idf, np.zeros((len(kept), len(names)), dtype=np.float32),
                    np.zeros(len(names), dtype=np.float32), n)
        rows = [model._row(d) for d in docs]
        ys = [index[label] for label in labels]
        order = list(range(n))
        rnd = random.Random(seed)
        rate = RATE
        for _ in range(EPOCHS):
            rnd.shuffle(order)
            for j in order:
                ii, vv = rows[j]
                if not len(ii):
                    continue
                p = model._proba(ii, vv)
                p[ys[j]] -= 1.0
                model.weights[ii] -= rate * np.outer(vv, p)
                model.bias -= rate * 0.1 * p
            rate *= DECAY
        return model

    def _row(self, doc: dict[str, float]):
        import numpy as np

        pairs = [(self.vocab[k], v) for k, v in doc.items() if k in self.vocab]
        ii = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
        vv = np.fromiter(((1 + math.log(v)) * float(self.idf[i]) for i, v in pairs), dtype=np.float32, count=len(pairs))
        norm = float(np.linalg.norm(vv))
        return ii, (vv / norm if norm else vv)

    def _proba(self, ii, vv):
        import numpy as np

        s = vv @ self.weights[ii] + self.bias if len(ii) else self.bias.copy()
        s = s - s.max()
        e = np.exp(s)
        return e / e.sum()

    # -- use --------------------------------------------------------------------------------

    def predict(self, doc: dict[str, float], k: int = 3) -> list[tuple[str, float]]:
        """The k likeliest labels with their probability (0..1), likeliest first."""
        ii, vv = self._row(doc)
        p = self._proba(ii, vv)
        top = sorted(range(len(p)), key=lambda i: -p[i])[:k]
        return [(self.labels[i], float(p[i])) for i in top]

    def explain(self, doc: dict[str, float], label: str, n: int = 5) -> list[str]:
        """The features of this order that weighed most for `label`: its words, address places and
        nature weigh double against runs of three characters (a pair across two words reads as noise)."""
        if label not in self.labels:
            return []
        ii, vv = self._row(doc)
        if not len(ii):
            return []
        j = self.labels.index(label)
        contrib = vv * self.weights[ii, j]
        inverse = {i: f for f, i in self.vocab.items()}
        ranked = [(inverse[int(ii[t])], float(contrib[t])) for t in range(len(ii)) if float(contrib[t]) > 0]
        ranked.sort(key=lambda fc: -fc[1] * (0.5 if fc[0][0] == "c" else 1.0))  # words read better
        out: list[str] = []
        for feature, _c in ranked:
            if len(out) >= n:
                break
            if feature[0] == "c" and len(feature) < 4:
                continue
            word = feature[1:]
            if not any(word in o or o in word for o in out):
                out.append(word)
        return out

    # -- file -------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Written beside the store, atomically (a reader never sees half a model)."""
        import numpy as np

        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as fh:
            np.savez(fh, labels=np.array(self.labels), vocab=np.array(list(self.vocab)), idf=self.idf,
                     weights=self.weights.astype(np.float16), bias=self.bias, trained_on=np.array([self.trained_on]))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        import numpy as np

        with np.load(path, allow_pickle=False) as z:
            vocab = {str(k): i for i, k in enumerate(z["vocab"])}
            return cls([str(x) for x in z["labels"]], vocab, z["idf"], z["weights"].astype(np.float32), z["bias"],
                       int(z["trained_on"][0]))
