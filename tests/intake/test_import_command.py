"""manage.py import_sources: each format, URL dedupe, idempotence, bad rows, outlets, queries."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from actors.models import Actor
from events.intake import import_sources, sniff_format
from events.management.commands.import_sources import Progress
from events.models import MergedSource, Source
from tests.factories import ActorAliasFactory, ActorFactory, SourceFactory

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>Harbour Gazette</title>
    <link>https://gazette.example.net/</link>
    <description>News from the harbour</description>
    <language>en-gb</language>
    <item>
      <title>Envoys meet at the lighthouse</title>
      <link>https://gazette.example.net/2025/envoys-meet/?utm_source=rss</link>
      <pubDate>Sat, 19 Apr 2025 14:30:00 +0200</pubDate>
      <description>&lt;p&gt;The envoys &lt;b&gt;met&lt;/b&gt; at dawn.&lt;/p&gt;
        &lt;p&gt;Talks resume on Monday.&lt;/p&gt;</description>
    </item>
    <item>
      <title>Ferry service halted</title>
      <link>https://gazette.example.net/2025/ferry-halted</link>
      <pubDate>Sun, 20 Apr 2025 08:00:00 GMT</pubDate>
      <description>No ferries until further notice.</description>
      <source url="https://wire.example.com/rss">Coastal Wire</source>
    </item>
  </channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title>Valley Courier</title>
  <id>urn:uuid:valley-courier</id>
  <updated>2025-05-02T10:00:00Z</updated>
  <entry>
    <title>Mediators propose a harvest pause</title>
    <link href="https://courier.example.org/mediators-pause"/>
    <id>urn:uuid:1</id>
    <updated>2025-05-02T09:00:00Z</updated>
    <summary>Short summary.</summary>
    <content type="html">&lt;h2&gt;Harvest&lt;/h2&gt;
      &lt;p&gt;Mediators proposed a pause.&lt;br&gt;Both sides are studying it.&lt;/p&gt;</content>
  </entry>
</feed>
"""


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(path: str, *args) -> str:
    out = io.StringIO()
    call_command("import_sources", path, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def jsonl(*rows) -> str:
    return "".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows)


def test_it_imports_an_rss_feed(db, tmp_path):
    output = run(write(tmp_path, "gazette.rss", RSS))

    assert output.startswith("2 added, 0 already known, 0 rejected (of 2 entries).")
    envoys = Source.objects.get(title="Envoys meet at the lighthouse")
    assert envoys.url == "https://gazette.example.net/2025/envoys-meet"
    assert envoys.published_at == datetime.datetime(2025, 4, 19, 12, 30, tzinfo=datetime.UTC)
    # HTML stripped to text, its paragraphs kept.
    assert envoys.body == "The envoys met at dawn.\n\nTalks resume on Monday."
    assert envoys.language == "en"
    # The feed's title is the outlet, unless the entry names its own source.
    assert envoys.outlet.name == "Harbour Gazette"
    assert envoys.outlet.kind == Actor.Kind.MEDIA
    ferry = Source.objects.get(title="Ferry service halted")
    assert ferry.outlet.name == "Coastal Wire"
    assert ferry.body == "No ferries until further notice."


def test_it_imports_an_atom_feed(db, tmp_path):
    run(write(tmp_path, "courier.atom", ATOM))

    source = Source.objects.get()
    assert source.title == "Mediators propose a harvest pause"
    assert source.url == "https://courier.example.org/mediators-pause"
    # No published date: the updated one.
    assert source.published_at == datetime.datetime(2025, 5, 2, 9, 0, tzinfo=datetime.UTC)
    # The content, not the summary, with its heading and line break.
    assert source.body == "Harvest\n\nMediators proposed a pause.\nBoth sides are studying it."
    assert source.language == "fr"
    assert source.outlet.name == "Valley Courier"


def test_it_imports_json_lines(db, tmp_path):
    outlet = ActorFactory(name="River Post", slug="river-post", kind=Actor.Kind.MEDIA)
    path = write(
        tmp_path,
        "articles.jsonl",
        jsonl(
            {
                "url": "https://post.example.com/a1",
                "title": "Truce talks open",
                "published_at": "2025-03-01T09:15:00+01:00",
                "body": "Delegations arrived.",
                "outlet": "river post",
                "language": "uk",
                "archive_url": "https://archive.example.org/a1",
            },
            "",
            {"url": "https://post.example.com/a2", "title": "Second", "published_at": "2025-03-02"},
        ),
    )

    output = run(path)

    assert output.startswith("2 added, 0 already known, 0 rejected (of 2 lines).")
    first = Source.objects.get(url="https://post.example.com/a1")
    assert first.published_at == datetime.datetime(2025, 3, 1, 8, 15, tzinfo=datetime.UTC)
    assert (first.body, first.language, first.archive_url) == (
        "Delegations arrived.",
        "uk",
        "https://archive.example.org/a1",
    )
    assert first.outlet == outlet
    second = Source.objects.get(url="https://post.example.com/a2")
    # A date alone is midnight; the language defaults to English.
    assert second.published_at == datetime.datetime(2025, 3, 2, tzinfo=datetime.UTC)
    assert (second.language, second.outlet) == ("en", None)


def test_it_imports_csv_with_its_columns_in_any_order(db, tmp_path):
    ActorAliasFactory(
        name="The Ledger",
        actor=ActorFactory(name="Ledger Media", slug="ledger", kind=Actor.Kind.MEDIA),
    )
    path = write(
        tmp_path,
        "articles.csv",
        "title,url,outlet,published_at,body\n"
        "Ceasefire holds,https://ledger.example.com/holds,The Ledger,2025-06-01 18:00,"
        '"One.\n\nTwo."\n'
        "Another,https://ledger.example.com/another,,,\n",
    )

    output = run(path)

    assert output.startswith("2 added, 0 already known, 0 rejected (of 2 lines).")
    holds = Source.objects.get(title="Ceasefire holds")
    # An outlet named by an alias is that actor.
    assert holds.outlet.slug == "ledger"
    assert holds.body == "One.\n\nTwo."
    assert holds.published_at == datetime.datetime(2025, 6, 1, 18, 0, tzinfo=datetime.UTC)
    assert Source.objects.get(title="Another").published_at is None


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("feed.xml", b"", "rss"),
        ("feed.atom", b"", "atom"),
        ("rows.ndjson", b"", "jsonl"),
        ("rows.CSV", b"", "csv"),
        ("download", b'\n  <?xml version="1.0"?><rss/>', "rss"),
        ("download", b'{"url": "x"}', "jsonl"),
        ("download", b"url,title\n", "csv"),
    ],
)
def test_the_format_is_sniffed_from_the_name_then_the_content(name, content, expected):
    assert sniff_format(name, content) == expected


def test_a_format_given_overrides_the_extension(db, tmp_path):
    path = write(tmp_path, "export.txt", jsonl({"url": "https://a.example.com/1", "title": "T"}))

    assert run(path, "--format", "jsonl").startswith("1 added")


def test_urls_are_deduplicated_once_normalized(db, tmp_path):
    stored = SourceFactory(url="https://example.com/story")
    merged_into = SourceFactory(url="https://example.com/kept")
    MergedSource.objects.create(
        source=merged_into, merged_id=999, url="https://example.com/merged", title="Dup"
    )
    path = write(
        tmp_path,
        "rows.jsonl",
        jsonl(
            {"url": "http://www.example.com/story/?utm_source=x&utm_medium=y", "title": "A"},
            {"url": "HTTPS://EXAMPLE.COM/story#comments", "title": "B"},
            {"url": "https://example.com/merged/", "title": "C"},
            {"url": "https://example.com/new?b=2&a=1&fbclid=z", "title": "D"},
            {"url": "http://example.com/new?a=1&b=2", "title": "E"},
        ),
    )

    output = run(path)

    assert output.startswith("1 added, 4 already known, 0 rejected (of 5 lines).")
    assert f"line 1: already known as source {stored.pk} (https://example.com/story)." in output
    assert f"line 2: already known as source {stored.pk}" in output
    # A merged duplicate's URL is the source it was merged into.
    assert f"line 3: already known as source {merged_into.pk}" in output
    # The same article twice in one file: added once.
    new = Source.objects.get(url="https://example.com/new?a=1&b=2")
    assert new.title == "D"
    assert f"line 5: already known as source {new.pk}" in output


def test_importing_the_same_file_twice_adds_nothing(db, tmp_path):
    path = write(tmp_path, "gazette.rss", RSS)
    run(path)
    sources, actors = Source.objects.count(), Actor.objects.count()

    output = run(path)

    assert output.startswith("0 added, 2 already known, 0 rejected (of 2 entries).")
    assert (Source.objects.count(), Actor.objects.count()) == (sources, actors)


def test_bad_rows_are_rejected_with_their_line_while_good_rows_land(db, tmp_path):
    path = write(
        tmp_path,
        "rows.jsonl",
        jsonl(
            {"url": "https://ok.example.com/1", "title": "Good one"},
            {"title": "No address"},
            {"url": "https://ok.example.com/2", "title": "Bad date", "published_at": "Sunday"},
            {"url": "https://ok.example.com/3", "title": "x" * 501},
            {"url": "https://ok.example.com/4", "title": "Extra", "author": "Ann", "tags": []},
            "{not json",
            {"url": "not an address", "title": ""},
            {"url": "https://ok.example.com/5", "title": "Good two"},
        ),
    )

    output = run(path)

    assert output.startswith("2 added, 0 already known, 6 rejected (of 8 lines).")
    assert set(Source.objects.values_list("title", flat=True)) == {"Good one", "Good two"}
    assert "line 2: url: required" in output
    assert "line 3: published_at: “Sunday” is not a date" in output
    assert "line 4: title: Ensure this value has at most 500 characters (it has 501)." in output
    assert "line 5: unknown field(s) 'author', 'tags'; the fields are url, title," in output
    assert "line 6: not valid JSON" in output
    # Every field's error, each named.
    assert "line 7: url: Enter a valid URL.; title: required" in output


def test_csv_rows_are_numbered_by_the_files_lines(db, tmp_path):
    path = write(
        tmp_path,
        "rows.csv",
        "url,title,published_at\n"
        'https://csv.example.com/1,"A title\nover two lines",2025-01-01\n'
        "https://csv.example.com/2,Bad date,2025-13-45\n"
        "\n"
        "https://csv.example.com/3,Too many,2025-01-01,extra\n"
        ",No URL,\n"
        "https://csv.example.com/4,Fine,\n",
    )

    output = run(path)

    assert output.startswith("2 added, 0 already known, 3 rejected (of 5 lines).")
    assert "line 4: published_at: “2025-13-45” is not a date" in output
    assert "line 6: 4 cells for the header's 3 columns" in output
    assert "line 7: url: required" in output


def test_unknown_or_missing_csv_columns_stop_the_import_naming_them(db, tmp_path):
    path = write(tmp_path, "rows.csv", "link,title,author\nhttps://x.example.com/1,A,B\n")

    with pytest.raises(CommandError) as raised:
        run(path)

    message = str(raised.value)
    assert "unknown column(s) 'link', 'author'" in message
    assert "missing required column(s) url" in message
    assert "The columns are url, title, published_at, body, outlet, language, archive_url" in (
        message
    )
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("broken.rss", b"this is not < a feed", "Not an RSS or Atom feed"),
        ("rows.jsonl", b'{"url": "\xff"}\n', "not UTF-8 text"),
    ],
)
def test_a_file_that_cannot_be_read_is_an_error(db, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        run(str(path))


def test_a_missing_file_is_an_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "nowhere.csv"))


def test_an_outlet_naming_an_actor_of_another_kind_is_rejected(db, tmp_path):
    ActorFactory(name="Freedonia", slug="freedonia", kind=Actor.Kind.STATE)
    row = {"url": "https://f.example.com/1", "title": "T", "outlet": "Freedonia"}
    path = write(tmp_path, "rows.jsonl", jsonl(row))

    output = run(path)

    assert "line 1: outlet: “Freedonia” is Freedonia, a state, not media." in output
    assert not Source.objects.exists()


def test_an_unknown_outlet_becomes_one_media_actor(db, tmp_path):
    path = write(
        tmp_path,
        "rows.jsonl",
        jsonl(
            {"url": "https://n.example.com/1", "title": "One", "outlet": "Night Desk"},
            {"url": "https://n.example.com/2", "title": "Two", "outlet": "NIGHT DESK"},
        ),
    )

    output = run(path)

    assert "New media actors for outlets: Night Desk." in output
    actor = Actor.objects.get(name="Night Desk")
    assert (actor.kind, actor.slug) == (Actor.Kind.MEDIA, "night-desk")
    assert set(Source.objects.values_list("outlet", flat=True)) == {actor.pk}


def test_without_leave_to_add_actors_an_unknown_outlet_rejects_the_row(db):
    data = jsonl({"url": "https://n.example.com/1", "title": "One", "outlet": "Night Desk"})

    report = import_sources(data.encode(), name="rows.jsonl", create_outlets=False)

    assert [(r.number, r.reason) for r in report.rejected] == [
        (
            1,
            "outlet: “Night Desk” names no actor: add it as a media actor first (you may not "
            "add actors), or leave the outlet blank.",
        )
    ]
    assert not Actor.objects.exists()


def test_a_row_is_all_or_nothing(db, tmp_path):
    """A row whose source is refused adds no outlet either."""
    data = jsonl({"url": "https://n.example.com/1", "title": "x" * 501, "outlet": "Night Desk"})

    report = import_sources(data.encode(), name="rows.jsonl")

    assert len(report.rejected) == 1
    assert not Actor.objects.exists()
    assert not Source.objects.exists()


def test_an_imported_source_says_so_in_its_history(db):
    import_sources(jsonl({"url": "https://h.example.com/1", "title": "T"}).encode(), name="a.jsonl")

    assert Source.objects.get().history.get().history_change_reason == "Imported from a.jsonl"


def test_progress_is_reported_as_lines_when_not_a_terminal(db, tmp_path):
    path = write(
        tmp_path,
        "rows.jsonl",
        jsonl(*({"url": f"https://p.example.com/{n}", "title": f"T{n}"} for n in range(3))),
    )
    err = io.StringIO()

    call_command("import_sources", path, stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "  Imported 1 of 3 rows…",
        "  Imported 2 of 3 rows…",
        "  Imported 3 of 3 rows…",
    ]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_redrawn_in_place_on_a_terminal():
    terminal = Terminal()
    progress = Progress(terminal)

    for done in range(1, 5):
        progress(done, 4)

    assert terminal.getvalue() == (
        "\rImporting [#######-----------------------] 1/4"
        "\rImporting [###############---------------] 2/4"
        "\rImporting [######################--------] 3/4"
        "\rImporting [##############################] 4/4\n"
    )


def rows(count: int, start: int = 0) -> bytes:
    return jsonl(
        *(
            {
                "url": f"https://q.example.com/{n}",
                "title": f"Article {n}",
                "published_at": "2025-01-01",
                "body": "Text.",
                "outlet": "Query Times",
            }
            for n in range(start, start + count)
        )
    ).encode()


def test_queries_per_row_are_bounded(db, django_assert_max_num_queries):
    ActorFactory(name="Query Times", slug="query-times", kind=Actor.Kind.MEDIA)
    import_sources(rows(1, start=100))  # the outlet, looked up once an import

    # The outlet once, then each new row: the known-URL look-up; full_clean's merged-URL
    # check and unique-URL check (in a savepoint: 3 queries); its transaction's savepoint, the
    # insert, the history row, the article's citations anchored (none yet) and the release.
    with django_assert_max_num_queries(1 + 10 * 20):
        report = import_sources(rows(20))
    assert len(report.added) == 20

    # A known row: its look-up only.
    with django_assert_max_num_queries(1 + 20):
        report = import_sources(rows(20))
    assert len(report.known) == 20
