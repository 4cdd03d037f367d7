"""Held-out relevance sets for the KB bench, built from the real data at run time (never stored).

- policy held out: policy-qa-5000.tsv grouped by policy document (docid); one article per document
  (2,698; those with one question are there as distractors), titled by its first question, its answer that question's answer
  span and its body every answer span of the document (the policy text we have); the other
  questions of the document are the queries. The title question is never a query.
- Taipei control: every FAQ question as written, expecting its own article.
- Taipei paraphrases: every FAQ question rewritten the way callers speak (seeded rules below: a
  greeting or 请问 in front, the city's name, formal words replaced by spoken ones, 怎么办/吗 at
  the end, punctuation dropped). The rules were written before tuning and are not the synonym
  table; they are a stand-in for real caller paraphrases, which this workplace does not have.
"""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

Query = tuple[str, str, str]  # (set, query, expected article id)


def policy_heldout(shared: Path) -> tuple[list[dict], list[Query]]:
    docs: dict[str, list[dict]] = {}
    with open(shared / "policy-qa-5000.tsv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            docs.setdefault(r["docid"], []).append(r)
    articles, queries = [], []
    for docid, rows in docs.items():
        spans = list(dict.fromkeys(r["answer"] for r in rows))
        articles.append({"id": docid, "title": rows[0]["question"], "answer": rows[0]["answer"],
                         "body": "\n".join(spans)})
        queries.extend(("policy-heldout", r["question"], docid) for r in rows[1:])
    return articles, queries


# Formal or written words -> what a caller says instead (applied once each, in this order).
_SPOKEN = [
    ("如何", "怎么"), ("是否", "是不是"), ("为何", "为什么"), ("何处", "哪里"), ("何时", "什么时候"),
    ("可否", "能不能"), ("须", "要"), ("应如何", "要怎么"), ("若", "如果"), ("民众", "老百姓"),
    ("申请", "申请办理"), ("有哪些", "有什么"), ("电子邮件", "邮箱"), ("收养", "领养"), ("资遣", "裁员"),
    ("市民", "我们"), ("办理", "办"), ("相关", ""), ("之", "的"),
]
_OPENERS = ["请问", "你好，我想问一下", "我想咨询一下", "想问问", "您好，请问", "我想了解"]
_CITY = ["台北", "台北市", "我们台北", ""]
_ENDINGS = ["怎么办", "吗", "要怎么弄", "", "谢谢", "可以吗"]


def paraphrase(question: str, rnd: random.Random) -> str:
    text = re.sub(r"[？?。！!，,、；;：:（）()「」“”\s]+", "", question)
    for formal, spoken in _SPOKEN:
        if formal in text and rnd.random() < 0.8:
            text = text.replace(formal, spoken, 1)
    return rnd.choice(_OPENERS) + rnd.choice(_CITY) + text + rnd.choice(_ENDINGS)


def taipei_sets(shared: Path, seed: int = 13) -> tuple[list[dict], list[Query], list[Query]]:
    path = shared / "taipei-1999-faq.jsonl"
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    rnd = random.Random(seed)
    control = [("taipei-control", r["question"], r["id"]) for r in rows]
    para = [("taipei-paraphrase", paraphrase(r["question"], rnd), r["id"]) for r in rows]
    return rows, para, control
