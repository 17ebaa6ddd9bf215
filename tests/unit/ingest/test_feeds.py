"""FeedReader on RSS 2.0, RSS 1.0 and Atom feeds written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyweave.config import IngestOptions
from storyweave.errors import BadDocument
from storyweave.ingest.base import InputDocument
from storyweave.ingest.feeds import FeedReader
from storyweave.records import ArticleDraft, DocumentError, DocumentMetadata

NO_METADATA = DocumentMetadata()

RSS2 = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
 <channel>
  <title>Example World News</title>
  <link>https://news.example.com/</link>
  <language>en-gb</language>
  <item>
   <title>Rebels enter Hama</title>
   <link>https://news.example.com/hama</link>
   <description>Short teaser only.</description>
   <content:encoded><![CDATA[<p>Rebels entered <b>Hama</b> on Thursday.</p><p>The army said it redeployed.</p>]]></content:encoded>
   <pubDate>Thu, 05 Dec 2024 14:30:00 +0200</pubDate>
   <dc:creator>Jane Roe</dc:creator>
  </item>
  <item>
   <title>No link here</title>
   <description>&lt;p&gt;Residents fled south towards Homs.&lt;/p&gt;</description>
  </item>
  <item>
   <title>Empty entry</title>
   <link>https://news.example.com/empty</link>
  </item>
 </channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Atom Wire</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2024-12-05T18:30:02Z</updated>
  <entry>
    <title>Aleppo, then Hama</title>
    <link href="https://wire.example.org/aleppo-hama"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2024-12-05T18:30:02Z</updated>
    <author><name>A. Writer</name></author>
    <author><name>B. Writer</name></author>
    <summary>Summary text.</summary>
    <content type="html">&lt;p&gt;First paragraph about Aleppo.&lt;/p&gt;&lt;p&gt;Second paragraph about Hama.&lt;/p&gt;</content>
  </entry>
</feed>
"""

RSS1 = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
  <channel rdf:about="https://rdf.example.net/">
    <title>RDF News</title><link>https://rdf.example.net/</link><description>d</description>
  </channel>
  <item rdf:about="https://rdf.example.net/1">
    <title>Idlib</title><link>https://rdf.example.net/1</link>
    <description>Fighting continued near Idlib.</description>
  </item>
</rdf:RDF>
"""


def read_all(text: str, name: str = "news.rss", metadata: DocumentMetadata = NO_METADATA):
    document = InputDocument(source=name, data=text.encode("utf-8"), path=Path(name), metadata=metadata)
    return list(FeedReader().read(document, IngestOptions()))


def test_rss2_entries_with_content_metadata_and_errors():
    first, second, third = read_all(RSS2)

    assert isinstance(first, ArticleDraft)
    assert first.source == "https://news.example.com/hama"
    # The longer content:encoded wins over the teaser, and paragraphs stay apart.
    assert first.text == "Rebels entered Hama on Thursday.\n\nThe army said it redeployed."
    assert first.metadata.title == "Rebels enter Hama"
    assert first.metadata.url == "https://news.example.com/hama"
    assert first.metadata.published == "2024-12-05T12:30:00+00:00"
    assert first.metadata.author == "Jane Roe"
    assert first.metadata.site_name == "Example World News"
    assert first.metadata.language == "en-gb"
    assert first.reader == "feed"

    assert isinstance(second, ArticleDraft)
    assert second.source == "news.rss#2"
    assert second.text == "Residents fled south towards Homs."

    assert isinstance(third, DocumentError)
    assert third.source == "https://news.example.com/empty"
    assert "no content or summary" in third.reason


def test_atom_prefers_content_and_joins_authors():
    (entry,) = read_all(ATOM, "wire.atom")

    assert entry.text == "First paragraph about Aleppo.\n\nSecond paragraph about Hama."
    assert entry.metadata.author == "A. Writer, B. Writer"
    assert entry.metadata.published == "2024-12-05T18:30:02+00:00"
    assert entry.metadata.site_name == "Atom Wire"


def test_rss1_rdf_feed():
    (entry,) = read_all(RSS1, "feed.xml")
    assert entry.text == "Fighting continued near Idlib."
    assert entry.metadata.url == "https://rdf.example.net/1"


def test_given_metadata_wins_over_the_feed():
    first = read_all(RSS2, metadata=DocumentMetadata(outlet="Example Outlet", site_name="Given"))[0]
    assert first.metadata.outlet == "Example Outlet"
    assert first.metadata.site_name == "Given"


def test_malformed_feed_without_entries_is_a_bad_document():
    with pytest.raises(BadDocument, match="not a readable feed"):
        read_all("<rss version='2.0'><channel><title>Broken</title", "broken.rss")


def test_bozo_feed_with_entries_is_still_read():
    cut = RSS2[: RSS2.index("<title>Empty entry")]  # ends inside the channel: not well-formed
    results = read_all(cut)
    assert [type(r) for r in results] == [ArticleDraft, ArticleDraft, DocumentError]


def test_feed_bytes_are_never_taken_for_a_file_name(tmp_path):
    # feedparser opens a bytes argument as a path; the reader must hand it the data itself.
    secret = tmp_path / "secret.rss"
    secret.write_text(RSS2)
    with pytest.raises(BadDocument):
        list(FeedReader().read(InputDocument(source="x.rss", data=str(secret).encode()), IngestOptions()))


def test_sniff():
    reader = FeedReader()
    assert reader.sniff(InputDocument(source="<stdin>", data=RSS2.encode()))
    assert reader.sniff(InputDocument(source="<stdin>", data=ATOM.encode()))
    assert reader.sniff(InputDocument(source="<stdin>", data=RSS1.encode()))
    assert reader.sniff(InputDocument(source="a", data=b"", path=Path("a.atom")))
    page = b"<!DOCTYPE html><html><body><script>var s='<feed '</script></body></html>"
    assert not reader.sniff(InputDocument(source="<stdin>", data=page))
    assert not reader.sniff(InputDocument(source="<stdin>", data=b"Plain text about <rss feeds>"))
