from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks and their data generator (``manage.py generate_data``); no models."""

    name = "bench"
    verbose_name = "Benchmarks"
