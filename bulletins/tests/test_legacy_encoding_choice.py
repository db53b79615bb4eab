"""Which encoding a legacy file is read in when its bytes are valid in more than one."""

import pytest

from bulletins.legacy.decoding import decode_legacy_bytes


@pytest.mark.parametrize("text", ["新闻", "安全要闻", "安全要闻\n新闻\n"])
def test_short_utf8_text_that_is_also_valid_gb18030_is_read_as_utf8(text):
    data = text.encode("utf-8")
    as_gb18030 = data.decode("gb18030")  # valid, and made of plausible Chinese characters
    assert as_gb18030 != text
    assert decode_legacy_bytes(data) == text


def test_gb18030_text_that_is_not_utf8_is_still_read_as_gb18030():
    assert decode_legacy_bytes("安全要闻\n".encode("gb18030")) == "安全要闻\n"
