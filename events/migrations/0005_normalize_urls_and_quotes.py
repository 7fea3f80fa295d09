"""Stored URLs in their one spelling (http/https, www., ports, trailing slash and parameter
order folded) and quotes as the article's own words.

A URL whose new spelling another source already has is left as it was, and reported: the two
records are the same article and an editor merges them.
"""

from django.db import migrations

from events.text import article_span, normalize_url


def forward(apps, schema_editor):
    Source = apps.get_model("events", "Source")
    Citation = apps.get_model("events", "Citation")
    taken = set(Source.objects.exclude(url="").values_list("url", flat=True))
    for source in Source.objects.exclude(url="").only("pk", "url").iterator():
        url = normalize_url(source.url)
        if url == source.url:
            continue
        if url in taken:
            print(f"\n  Source {source.pk}: {source.url} is the same article as {url}; kept as is.")
            continue
        taken.discard(source.url)
        taken.add(url)
        Source.objects.filter(pk=source.pk).update(url=url)
    citations = Citation.objects.exclude(source__body="").select_related("source")
    for citation in citations.iterator():
        span = article_span(citation.quote, citation.source.body)
        if span is not None and span != citation.quote:
            Citation.objects.filter(pk=citation.pk).update(quote=span)


class Migration(migrations.Migration):
    dependencies = [("events", "0004_search_indexes")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
