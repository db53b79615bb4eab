"""Snippets highlight the first match as written, whatever the case, width or line breaks."""

from bulletins.search import snippet


def test_the_match_is_cut_out_of_the_text_as_written():
    assert snippet("据路透社报道，英伟达发布新品。", ["英伟达"]) == (
        "据路透社报道，",
        "英伟达",
        "发布新品。",
    )


def test_a_match_across_a_line_break_keeps_the_break_in_the_highlight():
    before, match, after = snippet("消息称台积\n电将扩产", ["台积电"])
    assert (before, match, after) == ("消息称", "台积\n电", "将扩产")


def test_case_and_full_width_letters_are_matched_as_search_matches_them():
    assert snippet("新款ＡＩ芯片发布", ["ai芯片"])[1] == "ＡＩ芯片"
    assert snippet("Microsoft Azure 降价", ["azure"])[1] == "Azure"


def test_a_character_that_folds_to_several_is_highlighted_whole():
    assert snippet("ﬁnance 报道", ["fin"])[1] == "ﬁn"  # the ligature stands for "fi"


def test_the_longest_term_is_highlighted_and_long_text_is_trimmed_around_it():
    text = "前" * 100 + "华为卫星" + "后" * 100
    before, match, after = snippet(text, ["华为", "华为卫星"], radius=10)
    assert (before, match, after) == ("…" + "前" * 10, "华为卫星", "后" * 10 + "…")


def test_without_a_match_the_start_of_the_text_is_shown():
    assert snippet("第一行\n第二行", ["不存在"]) == ("", "", "第一行 第二行")
