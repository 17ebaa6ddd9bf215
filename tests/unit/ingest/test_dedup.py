from storyweave.ingest.dedup import (
    BANDS,
    content_hash,
    document_key,
    estimated_jaccard,
    fingerprint,
    normalise,
    signature_from_bytes,
)

TEXT = " ".join(f"w{i}" for i in range(300))


def test_normalise_ignores_case_punctuation_quotes_and_spacing():
    assert normalise("“Hama,”  he SAID —\nfell.") == normalise('"hama" he said - fell')


def test_exact_copies_share_a_hash_and_different_texts_do_not():
    assert content_hash("A  b. C") == content_hash("a b c")
    assert content_hash("a b c") != content_hash("a b d")


def test_document_key_depends_on_origin():
    assert document_key(TEXT, "https://a.example/x") == document_key(TEXT, "https://a.example/x")
    assert document_key(TEXT, "https://a.example/x") != document_key(TEXT, "https://b.example/x")


def test_minhash_estimates_similarity():
    a = fingerprint(TEXT)
    b = fingerprint(TEXT.replace("w150", "changed"))
    c = fingerprint(" ".join(f"v{i}" for i in range(300)))
    assert estimated_jaccard(a.signature, b.signature) > 0.9
    assert estimated_jaccard(a.signature, c.signature) < 0.1
    shared = set(a.bands()) & set(b.bands())
    assert shared and not set(a.bands()) & set(c.bands())
    assert len(a.bands()) == BANDS


def test_signature_survives_storage_as_bytes():
    fp = fingerprint(TEXT)
    assert (signature_from_bytes(fp.signature_bytes()) == fp.signature).all()
    assert all(-(2**63) <= h < 2**63 for _, h in fp.bands())
