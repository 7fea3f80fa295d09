"""The seed article, curated: DESIGN.md's table "The seed article, curated" as plain data.

Records refer to one another by natural key: actors by slug, events by a local ``ref`` that only
this file uses (events themselves are looked up by kind and title). Every quote is copied from
``seed_article.txt``; the loader refuses to load a quote the article does not contain.
"""

import datetime

ARTICLE_FILE = "seed_article.txt"

ACTORS = [
    {
        "slug": "vladimir-putin",
        "name": "Vladimir Putin",
        "kind": "person",
        "country": "RUS",
        "wikidata_id": "Q7747",
        "description": "President of Russia.",
    },
    {
        "slug": "volodymyr-zelenskyy",
        "name": "Volodymyr Zelenskyy",
        "kind": "person",
        "country": "UKR",
        "wikidata_id": "Q3874799",
        "description": "President of Ukraine.",
    },
    {
        "slug": "donald-trump",
        "name": "Donald Trump",
        "kind": "person",
        "country": "USA",
        "wikidata_id": "Q22686",
        "description": "President of the United States.",
    },
    {
        "slug": "dmitry-peskov",
        "name": "Dmitry Peskov",
        "kind": "person",
        "country": "RUS",
        "wikidata_id": "",
        "description": "Spokesperson of the President of Russia.",
    },
    {
        "slug": "russia",
        "name": "Russia",
        "kind": "state",
        "country": "RUS",
        "wikidata_id": "Q159",
        "gw_code": 365,
        "description": "",
    },
    {
        "slug": "ukraine",
        "name": "Ukraine",
        "kind": "state",
        "country": "UKR",
        "wikidata_id": "Q212",
        "gw_code": 369,
        "description": "",
    },
    {
        "slug": "united-states",
        "name": "United States",
        "kind": "state",
        "country": "USA",
        "wikidata_id": "Q30",
        "gw_code": 2,
        "description": "",
    },
    {
        "slug": "saudi-arabia",
        "name": "Saudi Arabia",
        "kind": "state",
        "country": "SAU",
        "wikidata_id": "Q851",
        "gw_code": 670,
        "description": "",
    },
    {
        "slug": "interfax",
        "name": "Interfax",
        "kind": "media",
        "country": "RUS",
        "wikidata_id": "",
        "description": "Russian news agency.",
    },
    {
        "slug": "russian-state-tv",
        "name": "Russian state TV",
        "kind": "media",
        "country": "RUS",
        "wikidata_id": "",
        "description": "Russian state television, as the article names it without a channel.",
    },
]

# (alias, actor slug)
ALIASES = [
    ("Moscow", "russia"),
    ("the Kremlin", "russia"),
    ("Kyiv", "ukraine"),
    ("Washington", "united-states"),
    ("Zelensky", "volodymyr-zelenskyy"),
    ("Zelenskiy", "volodymyr-zelenskyy"),
    ("Putin", "vladimir-putin"),
    ("Trump", "donald-trump"),
    ("Peskov", "dmitry-peskov"),
    # Demonyms and initials name their state: "Russian President Vladimir Putin", "U.S.
    # officials" (the suggestion engine finds actors through aliases).
    ("Russian", "russia"),
    ("Ukrainian", "ukraine"),
    ("American", "united-states"),
    ("U.S.", "united-states"),
]

AFFILIATIONS = [
    {
        "person": "vladimir-putin",
        "role": "President",
        "organization": "russia",
        "start_date": datetime.date(2012, 5, 7),
    },
    {
        "person": "dmitry-peskov",
        "role": "presidential spokesperson",
        "organization": "russia",
        "start_date": None,
    },
    {
        "person": "donald-trump",
        "role": "President",
        "organization": "united-states",
        "start_date": datetime.date(2025, 1, 20),
    },
    {
        "person": "volodymyr-zelenskyy",
        "role": "President",
        "organization": "ukraine",
        "start_date": datetime.date(2019, 5, 20),
    },
]

CONFLICT = {
    "slug": "russia-ukraine-war",
    "name": "Russia–Ukraine war",
    "start_date": datetime.date(2022, 2, 24),
    "parties": ["russia", "ukraine"],
}

# The article has no known URL; its title is the natural key.
SOURCE = {
    "title": (
        "For the First Time, President Vladimir Putin Expresses Willingness for Bilateral Talks "
        "with Ukraine"
    ),
    "published_at": datetime.datetime(2025, 4, 21, tzinfo=datetime.UTC),
    "language": "en",
}

MARCH_2025 = datetime.date(2025, 3, 1)

_TRUMP_CEASEFIRE_QUOTE = (
    "Russia rejected a proposal by Trump for a full 30-day ceasefire, which Ukraine had accepted"
)
_EASTER_ACCUSATION_QUOTE = "Both Moscow and Kyiv accused each other of violating the truce"
_ENERGY_ACCUSATION_QUOTE = "an agreement both sides later accused each other of violating"

# Each event: kind, ref (for links within this file), title, summary, date, date_precision,
# fields (the kind's own columns), links to proposals by ref (proposal, counters, produced),
# responder (Response only, an actor slug), participants as (actor slug, role), citations and
# locations (where the article names a place; a meeting's venue is its first location).
# All are published in CONFLICT. An event listed here may only refer to events listed above it.
EVENTS = [
    {
        "kind": "proposal",
        "ref": "easter-truce",
        "title": "Easter truce",
        "summary": (
            "Putin unilaterally declared a 30-hour ceasefire over Easter, from Saturday "
            "19 April to Sunday 20 April 2025. Fighting resumed when it expired; both sides "
            "accused each other of violating it."
        ),
        "date": datetime.date(2025, 4, 19),
        "date_precision": "day",
        "fields": {
            "proposal_kind": "ceasefire",
            "scope": "comprehensive",
            "arrangement": "unilateral",
            "duration_hours": 30,
            "purposes": ["holiday"],
            "occasion": "Easter",
            "proposed_start": datetime.date(2025, 4, 19),
            "proposed_end": datetime.date(2025, 4, 20),
            "effective_from": datetime.date(2025, 4, 19),
            "ended_on": datetime.date(2025, 4, 20),
            "end_reason": "expired",
            "outcome": "expired",
        },
        "participants": [("vladimir-putin", "proposer"), ("ukraine", "addressee")],
        "citations": [
            {"quote": "a unilaterally declared 30-hour ceasefire on Saturday"},
            {
                "quote": (
                    "We always have a positive attitude toward a truce, which is why we came up "
                    "with such an initiative, especially during these bright Easter days"
                ),
                "speaker": "vladimir-putin",
                "via": "russian-state-tv",
            },
        ],
    },
    {
        "kind": "response",
        "title": "Ukraine dismisses the Easter truce as a political maneuver",
        "summary": "Ukraine dismissed Russia's unilateral Easter truce as a political maneuver.",
        "date": datetime.date(2025, 4, 19),
        "date_precision": "day",
        "proposal": "easter-truce",
        "responder": "ukraine",
        "fields": {"stance": "dismissed"},
        "participants": [],
        "citations": [{"quote": "Ukraine dismissed it as a political maneuver"}],
    },
    {
        "kind": "response",
        "title": "United States welcomes extending the pause",
        "summary": (
            "The United States welcomed the possibility of extending the Easter pause in "
            "hostilities."
        ),
        "date": datetime.date(2025, 4, 21),
        "date_precision": "day",
        "proposal": "easter-truce",
        "responder": "united-states",
        "fields": {"stance": "welcomed"},
        "participants": [],
        "citations": [
            {
                "quote": (
                    "The United States welcomed the possibility of extending the pause in "
                    "hostilities"
                )
            }
        ],
    },
    {
        "kind": "accusation",
        "title": "Russia accuses Ukraine of violating the Easter truce",
        "summary": "Russia accused Ukraine of violating the 30-hour Easter truce.",
        "date": datetime.date(2025, 4, 20),
        "date_precision": "day",
        "proposal": "easter-truce",
        "fields": {"incident_date": datetime.date(2025, 4, 20)},
        "participants": [("russia", "accuser"), ("ukraine", "accused")],
        "citations": [{"quote": _EASTER_ACCUSATION_QUOTE}],
    },
    {
        "kind": "accusation",
        "title": "Ukraine accuses Russia of violating the Easter truce",
        "summary": "Ukraine accused Russia of violating the 30-hour Easter truce.",
        "date": datetime.date(2025, 4, 20),
        "date_precision": "day",
        "proposal": "easter-truce",
        "fields": {"incident_date": datetime.date(2025, 4, 20)},
        "participants": [("ukraine", "accuser"), ("russia", "accused")],
        "citations": [{"quote": _EASTER_ACCUSATION_QUOTE}],
    },
    {
        "kind": "proposal",
        "ref": "civilian-truce",
        "title": "30-day truce on civilian areas",
        "summary": (
            "Answering the Easter truce, Zelenskyy called for a 30-day truce on strikes against "
            "civilian areas."
        ),
        "date": datetime.date(2025, 4, 20),
        "date_precision": "day",
        "counters": "easter-truce",
        "fields": {
            "proposal_kind": "partial_ceasefire",
            "scope": "civilian_targets",
            "duration_hours": 720,
            "outcome": "under_consideration",
        },
        "participants": [("volodymyr-zelenskyy", "proposer"), ("russia", "addressee")],
        "citations": [
            {
                "quote": (
                    "Ukrainian President Volodymyr Zelenskyy called for a 30-day truce to "
                    "protect civilian areas"
                )
            }
        ],
    },
    {
        "kind": "response",
        "title": "Putin: a matter for serious consideration",
        "summary": (
            "Asked about Zelenskyy's proposal of a 30-day ceasefire on civilian targets, Putin "
            "called it a matter for serious consideration, possibly even bilaterally, and did "
            "not rule it out."
        ),
        "date": datetime.date(2025, 4, 21),
        "date_precision": "day",
        "proposal": "civilian-truce",
        "responder": "vladimir-putin",
        "fields": {"stance": "considering"},
        "participants": [],
        "citations": [
            {
                "quote": (
                    "This is a matter for serious consideration, possibly even bilaterally. "
                    "We are not ruling it out."
                ),
                "speaker": "vladimir-putin",
            }
        ],
    },
    {
        "kind": "proposal",
        "ref": "bilateral-talks",
        "title": "Bilateral talks with Kyiv",
        "summary": (
            "For the first time in several years, Putin offered bilateral talks with Ukraine. "
            "His spokesperson Dmitry Peskov confirmed to Interfax that he meant negotiations "
            "with the Ukrainian side on not striking civilian targets."
        ),
        "date": datetime.date(2025, 4, 21),
        "date_precision": "day",
        "fields": {
            "proposal_kind": "talks",
            "talks_format": "bilateral",
            "stage": "pre_negotiation",
            "outcome": "proposed",
        },
        "participants": [("vladimir-putin", "proposer"), ("ukraine", "addressee")],
        "citations": [
            {"quote": "on Monday proposed bilateral talks with Kyiv for the first time"},
            {
                "quote": (
                    "When the President said that the issue of not striking civilian targets "
                    "could be discussed, even bilaterally, he was referring to negotiations and "
                    "discussions with the Ukrainian side."
                ),
                "speaker": "dmitry-peskov",
                "via": "interfax",
            },
        ],
    },
    {
        "kind": "proposal",
        "ref": "trump-ceasefire",
        "title": "Full 30-day ceasefire",
        "summary": (
            "Trump proposed a full 30-day ceasefire. Ukraine accepted it; Russia rejected it."
        ),
        "date": MARCH_2025,
        "date_precision": "month",
        "fields": {
            "proposal_kind": "ceasefire",
            "scope": "comprehensive",
            "duration_hours": 720,
            "outcome": "rejected",
        },
        "participants": [
            ("donald-trump", "proposer"),
            ("russia", "addressee"),
            ("ukraine", "addressee"),
        ],
        "citations": [{"quote": _TRUMP_CEASEFIRE_QUOTE}],
    },
    {
        "kind": "response",
        "title": "Ukraine accepts the full 30-day ceasefire",
        "summary": "Ukraine accepted Trump's proposal of a full 30-day ceasefire.",
        "date": MARCH_2025,
        "date_precision": "month",
        "proposal": "trump-ceasefire",
        "responder": "ukraine",
        "fields": {"stance": "accepted"},
        "participants": [],
        "citations": [{"quote": _TRUMP_CEASEFIRE_QUOTE}],
    },
    {
        "kind": "response",
        "title": "Russia rejects the full 30-day ceasefire",
        "summary": "Russia rejected Trump's proposal of a full 30-day ceasefire.",
        "date": MARCH_2025,
        "date_precision": "month",
        "proposal": "trump-ceasefire",
        "responder": "russia",
        "fields": {"stance": "rejected"},
        "participants": [],
        "citations": [{"quote": _TRUMP_CEASEFIRE_QUOTE}],
    },
    {
        "kind": "proposal",
        "ref": "energy-pause",
        "title": "Pause in strikes on energy infrastructure",
        "summary": (
            "The only agreement of the US-mediated talks in Saudi Arabia: limited pauses in "
            "attacks on energy infrastructure. Both sides later accused each other of "
            "violating it."
        ),
        "date": MARCH_2025,
        "date_precision": "month",
        "fields": {
            "proposal_kind": "partial_ceasefire",
            "scope": "energy_infrastructure",
            "arrangement": "bilateral",
            "outcome": "accepted",
        },
        "participants": [
            ("united-states", "mediator"),
            ("russia", "addressee"),
            ("ukraine", "addressee"),
        ],
        "citations": [
            {
                "quote": (
                    "an agreement was reached only on limited pauses in attacks on energy "
                    "infrastructure"
                )
            }
        ],
    },
    {
        "kind": "meeting",
        "title": "Parallel talks in Saudi Arabia",
        "summary": (
            "US officials held parallel discussions with Russia and with Ukraine in Saudi "
            "Arabia. They produced only an agreement on limited pauses in attacks on energy "
            "infrastructure."
        ),
        "date": MARCH_2025,
        "date_precision": "month",
        "produced": ["energy-pause"],
        "fields": {
            "venue": "Saudi Arabia",
            "country": "SAU",
            "meeting_format": "parallel",
            "outcome": "Agreement on limited pauses in attacks on energy infrastructure.",
        },
        "participants": [
            ("united-states", "mediator"),
            ("russia", "delegation"),
            ("ukraine", "delegation"),
            ("saudi-arabia", "host"),
        ],
        "citations": [
            {"quote": "U.S. officials held parallel discussions with both sides in Saudi Arabia"}
        ],
        # The talks' venue as a place: the article names the country only (no city), so no
        # coordinates; GeoNames' id of the country.
        "locations": [
            {
                "name": "Saudi Arabia",
                "country": "SAU",
                "precision": "country",
                "geonames_id": 102358,
            }
        ],
    },
    {
        "kind": "accusation",
        "title": "Russia accuses Ukraine of violating the energy pause",
        "summary": (
            "Russia accused Ukraine of violating the agreed pause in strikes on energy "
            "infrastructure."
        ),
        "date": MARCH_2025,
        "date_precision": "month",
        "proposal": "energy-pause",
        "fields": {},
        "participants": [("russia", "accuser"), ("ukraine", "accused")],
        "citations": [{"quote": _ENERGY_ACCUSATION_QUOTE}],
    },
    {
        "kind": "accusation",
        "title": "Ukraine accuses Russia of violating the energy pause",
        "summary": (
            "Ukraine accused Russia of violating the agreed pause in strikes on energy "
            "infrastructure."
        ),
        "date": MARCH_2025,
        "date_precision": "month",
        "proposal": "energy-pause",
        "fields": {},
        "participants": [("ukraine", "accuser"), ("russia", "accused")],
        "citations": [{"quote": _ENERGY_ACCUSATION_QUOTE}],
    },
]
