"""A living demo store: orders over the last 30 days in every state, made through decide()
with the roles that really do each step, so the demo obeys the same rules as real work."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from console import clock
from console.domain.order import Kind
from console.domain.roles import Actor, Role
from console.kb.segment import clip

SCENARIOS = [
    # (content path, nature, description, complexity)
    (("城建环保", "供水"), "求助", "{place}已经停水{n}天了，没有任何通知，家里老人孩子用水困难，请尽快恢复供水。", "general"),
    (("城建环保", "供水"), "投诉", "{place}自来水发黄有异味，烧开后有沉淀，反映多次没有解决。", "general"),
    (("城建环保", "供热"), "投诉", "{place}暖气不热，室内温度只有{n}度，请热力公司上门检查。", "general"),
    (("城建环保", "供气"), "求助", "{place}燃气表显示余额充足但无法点火，燃气公司客服电话打不通。", "general"),
    (("城建环保", "社会生活噪声"), "投诉", "{place}楼下商铺每天晚上十点以后放音乐，噪声很大，影响休息。", "general"),
    (("城建环保", "夜间施工噪声"), "投诉", "{place}附近工地夜间施工到凌晨{n}点，噪声扰民，请城管执法。", "general"),
    (("城建环保", "路灯"), "求助", "{place}路段路灯坏了{n}天，晚上漆黑一片，行人和车辆都不安全。", "general"),
    (("城建环保", "环境卫生"), "投诉", "{place}垃圾桶满了没人清运，气味很大，蚊蝇很多。", "general"),
    (("城建环保", "车辆停放"), "投诉", "{place}消防通道长期被私家车占用，物业不管。", "general"),
    (("城建环保", "违章建筑"), "举报", "{place}顶楼住户私自搭建彩钢房，存在安全隐患。", "complex"),
    (("城建环保", "物业服务"), "投诉", "{place}物业公司擅自提高停车费，业主不同意，物业断水断电威胁。", "complex"),
    (("城建环保", "住房公积金"), "咨询", "咨询在{place}购买二手房如何提取住房公积金，需要哪些材料。", "general"),
    (("城建环保", "空气污染"), "投诉", "{place}附近工厂烟囱冒黑烟，气味刺鼻，晚上尤其严重。", "complex"),
    (("城建环保", "水污染"), "投诉", "{place}旁边的河道发黑发臭，有污水直排。", "complex"),
    (("城建环保", "建筑工人拖欠工资"), "求助", "在{place}工地干活{n}个月，包工头拖欠工资不给，请帮忙讨薪。", "complex"),
    (("工业交通", "公交出行"), "建议", "建议在{place}增设公交站点，附近居民出行不便。", "general"),
    (("工业交通", "出租车管理"), "投诉", "在{place}打车，出租车司机拒载并且绕路多收费。", "general"),
    (("工业交通", "供电"), "求助", "{place}整栋楼停电{n}个小时了，供电公司没有通知。", "general"),
    (("工业交通", "通信产业", "电信"), "投诉", "{place}宽带断网{n}天，报修后一直没人上门。", "general"),
    (("劳动人事", "就业"), "咨询", "咨询{place}附近有没有免费的职业技能培训，失业人员怎么报名。", "general"),
    (("劳动人事", "城镇职工养老保险"), "咨询", "咨询养老保险断缴{n}个月后如何补缴，在{place}哪里办理。", "general"),
    (("劳动人事", "劳动纠纷"), "求助", "在{place}的公司没签劳动合同，被辞退不给补偿。", "complex"),
    (("劳动人事", "城镇职工医疗保险"), "咨询", "咨询异地就医备案怎么办理，住在{place}。", "general"),
    (("科教文卫", "学校收费"), "投诉", "{place}学校以资料费名义收费{n}百元，不开收据。", "general"),
    (("科教文卫", "卫生医疗"), "投诉", "{place}社区医院医生态度差，排队{n}个小时看不上病。", "general"),
    (("科教文卫", "食品安全"), "举报", "在{place}一家餐馆吃饭后腹泻，怀疑食材不新鲜。", "general"),
    (("司法民政", "低保"), "咨询", "咨询{place}低保申请条件和办理流程。", "general"),
    (("司法民政", "户籍管理"), "咨询", "咨询孩子在{place}落户需要准备什么材料。", "general"),
    (("财税金融", "物价"), "投诉", "{place}超市标价和结账价格不一致，多收了钱。", "general"),
    (("服务业", "政务服务审批"), "投诉", "在{place}政务服务中心办营业执照，来回跑了{n}次还没办好。", "general"),
]

PLACES = [
    "幸福路88号幸福家园3栋", "建设街道和平小区", "人民路与解放路交叉口", "滨江花园小区", "城南新村12栋",
    "高新区科技大道", "东风路菜市场", "翠湖苑小区", "火车站北广场", "西城区文化路", "阳光新城二期",
    "中山路步行街", "北郊工业园", "南湖路社区", "金桥街道锦绣社区", "光明小区7号楼",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡"
FALLBACK_ANSWER = "已按知识库统一口径答复来电人办理流程和所需材料。"
AGENTS = ["A101", "A102", "A103", "A205"]
# The demo's operator accounts (id, name, roles), all with one password the demo's sign-in form
# shows; as if the centre had published them (console/store/accounts.py).
DEMO_PASSWORD = "12345"
DEMO_ACCOUNTS = [
    ("A07", "演示受理员", "agent"), *((a, f"受理员{a}", "agent,callback") for a in AGENTS),
    ("D201", "演示转办员", "dispatcher"), ("L301", "演示值班班长", "dispatcher,lead"),
    ("C401", "演示回访员", "callback"), ("S501", "演示督办员", "supervisor"),
]

# Target end states and their share of the demo (every state appears).
BOILERPLATE_REPLY = "您的留言已收悉，我们将尽快处理。"  # one of the units' stock replies (the tipdm replies show many)

PLAN = [
    ("answered", 0.12), ("not_accepted", 0.03), ("pending_dispatch", 0.10), ("returned_to_intake", 0.03),
    ("escalated", 0.02), ("three_way", 0.01), ("dispatched", 0.22), ("unit_returned", 0.04),
    ("replied", 0.10), ("closed", 0.30), ("merged", 0.03),
]


class _Demo:
    def __init__(self, store, rng: random.Random, now: datetime, review_rng: random.Random | None = None):
        from console.domain.units import suggest_units
        from console.units_source import load_units

        self.store, self.rng, self.now = store, rng, now
        self.review_rng = review_rng or random.Random()
        self.units = load_units()
        self.suggest = suggest_units
        self.agent = lambda: Actor(rng.choice(AGENTS), Role.AGENT)
        self.dispatcher = Actor("D201", Role.DISPATCHER)
        self.lead = Actor("L301", Role.LEAD)
        self.callback = Actor("C401", Role.CALLBACK)
        self.supervisor = Actor("S501", Role.SUPERVISOR)
        self.count = 0
        self.mergeable: list[str] = []  # orders a later duplicate call may be merged into

    def do(self, kind, payload, actor, at, order="") -> str:
        from console.store import NewEvent

        result = self.store.record([NewEvent(kind, payload, actor, order, min(at, self.now))])
        if not result.ok:
            raise RuntimeError(f"demo step {kind} on {order or 'new order'} rejected: {result.reason}")
        return result.orders[0]

    def kb_hit(self, description: str):
        """The starter article that answers this text, if the store has a knowledge base."""
        from console.kb import kb_answers_for

        hits = kb_answers_for(self.store, description, limit=1)
        return hits[0] if hits else None

    def unit_for(self, description: str) -> str:
        ranked = self.suggest(self.units, description, limit=3)
        return ranked[0][0].code if ranked else self.rng.choice(self.units).code

    def other_unit(self, code: str) -> str:
        return self.rng.choice([u.code for u in self.units if u.code != code])

    def intake(self, target: str, created: datetime) -> tuple[str, dict]:
        rng = self.rng
        path, nature, text, complexity = rng.choice(SCENARIOS)
        description = text.format(place=rng.choice(PLACES), n=rng.randint(2, 9))
        payload = {
            "caller_name": rng.choice(SURNAMES) + rng.choice("明华丽军芳伟静强敏磊洋艳"),
            "caller_title": rng.choice(["先生", "女士"]),
            "phone": f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
            "address": rng.choice(PLACES),
            "description": description,
            "nature": nature,
            "content_path": list(path),
            "reply_wanted": rng.random() < 0.8,
            "urgent": rng.random() < 0.05,
            "confidential": rng.random() < 0.05,
            "leader_day": rng.random() < 0.03,
            "complexity": complexity,
            "call_time": created.isoformat(),
        }
        if payload["reply_wanted"]:
            payload["reply_method"] = rng.choice(["电话", "短信"])
        if nature == "投诉" and str(payload["phone"]).endswith("7"):  # M-04; no extra draw: a seed's demo stays
            payload["staff_complaint"] = True
        if target == "answered":
            hit = self.kb_hit(description)
            rng.random()  # keeps a seed's demo the same with and without a knowledge base
            payload.update(disposition="direct_answer", nature="咨询", answer=hit.answer if hit else FALLBACK_ANSWER)
            if hit:
                payload["kb_article"] = hit.id
        elif target == "not_accepted":
            payload.update(disposition="not_accepted", reason="涉及司法诉讼程序，不属于热线受理范围")
        elif target == "three_way":
            payload.update(disposition="three_way")
        else:
            payload.update(disposition=rng.choice(["transfer"] * 12 + ["report"]))
        return self.do(Kind.CREATED, payload, self.agent(), created), payload

    def make(self, target: str) -> None:
        rng, now = self.rng, self.now
        # Recent orders are the ones still waiting; old ones have gone further.
        if target in ("pending_dispatch", "returned_to_intake", "escalated", "three_way"):
            created = now - timedelta(minutes=rng.randint(5, 60 * 26))
        elif target in ("answered", "not_accepted", "merged"):
            created = now - timedelta(minutes=rng.randint(5, 60 * 24 * 30))
        else:
            created = now - timedelta(minutes=rng.randint(60 * 24, 60 * 24 * 30))
        number, payload = self.intake(target, created)
        self.count += 1
        if target != "merged":
            self.mergeable.append(number)  # merges are made last: every other order is here by then
        t = created + timedelta(minutes=rng.randint(10, 240))
        if target in ("answered", "not_accepted", "pending_dispatch", "three_way"):
            return
        if target == "returned_to_intake":
            hit = self.kb_hit(payload["description"])
            if rng.random() >= 0.5 and hit:  # the knowledge base already answers it
                self.do(Kind.RETURNED_TO_INTAKE, {"kb_article": hit.id, "department": hit.department}, self.dispatcher, t, number)
            else:
                self.do(Kind.RETURNED_TO_INTAKE, {"reason": "问题描述不清，请补充具体地址和诉求"}, self.dispatcher, t, number)
            return
        if target == "escalated":
            self.do(Kind.ESCALATED, {"reason": "涉及多个部门职责，无法确定承办单位"}, self.dispatcher, t, number)
            return
        if target == "merged":
            # The seeded rng picks the target (not SQLite's random()): one seed, one demo.
            if self.mergeable:
                self.do(Kind.MERGED_INTO, {"target": rng.choice(self.mergeable), "note": "同一事项重复来电"},
                        self.agent(), t, number)
            return
        unit = self.unit_for(payload["description"])
        self.do(Kind.DISPATCHED, {"lead_unit": unit, "complexity": payload["complexity"]}, self.dispatcher, t, number)
        sent = t
        t += timedelta(hours=rng.randint(2, 30))
        if target == "unit_returned":
            self.do(Kind.UNIT_RETURNED, {"reason": "不属于我单位职责范围"}, Actor("unit", Role.UNIT, unit=unit), t, number)
            return
        if target == "dispatched":
            roll = rng.random()
            if roll < 0.2:
                self.do(Kind.EXTENSION_REQUESTED, {"days": rng.randint(3, 7), "reason": "需协调多个部门现场核查"},
                        Actor("unit", Role.UNIT, unit=unit), t, number)
            elif roll < 0.3:
                self.do(Kind.EXTENSION_REQUESTED, {"days": 5, "reason": "需要等待检测结果"}, Actor("unit", Role.UNIT, unit=unit), t, number)
                self.do(Kind.EXTENSION_DECIDED, {"approve": True}, self.dispatcher, t + timedelta(hours=1), number)
            elif roll < 0.4:
                self.do(Kind.SUPERVISED, {"reason": rng.choice(["hot", "media", "leader"])}, self.supervisor, t, number)
            return
        # The review of the reply (审核反馈真实性) draws from its own generator, so that the rest of
        # the demo is the same orders at the same times whatever the review does.
        rr = self.review_rng
        unit_actor = Actor("unit", Role.UNIT, unit=unit)
        soon = now - timedelta(days=3) + timedelta(minutes=rng.randint(5, 55))
        if target == "replied" and rng.random() < 0.3 and soon > t:
            t = soon  # its callback (R-32, 3 days from the acceptance) falls due within the hour
        if rr.random() < 0.15:  # a boilerplate reply first: the review sends it back, the unit answers again
            self.do(Kind.UNIT_REPLIED, {"reply": BOILERPLATE_REPLY}, unit_actor, sent + (t - sent) / 3, number)
            if target == "replied" and rr.random() < 0.5:
                return  # still waiting for review: the dispatch desk's 答复审核 view has work
            self.do(Kind.REPLY_REVIEWED, {"accept": False, "ground": "vague"}, self.dispatcher,
                    sent + (t - sent) * 2 / 3, number)
        matter = clip(payload["description"].split("。")[0], 30).rstrip("。！？，,.")  # never half a word
        how = rr.choice(["经现场核查", "经调查核实", "经与相关社区协调"])
        reply = f"{how}，来电反映的“{matter}”问题已处理完毕，已与来电人沟通。"
        self.do(Kind.UNIT_REPLIED, {"reply": reply}, unit_actor, t, number)
        if target == "replied" and rr.random() < 0.3:
            return  # waiting for review
        self.do(Kind.REPLY_REVIEWED, {"accept": True}, self.dispatcher, t, number)  # reviewed at once
        if target == "replied" or self.store.get(number).status != "replied":
            return
        t += timedelta(hours=rng.randint(1, 48))
        roll = rng.random()
        if roll < 0.15:
            self.do(Kind.CALLBACK_ATTEMPTED, {"outcome": "no_answer"}, self.callback, t, number)
            self.do(Kind.CALLBACK_ATTEMPTED, {"outcome": "busy"}, self.callback, t + timedelta(hours=2), number)
        else:
            self.do(Kind.CALLBACK_ATTEMPTED, {"outcome": "reached"}, self.callback, t, number)
            result = rng.choice(["满意"] * 6 + ["基本满意"] * 2 + ["不满意"])
            words = "问题没有真正解决" if result == "不满意" else ""
            self.do(Kind.CALLBACK_DONE, {"result": result, "words": words}, self.callback, t, number)
            if result == "不满意":
                self.do(Kind.REWORK, {"reason": words}, self.callback, t + timedelta(minutes=1), number)


def fill_demo(store, n_orders: int = 360, seed: int | None = None, now: datetime | None = None) -> dict:
    rng = random.Random(seed)
    demo = _Demo(store, rng, now or clock.now(), random.Random(f"review-{seed}") if seed is not None else None)
    targets = []
    for target, share in PLAN:
        targets += [target] * max(2, round(share * n_orders))
    rng.shuffle(targets)
    # Merges need earlier orders to point at: make them last.
    targets.sort(key=lambda t: t == "merged")
    for target in targets:
        demo.make(target)
    calls, sms = fill_call_records(store, rng, demo.now)
    # the orders of some of those calls, from their own generator: the rest of a seed's demo stays
    call_orders = fill_call_orders(store, random.Random(f"calls-{seed}") if seed is not None else random.Random(),
                                   demo.now)
    transcripts = fill_transcripts(store, rng, demo.now)
    from console.quality import draw_sample

    for month in sorted({f"{demo.now - timedelta(days=d):%Y-%m}" for d in range(32)}):
        draw_sample(store, month, 30)
    return {"orders": store.count_orders(), "by_status": store.status_counts(), "calls": calls, "sms": sms,
            "transcripts": transcripts, "call_orders": call_orders}


CONSULTATIONS = [s for s in SCENARIOS if s[1] == "咨询"]


def fill_call_orders(store, rng: random.Random, now: datetime, share: float = 0.1) -> int:
    """The orders that a share of the month's answered calls produced, as the form records them
    when the telephone system pops the call: the call's id and time, and what the console saw of
    the call (the created payload's call_log, the call_ended event after the save). Most are by the
    book (greeting shown and said, surname asked, closing shown and said); some are not: a hold
    over 30 s without the hold phrase confirmed (R-42), a forbidden phrase warned about (R-44), no
    surname (R-41), the form started more than 15 s after the call was offered (M-02), a closing
    line never confirmed. Consultations answered on the call, so no desk's queue grows. One
    command: the demo starts no slower than a transaction."""
    from console.store import NEW_ORDER, NewEvent
    from console.store.call_records import calls_between

    events = []
    for call in calls_between(store, now - timedelta(days=31), now):
        if call.answered_at is None or call.ended_at is None or rng.random() > share:
            continue
        roll = rng.random()
        late = roll < 0.06  # the form started well after the call was answered
        form = call.answered_at + timedelta(seconds=rng.randint(16, 30) if late else 0)
        if late:
            form = max(form, call.offered_at + timedelta(seconds=16 + rng.randint(0, 10)))
        length = max(40, int((call.ended_at - form).total_seconds()))
        saved = max(20, int(length * rng.uniform(0.6, 0.85)))
        no_surname = 0.06 <= roll < 0.12
        marks = [{"t": 0, "what": "shown", "key": "greeting"}, {"t": 2, "what": "said", "key": "greeting"},
                 {"t": 6, "what": "shown", "key": "ask_surname"}]
        if not no_surname:
            marks.append({"t": 8, "what": "said", "key": "ask_surname"})
            marks.append({"t": 12, "what": "shown", "key": "address_answer"})
        if 0.12 <= roll < 0.22 and saved > 70:  # on hold to look something up
            on = 15
            off = min(saved - 5, on + rng.randint(35, 55))
            marks.append({"t": on, "what": "hold_on"})
            if roll >= 0.17:  # the hold phrase said in time
                marks.append({"t": on + 25, "what": "hold_said"})
            marks.append({"t": off, "what": "hold_off"})
            marks.append({"t": off, "what": "shown", "key": "after_wait"})
        marks.append({"t": saved - 4, "what": "shown", "key": "confirm"})
        path, _nature, text, _complexity = rng.choice(CONSULTATIONS)
        payload = {
            "disposition": "direct_answer", "channel": "电话", "nature": "咨询", "content_path": list(path),
            "caller_name": "" if no_surname else rng.choice(SURNAMES), "caller_title": rng.choice(["先生", "女士"]),
            "phone": f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
            "description": text.format(place=rng.choice(PLACES), n=rng.randint(2, 9)), "answer": FALLBACK_ANSWER,
            "call_time": form.isoformat(), "call_id": call.call_id, "call_log": marks,
        }
        if 0.22 <= roll < 0.28:
            payload["phrasing_warnings"] = [rng.choice(["不清楚", "不归我们管", "你自己去问"])]
        later = [{"t": saved + 1, "what": "shown", "key": "closing"}]
        if roll < 0.9:  # the rest said it, perhaps, and did not press the key: no finding, only the timeline
            later.append({"t": min(length, saved + 4), "what": "said", "key": "closing"})
        agent = Actor(call.operator, Role.AGENT)
        events += [NewEvent(Kind.CREATED, payload, agent, "", min(form + timedelta(seconds=saved), now)),
                   NewEvent(Kind.CALL_ENDED, {"seconds": length, "marks": later}, agent, NEW_ORDER,
                            min(form + timedelta(seconds=length), now))]
    if events:
        result = store.record(events)
        if not result.ok:
            raise RuntimeError(f"demo call orders rejected: {result.reason}")
    return len(events) // 2


def fill_transcripts(store, rng: random.Random, now: datetime, share: float = 0.3) -> int:
    """Transcripts for some of the month's answered calls, most by the book and some not (no
    surname asked, a forbidden phrase, a long wait without a prompt, no closing line), so that the
    quality desk has pre-filled findings to confirm on first run."""
    from console.domain.qa import Transcript, Utterance
    from console.store.call_records import calls_between
    from console.store.quality import upsert_transcripts

    out = []
    for call in calls_between(store, now - timedelta(days=31), now):
        if call.answered_at is None or rng.random() > share:
            continue
        lines = [("agent", "您好，市民热线，请问有什么可以帮您？"), ("caller", "我们小区停水两天了，一直没来水。")]
        if rng.random() > 0.15:
            lines += [("agent", "先生，请问您贵姓？"), ("caller", "我姓王。")]
        lines.append(("agent", rng.choice(["王先生您好，这个情况我先帮您记录下来，请您稍等。",
                                            "这个我不清楚，你自己去问自来水公司吧。" if rng.random() < 0.2 else
                                            "王先生您好，请您稍等，我帮您查一下停水公告。"])))
        t, utterances = 0.0, []
        for i, (speaker, text) in enumerate(lines):
            length = 2 + len(text) * 0.25
            utterances.append(Utterance(speaker, t, t + length, text))
            t += length + (35 if i == len(lines) - 1 and rng.random() < 0.1 else 1)
        closing = "感谢您的来电，再见！" if rng.random() > 0.1 else "好的，就这样。"
        utterances.append(Utterance("agent", t, t + 3, closing))
        out.append(Transcript(call.call_id, tuple(utterances)))
    return upsert_transcripts(store, out)


def fill_call_records(store, rng: random.Random, now: datetime, days: int = 30) -> tuple[int, int]:
    """A month of the telephone system's records, so M-01, M-02, M-03 and M-05 show on first run:
    about 80 calls and 10 text messages a day, most answered in time, a few missed."""
    from console.domain.figures import CallRecord, SmsRecord
    from console.store.call_records import upsert_calls, upsert_sms

    calls, messages = [], []
    start = (now - timedelta(days=days)).replace(hour=0, minute=0, second=0)
    for day in range(days):
        base = start + timedelta(days=day)
        for i in range(rng.randint(60, 100)):
            offered = base + timedelta(hours=8, seconds=rng.randint(0, 12 * 3600))
            if offered >= now:
                continue
            answered = None if rng.random() < 0.04 else offered + timedelta(seconds=rng.choice((3, 6, 9, 12, 14, 18, 25)))
            ended = (answered or offered) + timedelta(seconds=rng.randint(40, 600))
            rating = ""
            if answered is not None and rng.random() < 0.6:
                rating = "不满意" if rng.random() < 0.02 else rng.choice(("满意", "满意", "基本满意"))
            calls.append(CallRecord(f"C{base:%Y%m%d}{i:04d}", offered, answered, ended, "S01",
                                    f"A{101 + i % 6:03d}", rating))
        for i in range(rng.randint(6, 14)):
            received = base + timedelta(hours=7, seconds=rng.randint(0, 14 * 3600))
            if received >= now:
                continue
            late = rng.random() < 0.03
            replied = received + timedelta(hours=rng.choice((1, 2, 3)) + (24 if late else 0))
            messages.append(SmsRecord(f"M{base:%Y%m%d}{i:03d}", received, replied if replied < now else None))
    return upsert_calls(store, calls), upsert_sms(store, messages)
