"""Standard phrasing (R-40..R-44) rendered for a call."""

from __future__ import annotations

import pytest

from console.domain.phrasing import REQUIRED_KEYS, Phrasebook, PhraseContext
from console.phrasing_source import load_phrasebook


@pytest.fixture(scope="module")
def book() -> Phrasebook:
    return load_phrasebook()


def test_R40_greeting(book):
    assert book.greeting(PhraseContext()) == "您好，市民热线，请问有什么可以帮您？"
    assert book.greeting() == "您好，市民热线，请问有什么可以帮您？"


def test_R40_holiday_greeting(book):
    assert book.greeting(PhraseContext(holiday=True)) == "节日好，市民热线，请问有什么可以帮您？"


def test_R40_trainee_greeting(book):
    assert book.greeting(PhraseContext(trainee_no=12)) == "您好，市民热线，我是12号实习受理员，请问有什么可以帮您？"


def test_R40_trainee_holiday_greeting(book):
    ctx = PhraseContext(trainee_no="07", holiday=True)
    assert book.greeting(ctx) == "节日好，市民热线，我是07号实习受理员，请问有什么可以帮您？"


def test_R40_hotline_name_is_a_setting(book):
    assert book.greeting(PhraseContext(hotline="市长热线")) == "您好，市长热线，请问有什么可以帮您？"
    custom = Phrasebook.from_dict({**_raw(book), "settings": {"hotline": "12345政务服务便民热线"}})
    assert custom.greeting(custom.context()) == "您好，12345政务服务便民热线，请问有什么可以帮您？"


def test_R41_ask_surname(book):
    assert book.render("ask_surname", PhraseContext(title="先生")) == "先生，请问您贵姓？"
    assert book.render("ask_surname_alt", PhraseContext(title="女士")) == "女士，怎么称呼您呢？"
    assert book.render("ask_surname", PhraseContext()) == "您好，请问您贵姓？"


def test_R41_address_by_surname(book):
    ctx = PhraseContext(surname="张", title="先生", matter="小区停水")
    assert book.render("address_answer", ctx) == "张先生，您好，关于小区停水，"
    assert book.render("confirm", ctx) == "张先生，您好，您是说小区停水，对吗？"
    assert book.render("address_answer", PhraseContext(surname="王", title="女士")) == "王女士，您好，关于……"


def test_R41_address_without_surname(book):
    assert book.render("hold_prompt", PhraseContext(title="女士")) == "请稍等，女士，正在为您查询。"
    assert book.render("address_answer", PhraseContext(title="先生")) == "先生，您好，关于……"
    # nothing known: no "**先生" and no hole in the sentence
    assert book.render("hold_prompt", PhraseContext()) == "请稍等，正在为您查询。"
    assert book.render("address_answer", PhraseContext()) == "您好，关于……"
    assert book.render("confirm", PhraseContext(surname="张")) == "您好，您是说……（您的意思是……）"


def test_R41_surname_with_braces_and_markup_is_inserted_verbatim(book):
    ctx = PhraseContext(surname="{x}[b]", title="女士", matter="{address}{0}[/b]")
    assert book.render("hold_prompt", ctx) == "请稍等，{x}[b]女士，正在为您查询。"
    assert book.render("address_answer", ctx) == "{x}[b]女士，您好，关于{address}{0}[/b]，"
    assert book.greeting(PhraseContext(hotline="{hotline}", trainee_no="{matter}")) == (
        "您好，{hotline}，我是{matter}号实习受理员，请问有什么可以帮您？"
    )


def test_R42_waiting_phrases(book):
    ctx = PhraseContext(surname="李", title="女士")
    assert book.render("ask_wait", ctx) == "您好，李女士，对于您咨询的这个问题，现在帮您落实，请稍等，好吗？"
    assert book.render("hold_prompt", ctx) == "请稍等，李女士，正在为您查询。"
    assert "感谢您的耐心等待" in book.render("after_wait", ctx)
    assert book.render("ask_wait", PhraseContext()) == "您好，对于您咨询的这个问题，现在帮您落实，请稍等，好吗？"


def test_R43_closing_and_silent_caller(book):
    assert book.render("closing") == "感谢您的来电，再见！"
    assert book.render("silent_caller") == "对不起，听不到您的声音，如需帮助请再次拨打，感谢您的来电，再见！"


def test_R44_forbidden_phrases(book):
    assert {"我不知道", "不清楚"} <= set(book.forbidden)
    assert book.find_forbidden("这个我不知道，也不清楚。") == ["我不知道", "不清楚"]
    assert book.find_forbidden("他不知道。我不知道") == ["不知道", "我不知道"]
    assert book.find_forbidden("你听不懂吗？") == ["你听不懂吗"]
    assert book.find_forbidden("张先生，您好，关于停水，已为您登记。") == []


def test_R44_no_standard_phrase_is_forbidden(book):
    ctx = PhraseContext(surname="张", title="先生", trainee_no=3, matter="停水")
    for key in book.keys():  # noqa: SIM118 - a Phrasebook is not a mapping
        assert book.find_forbidden(book.render(key, ctx)) == [], key


def test_R44_five_courtesies(book):
    assert book.courtesies == ("您好", "请", "谢谢", "对不起", "再见")


def test_R40_required_keys_and_validation(book):
    assert set(REQUIRED_KEYS) <= set(book.keys())
    with pytest.raises(KeyError):
        book.render("no_such_phrase")
    raw = _raw(book)
    with pytest.raises(ValueError, match="unknown placeholder"):
        Phrasebook.from_dict({**raw, "phrases": {**raw["phrases"], "closing": "再见，{name}"}})
    phrases = dict(raw["phrases"])
    del phrases["closing"]
    with pytest.raises(ValueError, match="lacks: closing"):
        Phrasebook.from_dict({**raw, "phrases": phrases})


def _raw(book: Phrasebook) -> dict:
    return {"phrases": {k: list(v) for k, v in book.phrases.items()}, "rules": {"forbidden": list(book.forbidden)}}
