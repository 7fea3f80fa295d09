"""The releases' settings from the environment: where the files go, whom to cite."""

from tests.test_settings import load_settings

SHOWN = (
    "settings.RELEASES_ROOT, settings.RELEASE_SITE_URL, settings.RELEASE_AUTHORS, "
    "settings.RELEASE_TITLE, repr(settings.RELEASE_REPOSITORY_URL)"
)
UNSET = [
    "RELEASES_ROOT",
    "RELEASE_SITE_URL",
    "RELEASE_AUTHORS",
    "RELEASE_TITLE",
    "RELEASE_REPOSITORY_URL",
]


def test_the_defaults_are_beside_the_code_and_the_local_server():
    code, output = load_settings(unset=UNSET, shown=SHOWN)

    assert code == 0, output
    root, site, *rest = output.split(" ", 2)
    assert root.endswith("/var/releases")
    assert site == "http://localhost:8000"
    assert "['Ceasefire tracker editors']" in output
    assert output.strip().endswith("''")


def test_the_environment_sets_them():
    code, output = load_settings(
        unset=UNSET,
        shown=SHOWN,
        RELEASES_ROOT="/srv/releases",
        RELEASE_SITE_URL="https://ceasefires.example.org/",
        RELEASE_AUTHORS="Doe, Jane; The Team ;",
        RELEASE_TITLE="Ceasefires",
        RELEASE_REPOSITORY_URL="https://git.example.org/t",
    )

    assert code == 0, output
    assert output.split(" ", 2)[:2] == ["/srv/releases", "https://ceasefires.example.org"]
    assert "['Doe, Jane', 'The Team'] Ceasefires 'https://git.example.org/t'" in output


def test_a_site_url_that_is_no_address_is_an_error():
    code, output = load_settings(unset=UNSET, shown=SHOWN, RELEASE_SITE_URL="ceasefires.org")

    assert code != 0
    assert "RELEASE_SITE_URL must be an address such as https://example.org" in output
