"""decode_text on damaged and unusual bytes: repair what is text, refuse what is not."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from storyweave.config import IngestOptions
from storyweave.errors import BadDocument
from storyweave.ingest.base import InputDocument
from storyweave.ingest.decoding import decode_text
from storyweave.ingest.text import TextReader

SEED = Path(__file__).resolve().parents[4] / "shared" / "seeds" / "000_186d926eac2fcf62.txt"

ARTICLE = (
    "Rebels say they have taken Hama\n\n"
    "Opposition fighters entered the central city of Hama on Thursday, and the army said it had "
    "redeployed outside the city. \u201cWe are inside,\u201d a commander said. It\u2019s the fourth-largest "
    "city in the country, and its loss is the heaviest blow to the government in years.\n"
)


def _with_byte(data: bytes, byte: bytes, at: int) -> bytes:
    return data[:at] + byte + data[at:]


def test_one_invalid_byte_keeps_the_article_utf8(caplog):
    data = _with_byte(ARTICLE.encode("utf-8"), b"\xff", 40)
    with caplog.at_level(logging.WARNING, logger="storyweave.ingest.decoding"):
        text = decode_text(data, "hama.txt")

    assert text.count("\u2019") == 1 and "\u201cWe are inside,\u201d" in text
    assert "\u201a\u00c4\u00f4" not in text and "\u00e2\u20ac" not in text  # no Mac Roman or cp1252 mojibake
    assert "hama.txt" in caplog.text and "1 byte" in caplog.text and "UTF-8" in caplog.text


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed articles are not next to the repository")
def test_seed_with_one_invalid_byte_has_no_mojibake(caplog):
    raw = SEED.read_bytes()
    expected = raw.decode("utf-8")
    with caplog.at_level(logging.WARNING):
        text = decode_text(_with_byte(raw, b"\xff", len(raw) // 2), str(SEED))

    assert "\u201a\u00c4\u00f4" not in text  # "‚Äô", a ’ read as Mac Roman
    assert text.count("\u2019") == expected.count("\u2019")
    assert len(text) == len(expected) + 1
    assert "not valid UTF-8" in caplog.text


def test_a_truncated_utf8_sequence_becomes_one_replacement_character():
    data = ARTICLE.encode("utf-8").replace("It\u2019s".encode(), b"It\xe2\x80s", 1)
    text = decode_text(data, "cut.txt")
    assert "It\ufffds" in text and "\u201cWe are inside" in text


def test_mixed_utf8_and_latin1_keeps_both_readable(caplog):
    data = ARTICLE.encode("utf-8") + "Le caf\u00e9 de la place est ferm\u00e9.\n".encode("latin-1")
    with caplog.at_level(logging.WARNING):
        text = decode_text(data, "mixed.txt")

    assert "It\u2019s the fourth-largest" in text
    assert "Le caf\u00e9 de la place est ferm\u00e9." in text
    assert "mixed.txt" in caplog.text and "2 bytes" in caplog.text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(encoding):
    plain = ARTICLE.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
    text = decode_text(plain.encode(encoding), "wide.txt")
    assert text == plain


def test_utf16_without_bom_is_read_as_an_article(tmp_path):
    data = ARTICLE.encode("utf-16-le")
    document = InputDocument("wide.txt", data, tmp_path / "wide.txt")
    (draft,) = TextReader().read(document, IngestOptions())
    assert "redeployed outside the city" in draft.text


def test_nul_bytes_are_dropped_with_a_warning(caplog):
    data = _with_byte(ARTICLE.encode("utf-8"), b"\x00", 60)
    with caplog.at_level(logging.WARNING):
        text = decode_text(data, "nul.txt")

    assert text == ARTICLE
    assert "nul.txt" in caplog.text and "NUL" in caplog.text


def test_text_padded_with_nul_bytes_is_read():
    # What a file looks like after a crash left its tail unwritten.
    data = ARTICLE.encode("utf-8") + b"\x00" * 4096
    assert decode_text(data, "padded.txt") == ARTICLE


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 40,
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        b"\x00" * 1000,
    ],
)
def test_binary_data_is_still_refused(data):
    with pytest.raises(BadDocument, match="not text"):
        decode_text(data, "junk.bin")


def test_legacy_single_byte_encodings_are_still_detected():
    russian = "Повстанцы вошли в город Хама в четверг, сообщила армия. " * 20
    assert decode_text(russian.encode("cp1251"), "ru.txt") == russian


def test_stray_windows_1252_quote_in_ascii_text_reads_as_the_quote():
    data = b"The army said it had redeployed. It\x92s the fourth-largest city in the country."
    assert "It\u2019s the fourth-largest" in decode_text(data, "stray.txt")
